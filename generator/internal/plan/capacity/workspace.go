package capacity

import (
	"fmt"
	"math"

	"github.com/coder-eks/coder-eks/generator/internal/config"
)

// PlannedWorkspace is the workspace pod the workspace nodes are sized
// for, and where it comes from.
type PlannedWorkspace struct {
	Pod Pod
	// Template is the Kubernetes template whose profile set the pod; ""
	// when capacity.workspace_pod (the floor) did.
	Template string
	Basis    string
}

// PlanWorkspace derives the planned workspace pod from the composed
// templates' compute profiles. Only Kubernetes templates count: EC2
// templates run on instances of their own (plan/quota counts their
// vCPUs). A template's profile is the largest size its users may pick;
// users start at the smallest choice and few go to the ceiling, so a
// workspace is planned at capacity.workspace_profile_share of its
// template's profile, rounded up to a size users can pick
// (compute_choices), and requested the way the rendered template
// requests it (kubernetes_cpu_request_millis_per_vcpu per vCPU, memory in
// full). The largest such pod among the Kubernetes templates is planned
// for every workspace (conservative: the mix of templates is unknown),
// never less than capacity.workspace_pod (the validated architectures'
// 2 GB and 0.5 vCPU per user).
func PlanWorkspace(ts []config.Composition, cat config.Catalog) PlannedWorkspace {
	floor := cat.Capacity.WorkspacePod
	out := PlannedWorkspace{
		Pod:   Pod{CPUMillis: floor.CPUMillis, MemoryMiB: floor.MemoryMiB},
		Basis: "capacity.workspace_pod (no Kubernetes template asks for more)",
	}
	share := cat.Capacity.WorkspaceProfileShare
	for _, t := range ts {
		if t.Base.Platform != config.PlatformKubernetes {
			continue
		}
		ch := cat.ComputeChoices
		vcpu := choiceAtLeast(ch.CPU, float64(t.ComputeProfile.CPU)*share)
		mem := choiceAtLeast(ch.MemoryGiB, float64(t.ComputeProfile.MemoryGiB)*share)
		p := Pod{
			CPUMillis: max(vcpu*ch.KubernetesCPURequestMillisPerVCPU, floor.CPUMillis),
			MemoryMiB: max(mem*1024, floor.MemoryMiB),
		}
		if p.MemoryMiB > out.Pod.MemoryMiB || (p.MemoryMiB == out.Pod.MemoryMiB && p.CPUMillis > out.Pod.CPUMillis) {
			out.Pod, out.Template = p, t.Name
			out.Basis = fmt.Sprintf("template %s: %g of its compute profile (%d vCPU, %d GiB) = %d vCPU (requests %dm), %d GiB",
				t.Name, share, t.ComputeProfile.CPU, t.ComputeProfile.MemoryGiB, vcpu, vcpu*ch.KubernetesCPURequestMillisPerVCPU, mem)
		}
	}
	return out
}

// choiceAtLeast is the smallest choice of at least v, or the largest
// choice if none is.
func choiceAtLeast(choices []int, v float64) int {
	want := int(math.Ceil(v - 1e-9))
	best, largest := 0, 0
	for _, c := range choices {
		largest = max(largest, c)
		if c >= want && (best == 0 || c < best) {
			best = c
		}
	}
	if best == 0 {
		return largest
	}
	return best
}
