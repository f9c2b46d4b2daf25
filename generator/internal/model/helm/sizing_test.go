package helm

import (
	"testing"

	"github.com/coder-eks/coder-eks/generator/internal/config"
	"github.com/coder-eks/coder-eks/generator/internal/plan/capacity"
)

func TestCoderdResources(t *testing.T) {
	f := capacity.Figures{Server: capacity.Group{Pod: capacity.Pod{CPUMillis: 4000, MemoryMiB: 12288}}}
	res := coderdResources(f)
	if got := res.Requests.Cpu().String(); got != "4" {
		t.Errorf("cpu request = %s, want 4", got)
	}
	if got, want := res.Requests.Memory().String(), "12Gi"; got != want {
		t.Errorf("memory request = %s, want %s", got, want)
	}
	if !res.Limits.Memory().Equal(*res.Requests.Memory()) || !res.Limits.Cpu().IsZero() {
		t.Errorf("limits = %v, want memory equal to the request and no CPU limit", res.Limits)
	}
}

// TestProvisioners: one daemon per concurrent build the capacity model
// plans, whatever the node group's schedule.
func TestProvisioners(t *testing.T) {
	tests := []struct {
		name          string
		builds        int
		perNode       int
		wantReplicas  int
		wantSizeError bool
	}{
		{name: "prod: 300 builds", builds: 300, perNode: 15, wantReplicas: 300},
		{name: "builds below a node's worth", builds: 3, perNode: 7, wantReplicas: 3},
		{name: "does not fit", builds: 10, perNode: 0, wantSizeError: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := capacity.Figures{Builds: tt.builds, Provisioner: capacity.Group{
				Pod: capacity.Pod{CPUMillis: 1000, MemoryMiB: 1024}, Fit: capacity.Fit{PerNode: tt.perNode},
				Replicas: tt.builds,
			}}
			got, err := provisioners(f, config.Sizing{ProvisionerTerminationGraceS: 1800})
			if (err != nil) != tt.wantSizeError {
				t.Fatalf("error = %v, want error %v", err, tt.wantSizeError)
			}
			if err == nil && (got.Replicas != tt.wantReplicas || got.TerminationGraceSeconds != 1800) {
				t.Errorf("replicas = %d, grace %d; want %d, 1800", got.Replicas, got.TerminationGraceSeconds, tt.wantReplicas)
			}
		})
	}
}
