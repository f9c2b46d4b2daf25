package helm

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/coder-eks/coder-eks/generator/internal/config"
	"github.com/coder-eks/coder-eks/generator/internal/validate"
)

// capacity is what a node offers pods after the kubelet's reservations,
// the eviction threshold and the DaemonSets every node runs.
type capacity struct {
	CPUMillis int
	MemoryMiB int
}

// sizer sizes workloads for an environment's node groups.
type sizer struct {
	c       *config.Environment
	s       config.Sizing
	control config.InstanceType
	prov    config.InstanceType
}

func newSizer(env *validate.Checked) (*sizer, error) {
	types := env.Catalog.InstanceTypes
	control, ok := types[env.Config.ControlNodeInstanceType]
	if !ok {
		return nil, fmt.Errorf("instance type %q is not in the catalog", env.Config.ControlNodeInstanceType)
	}
	prov, ok := types[env.Config.ProvNodeInstanceType]
	if !ok {
		return nil, fmt.Errorf("instance type %q is not in the catalog", env.Config.ProvNodeInstanceType)
	}
	return &sizer{c: &env.Config, s: env.Catalog.Sizing, control: control, prov: prov}, nil
}

// free is the capacity pods other than DaemonSets can request on a node of
// type t, following the EKS AMIs' kube-reserved formulas.
func free(t config.InstanceType, s config.Sizing) capacity {
	reservedCPU := 0.0
	for core := 0; core < t.VCPU; core++ {
		pct := s.KubeReservedCPUPercentRest
		if core < len(s.KubeReservedCPUPercent) {
			pct = s.KubeReservedCPUPercent[core]
		}
		reservedCPU += 1000 * pct / 100
	}
	reservedMem := s.KubeReservedMemoryMiBBase + s.KubeReservedMemoryMiBPerPod*t.MaxPods + s.EvictionHardMemoryMiB
	return capacity{
		CPUMillis: t.VCPU*1000 - int(reservedCPU+0.999) - s.DaemonSetCPUMillis,
		MemoryMiB: int(t.MemoryGiB*1024) - reservedMem - s.DaemonSetMemoryMiB,
	}
}

// coderd requests a share of a control node, rounded down to 10m CPU and
// 64 MiB, with a memory limit equal to the request (a coderd using more
// than it asked for is killed rather than starving its neighbours) and no
// CPU limit (throttling adds API latency; the request guarantees the
// share).
func (z *sizer) coderd() (corev1.ResourceRequirements, error) {
	f := free(z.control, z.s)
	cpu := int(float64(f.CPUMillis)*z.s.CoderdNodeShare) / 10 * 10
	mem := int(float64(f.MemoryMiB)*z.s.CoderdNodeShare) / 64 * 64
	if cpu < 250 || mem < 1024 {
		return corev1.ResourceRequirements{}, fmt.Errorf("control node type %s leaves coderd %dm CPU and %dMi memory; coderd needs at least 250m and 1024Mi",
			z.c.ControlNodeInstanceType, cpu, mem)
	}
	return requirements(cpu, mem), nil
}

// provisionerSizing is the provisioner Deployment's size.
type provisionerSizing struct {
	Replicas                int
	Resources               corev1.ResourceRequirements
	TerminationGraceSeconds int
}

// provisioners runs as many daemons as fit on the provisioner group at
// its business-hours size: each daemon runs one build at a time, so the
// peak node count is the peak build concurrency the environment planned.
func (z *sizer) provisioners() (provisionerSizing, error) {
	f := free(z.prov, z.s)
	perNode := min(f.CPUMillis/z.s.ProvisionerCPUMillis, f.MemoryMiB/z.s.ProvisionerMemoryMiB)
	if perNode < 1 {
		return provisionerSizing{}, fmt.Errorf("provisioner node type %s cannot hold one provisioner (%dm CPU, %dMi memory)",
			z.c.ProvNodeInstanceType, z.s.ProvisionerCPUMillis, z.s.ProvisionerMemoryMiB)
	}
	nodes := max(z.c.ProvNodeDesiredPeak, z.c.ProvNodeMinSize, 1)
	return provisionerSizing{
		Replicas:                perNode * nodes,
		Resources:               requirements(z.s.ProvisionerCPUMillis, z.s.ProvisionerMemoryMiB),
		TerminationGraceSeconds: z.s.ProvisionerTerminationGraceS,
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
