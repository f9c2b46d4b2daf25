package helm

import (
	"testing"

	"github.com/coder-eks/coder-eks/generator/internal/config"
	"github.com/coder-eks/coder-eks/generator/internal/model/capacity"
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

func TestProvisioners(t *testing.T) {
	tests := []struct {
		name          string
		peak, min     int
		perNode       int
		wantReplicas  int
		wantSizeError bool
	}{
		{name: "seed defaults: 15 per node, 5 nodes", peak: 5, perNode: 15, wantReplicas: 75},
		{name: "no peak: one node's worth", peak: 0, perNode: 7, wantReplicas: 7},
		{name: "minimum above peak", peak: 1, min: 2, perNode: 7, wantReplicas: 14},
		{name: "does not fit", peak: 1, perNode: 0, wantSizeError: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := capacity.Figures{Provisioner: capacity.Group{
				Pod: capacity.Pod{CPUMillis: 1000, MemoryMiB: 1024}, Fit: capacity.Fit{PerNode: tt.perNode},
			}}
			c := &config.Environment{ProvNodeDesiredPeak: tt.peak, ProvNodeMinSize: tt.min}
			got, err := provisioners(c, f, config.Sizing{ProvisionerTerminationGraceS: 1800})
			if (err != nil) != tt.wantSizeError {
				t.Fatalf("error = %v, want error %v", err, tt.wantSizeError)
			}
			if err == nil && (got.Replicas != tt.wantReplicas || got.TerminationGraceSeconds != 1800) {
				t.Errorf("replicas = %d, grace %d; want %d, 1800", got.Replicas, got.TerminationGraceSeconds, tt.wantReplicas)
			}
		})
	}
}
