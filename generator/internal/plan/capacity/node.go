package capacity

import (
	"fmt"
	"math"

	"github.com/coder-eks/coder-eks/generator/internal/config"
)

// Node is what one node of an instance type offers pods other than the
// DaemonSets: its capacity less the kubelet's reservations (the EKS AMIs'
// formulas), the eviction threshold and the DaemonSets' requests.
type Node struct {
	InstanceType string
	CPUMillis    int
	MemoryMiB    int
	// PodIPs is how many such pods get a VPC address: the VPC CNI's
	// max_pods less the host-network pods and the DaemonSet pods that take
	// an address.
	PodIPs int
}

// NodeOf is the allocatable Node of an instance type of the catalog.
func NodeOf(instanceType string, cat config.Catalog) (Node, error) {
	it, ok := cat.InstanceTypes[instanceType]
	if !ok {
		return Node{}, fmt.Errorf("instance type %s is not in schema instance_types", instanceType)
	}
	k := cat.Capacity
	reservedCPU := 0.0
	for core := range it.VCPU {
		pct := k.KubeReservedCPUPercentRest
		if core < len(k.KubeReservedCPUPercent) {
			pct = k.KubeReservedCPUPercent[core]
		}
		reservedCPU += 1000 * pct / 100
	}
	reservedMem := k.KubeReservedMemoryMiBBase + k.KubeReservedMemoryMiBPerPod*it.MaxPods + k.EvictionHardMemoryMiB
	return Node{
		InstanceType: instanceType,
		CPUMillis:    it.VCPU*1000 - int(math.Ceil(reservedCPU)) - k.DaemonSetCPUMillis,
		MemoryMiB:    int(it.MemoryGiB*1024) - reservedMem - k.DaemonSetMemoryMiB,
		// The +2 of the max-pods formula is for host-network pods.
		PodIPs: it.MaxPods - 2 - cat.Planning.DaemonSetPodIPsPerNode,
	}, nil
}

// Pod is a pod's requests.
type Pod struct {
	CPUMillis int
	MemoryMiB int
}

func (p Pod) String() string { return fmt.Sprintf("%dm CPU, %d MiB", p.CPUMillis, p.MemoryMiB) }

// Resources a node runs out of first.
const (
	BoundCPU    = "CPU"
	BoundMemory = "memory"
	BoundPodIPs = "pod IPs"
)

// Fit is how many pods of one size fit a node and which resource bounds
// that number.
type Fit struct {
	PerNode int
	Bound   string
	// Detail shows the division behind PerNode, for messages.
	Detail string
}

// FitOn computes how many pods fit a node.
func FitOn(n Node, p Pod) Fit {
	byCPU := max(n.CPUMillis, 0) / p.CPUMillis
	byMem := max(n.MemoryMiB, 0) / p.MemoryMiB
	f := Fit{PerNode: byCPU, Bound: BoundCPU,
		Detail: fmt.Sprintf("%dm allocatable CPU / %dm", n.CPUMillis, p.CPUMillis)}
	if byMem < f.PerNode {
		f = Fit{PerNode: byMem, Bound: BoundMemory,
			Detail: fmt.Sprintf("%d MiB allocatable memory / %d MiB", n.MemoryMiB, p.MemoryMiB)}
	}
	if n.PodIPs < f.PerNode {
		f = Fit{PerNode: n.PodIPs, Bound: BoundPodIPs,
			Detail: fmt.Sprintf("%d pod IPs (VPC CNI max pods less host-network and DaemonSet pods)", n.PodIPs)}
	}
	return f
}

// SmallestFitting names the catalog's instance type with the fewest vCPUs
// (then least memory, then name) that holds at least one pod of the given
// size, for messages; "" when none does.
func SmallestFitting(p Pod, cat config.Catalog, quotaClass string) string {
	best := ""
	var bestType config.InstanceType
	for name, it := range cat.InstanceTypes {
		if it.VCPUQuotaClass != quotaClass || it.GPUs > 0 {
			continue
		}
		n, err := NodeOf(name, cat)
		if err != nil || FitOn(n, p).PerNode < 1 {
			continue
		}
		if best == "" || it.VCPU < bestType.VCPU ||
			(it.VCPU == bestType.VCPU && (it.MemoryGiB < bestType.MemoryGiB ||
				(it.MemoryGiB == bestType.MemoryGiB && name < best))) {
			best, bestType = name, it
		}
	}
	return best
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }
