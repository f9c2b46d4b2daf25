package helm

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/coder-eks/coder-eks/generator/internal/config"
)

// testSizing mirrors schema/sizing.cue.
var testSizing = config.Sizing{
	KubeReservedCPUPercent:       []float64{6, 1, 0.5, 0.5},
	KubeReservedCPUPercentRest:   0.25,
	KubeReservedMemoryMiBBase:    255,
	KubeReservedMemoryMiBPerPod:  11,
	EvictionHardMemoryMiB:        100,
	DaemonSetCPUMillis:           400,
	DaemonSetMemoryMiB:           700,
	CoderdNodeShare:              0.4,
	ProvisionerCPUMillis:         1000,
	ProvisionerMemoryMiB:         2048,
	ProvisionerTerminationGraceS: 1800,
}

var (
	m5large   = config.InstanceType{VCPU: 2, MemoryGiB: 8, MaxPods: 29}
	c5xlarge2 = config.InstanceType{VCPU: 8, MemoryGiB: 16, MaxPods: 58}
)

func TestFree(t *testing.T) {
	tests := []struct {
		name string
		t    config.InstanceType
		want capacity
	}{
		// 2000m - (60+10) reserved - 400 DaemonSets;
		// 8192Mi - (255 + 11*29 + 100) - 700.
		{"m5.large", m5large, capacity{CPUMillis: 1530, MemoryMiB: 6818}},
		// 8000m - (60+10+5+5+4*2.5) - 400; 16384Mi - (255 + 11*58 + 100) - 700.
		{"c5.2xlarge", c5xlarge2, capacity{CPUMillis: 7510, MemoryMiB: 14691}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, free(tt.t, testSizing)); diff != "" {
				t.Errorf("free (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCoderd(t *testing.T) {
	z := &sizer{c: &config.Environment{ControlNodeInstanceType: "m5.large"}, s: testSizing, control: m5large}
	res, err := z.coderd()
	if err != nil {
		t.Fatal(err)
	}
	// 40% of 1530m is 612m → 610m; 40% of 6818Mi is 2727Mi → 2688Mi.
	if got := res.Requests.Cpu().String(); got != "610m" {
		t.Errorf("cpu request = %s, want 610m", got)
	}
	if got, want := res.Requests.Memory().String(), "2688Mi"; got != want {
		t.Errorf("memory request = %s, want %s", got, want)
	}
	if !res.Limits.Memory().Equal(*res.Requests.Memory()) || !res.Limits.Cpu().IsZero() {
		t.Errorf("limits = %v, want memory equal to the request and no CPU limit", res.Limits)
	}

	tiny := &sizer{c: &config.Environment{ControlNodeInstanceType: "tiny"}, s: testSizing,
		control: config.InstanceType{VCPU: 1, MemoryGiB: 1, MaxPods: 4}}
	if _, err := tiny.coderd(); err == nil {
		t.Error("a node too small for coderd was accepted")
	}
}

func TestProvisioners(t *testing.T) {
	tests := []struct {
		name          string
		peak, min     int
		mem           int
		wantReplicas  int
		wantSizeError bool
	}{
		{name: "seed defaults: 7 per node, 5 nodes", peak: 5, wantReplicas: 35, mem: 2048},
		{name: "no peak: one node's worth", peak: 0, wantReplicas: 7, mem: 2048},
		{name: "minimum above peak", peak: 1, min: 2, wantReplicas: 14, mem: 2048},
		{name: "memory bound", peak: 1, wantReplicas: 3, mem: 4096},
		{name: "does not fit", peak: 1, mem: 16384, wantSizeError: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := testSizing
			s.ProvisionerMemoryMiB = tt.mem
			z := &sizer{c: &config.Environment{ProvNodeDesiredPeak: tt.peak, ProvNodeMinSize: tt.min}, s: s, prov: c5xlarge2}
			got, err := z.provisioners()
			if (err != nil) != tt.wantSizeError {
				t.Fatalf("error = %v, want error %v", err, tt.wantSizeError)
			}
			if err == nil && got.Replicas != tt.wantReplicas {
				t.Errorf("replicas = %d, want %d", got.Replicas, tt.wantReplicas)
			}
		})
	}
}
