package capacity_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/coder-eks/coder-eks/generator/internal/config"
	"github.com/coder-eks/coder-eks/generator/internal/plan/capacity"
)

func composition(name, platform string, cpu, memGiB int) config.Composition {
	return config.Composition{
		Name:           name,
		Base:           config.Base{Platform: platform},
		ComputeProfile: config.ComputeProfile{CPU: cpu, MemoryGiB: memGiB},
	}
}

// TestPlanWorkspace: the largest Kubernetes profile's share, rounded up to
// a choice, requested as templates request it; EC2 templates never count;
// capacity.workspace_pod is the floor.
func TestPlanWorkspace(t *testing.T) {
	cat := loadEnv(t, "prod").Catalog
	tests := []struct {
		name     string
		ts       []config.Composition
		want     capacity.Pod
		template string
	}{
		{"no templates: the floor", nil, capacity.Pod{CPUMillis: 500, MemoryMiB: 2048}, ""},
		{"EC2 only: the floor", []config.Composition{composition("ec2-big", config.PlatformEC2, 64, 256)}, capacity.Pod{CPUMillis: 500, MemoryMiB: 2048}, ""},
		{"swdev: 1 vCPU, 4 GiB", []config.Composition{composition("pod-swdev", config.PlatformKubernetes, 4, 16)}, capacity.Pod{CPUMillis: 500, MemoryMiB: 4096}, "pod-swdev"},
		{"largest wins, rounded up to a choice", []config.Composition{
			composition("pod-swdev", config.PlatformKubernetes, 4, 16),
			composition("pod-big", config.PlatformKubernetes, 20, 40), // 5 vCPU → 6, 10 GiB → 12
			composition("ec2-huge", config.PlatformEC2, 96, 384),
		}, capacity.Pod{CPUMillis: 1500, MemoryMiB: 12 * 1024}, "pod-big"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := capacity.PlanWorkspace(tt.ts, cat)
			if diff := cmp.Diff(tt.want, got.Pod); diff != "" || got.Template != tt.template {
				t.Errorf("pod (-want +got):\n%s template %q, want %q", diff, got.Template, tt.template)
			}
		})
	}
}

// TestLargeProfileFailsWorkspaceNodes: a Kubernetes template with a large
// compute profile makes prod's ws_node_max_size too small.
func TestLargeProfileFailsWorkspaceNodes(t *testing.T) {
	env := loadEnv(t, "prod")
	c := env.Config
	check := func(ts []config.Composition) []capacity.Finding {
		f, err := capacity.Compute(&c, env.Catalog, c.AllWorkspaces(), ts)
		if err != nil {
			t.Fatal(err)
		}
		var out []capacity.Finding
		for _, fd := range capacity.Check(f, &c, env.Catalog) {
			if fd.Field == "ws_node_max_size" {
				out = append(out, fd)
			}
		}
		return out
	}
	if got := check([]config.Composition{composition("pod-swdev", config.PlatformKubernetes, 4, 16)}); len(got) != 0 {
		t.Fatalf("prod's own templates fail: %v", got)
	}
	got := check([]config.Composition{composition("pod-datasci", config.PlatformKubernetes, 16, 64)})
	if len(got) != 1 || !strings.Contains(got[0].Msg, "16384 MiB") || !strings.Contains(got[0].Msg, "raise it to at least") {
		t.Fatalf("findings at ws_node_max_size = %v; want one naming the 16 GiB pod", got)
	}
}
