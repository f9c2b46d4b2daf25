package capacity

import (
	"fmt"
	"math"
	"slices"

	"github.com/coder-eks/coder-eks/generator/internal/config"
)

// checkNodeGroups proves the node groups can be rendered as configured:
// one workspace group per AZ needs a node per AZ at most, Spot
// alternatives size like the first type, and no node-count alarm sits at
// or below the size the configuration itself holds the group at.
func checkNodeGroups(f Figures, c *config.Environment, cat config.Catalog) []Finding {
	var out []Finding
	if azs := len(c.AvailabilityZones); c.WSNodeMaxSize < azs {
		out = append(out, Finding{Field: "ws_node_max_size", Msg: fmt.Sprintf(
			"workspace nodes: one workspace node group per availability zone (%d AZs) needs ws_node_max_size of at least %d; it is %d",
			azs, azs, c.WSNodeMaxSize)})
	}
	if c.WSUseSpotInstances {
		out = append(out, checkSpotAlternatives(c, cat)...)
	}
	out = append(out, checkAlarmAboveFloor(c, f)...)
	return out
}

// checkSpotAlternatives: cluster-autoscaler builds a node group's node
// template from its first instance type, and the capacity model sized the
// workspace nodes by it, so every other type must offer the same vCPUs
// and memory and at least as many pod IPs.
func checkSpotAlternatives(c *config.Environment, cat config.Catalog) []Finding {
	first := cat.InstanceTypes[c.WSNodeInstanceType]
	var out []Finding
	for i, t := range c.WSSpotAlternativeTypes {
		it := cat.InstanceTypes[t]
		field := fmt.Sprintf("ws_spot_alternative_types[%d]", i)
		switch {
		case t == c.WSNodeInstanceType || slices.Index(c.WSSpotAlternativeTypes, t) < i:
			out = append(out, Finding{Field: field, Msg: fmt.Sprintf("%s is listed twice (with ws_node_instance_type or earlier in the list)", t)})
		case it.VCPU != first.VCPU || it.MemoryGiB != first.MemoryGiB || it.MaxPods < first.MaxPods:
			out = append(out, Finding{Field: field, Msg: fmt.Sprintf(
				"%s (%d vCPU, %g GiB, %d pods) does not size like ws_node_instance_type %s (%d vCPU, %g GiB, %d pods): cluster-autoscaler and the capacity model size every node of the group as %s; pick a type of %d vCPUs and %g GiB%s",
				t, it.VCPU, it.MemoryGiB, it.MaxPods, c.WSNodeInstanceType, first.VCPU, first.MemoryGiB, first.MaxPods,
				c.WSNodeInstanceType, first.VCPU, first.MemoryGiB, alikeTypes(c.WSNodeInstanceType, cat))})
		}
	}
	return out
}

// alikeTypes names the catalogue's types that may stand beside t.
func alikeTypes(t string, cat config.Catalog) string {
	first := cat.InstanceTypes[t]
	var alike []string
	for name, it := range cat.InstanceTypes {
		if name != t && it.VCPU == first.VCPU && it.MemoryGiB == first.MemoryGiB && it.MaxPods >= first.MaxPods && it.GPUs == first.GPUs {
			alike = append(alike, name)
		}
	}
	if len(alike) == 0 {
		return " (the catalogue has none beside it)"
	}
	slices.Sort(alike)
	return fmt.Sprintf(" (from schema/instance_types.cue: %v)", alike)
}

// AlarmThreshold is the in-service node count at which a group's capacity
// alarm fires: percent of its max size, rounded up.
func AlarmThreshold(max, percent int) int {
	return int(math.Ceil(float64(max) * float64(percent) / 100))
}

// checkAlarmAboveFloor: a node-count alarm at or below the size the
// configuration holds a group at (its min, its business-hours minimum,
// the nodes its always-on pods need) fires every day and teaches the
// on-call to ignore it. The provisioner daemons run all day (one per
// concurrent build), so their nodes are the provisioner group's floor.
func checkAlarmAboveFloor(c *config.Environment, f Figures) []Finding {
	pct := c.NodeGroupCapacityAlarmPct
	var out []Finding
	for _, g := range []struct {
		name, field string
		floor, max  int
		why         string
	}{
		{"control", "control_node_max_size", c.ControlNodeMinSize, c.ControlNodeMaxSize, "control_node_min_size"},
		{"provisioner", "prov_node_max_size", max(c.ProvNodeMinSize, c.ProvNodeDesiredPeak, f.Provisioner.BaseNodes), c.ProvNodeMaxSize,
			fmt.Sprintf("the largest of prov_node_min_size, prov_node_desired_peak and the nodes its %d always-on provisioner daemons need", f.Provisioner.Replicas)},
		{"workspace", "ws_node_max_size", max(c.WSNodeMinSize, c.WSNodeDesiredPeak), c.WSNodeMaxSize, "the larger of ws_node_min_size and ws_node_desired_peak"},
	} {
		if AlarmThreshold(g.max, pct) > g.floor {
			continue
		}
		need := g.floor*100/pct + 1
		out = append(out, Finding{Field: g.field, Msg: fmt.Sprintf(
			"%s node group: its capacity alarm fires at %d%% of %s = %d nodes, but the configuration itself holds the group at %d nodes (%s), so the alarm would fire every day; raise %s to at least %d (or nodegroup_capacity_alarm_percent)",
			g.name, pct, g.field, AlarmThreshold(g.max, pct), g.floor, g.why, g.field, need)})
	}
	return out
}
