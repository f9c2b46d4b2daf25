package helm

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/coder-eks/coder-eks/generator/internal/config"
	"github.com/coder-eks/coder-eks/generator/internal/plan/capacity"
)

// coderdResources are coderd's requests from the capacity model (Coder's
// validated architecture for the workspaces it serves; validate has
// proved one such pod fits a control node), with a memory limit equal to
// the request (a coderd using more than it asked for is killed rather
// than starving its neighbours) and no CPU limit (throttling adds API
// latency; the request guarantees the share).
func coderdResources(f capacity.Figures) corev1.ResourceRequirements {
	return requirements(f.Server.Pod.CPUMillis, f.Server.Pod.MemoryMiB)
}

// provisionerSizing is the provisioner Deployment's size.
type provisionerSizing struct {
	Replicas                int
	Resources               corev1.ResourceRequirements
	TerminationGraceSeconds int
}

// provisioners runs one daemon per concurrent build the capacity model
// plans (each daemon runs one build at a time); the model's check proves
// prov_node_desired_peak nodes hold them. The daemon's request is the
// capacity model's too.
func provisioners(f capacity.Figures, s config.Sizing) (provisionerSizing, error) {
	g := f.Provisioner
	if g.Fit.PerNode < 1 {
		return provisionerSizing{}, fmt.Errorf("provisioner node type %s cannot hold one provisioner (%s)", g.Node.InstanceType, g.Pod)
	}
	return provisionerSizing{
		Replicas:                g.Replicas,
		Resources:               requirements(g.Pod.CPUMillis, g.Pod.MemoryMiB),
		TerminationGraceSeconds: s.ProvisionerTerminationGraceS,
	}, nil
}

func requirements(cpuMillis, memMiB int) corev1.ResourceRequirements {
	cpu := resource.MustParse(fmt.Sprintf("%dm", cpuMillis))
	mem := resource.MustParse(fmt.Sprintf("%dMi", memMiB))
	return corev1.ResourceRequirements{
		Requests: corev1.ResourceList{corev1.ResourceCPU: cpu, corev1.ResourceMemory: mem},
		Limits:   corev1.ResourceList{corev1.ResourceMemory: mem},
	}
}
