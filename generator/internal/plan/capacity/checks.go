package capacity

import (
	"fmt"
	"net/netip"

	"github.com/coder-eks/coder-eks/generator/internal/cidr"
	"github.com/coder-eks/coder-eks/generator/internal/config"
)

// Finding is a capacity the environment lacks: the field to change (a
// path relative to the region's settings) and a message naming the
// bottleneck and the figure it needs.
type Finding struct {
	Field string
	Msg   string
}

// Check compares the figures with the limits the environment sets.
func Check(f Figures, c *config.Environment, cat config.Catalog) []Finding {
	var out []Finding
	out = append(out, checkGroup(f.Workspace, "ws_node_instance_type", cat)...)
	out = append(out, checkReplicas(f)...)
	out = append(out, checkGroup(f.Server, "control_node_instance_type", cat)...)
	out = append(out, checkGroup(f.Provisioner, "prov_node_instance_type", cat)...)
	out = append(out, checkProvisionerPeak(f.Provisioner, c)...)
	out = append(out, checkNodeGroups(f, c, cat)...)
	if f.Database != nil {
		out = append(out, checkDatabase(f, c)...)
	}
	return out
}

// checkGroup proves one pod fits the group's instance type and the group's
// max size holds the nodes the pods need.
func checkGroup(g Group, typeField string, cat config.Catalog) []Finding {
	if g.Fit.PerNode < 1 {
		msg := fmt.Sprintf("%s pods: one %s pod (%s) does not fit a %s node (allocatable after kubelet reservations and DaemonSets: %dm CPU, %d MiB, %d pod IPs)",
			g.Name, g.Name, g.Pod, g.Node.InstanceType, g.Node.CPUMillis, g.Node.MemoryMiB, g.Node.PodIPs)
		if t := SmallestFitting(g.Pod, cat, cat.InstanceTypes[g.Node.InstanceType].VCPUQuotaClass); t != "" {
			msg += fmt.Sprintf("; it needs an instance type with at least %dm CPU and %d MiB allocatable, e.g. %s", g.Pod.CPUMillis, g.Pod.MemoryMiB, t)
		}
		return []Finding{{Field: typeField, Msg: msg}}
	}
	if g.NodesNeeded > g.MaxNodes {
		return []Finding{{Field: g.MaxField, Msg: fmt.Sprintf(
			"%s nodes: %d %s pods at %d per %s node (bound by %s: %s) need %d nodes (%s); %s is %d: raise it to at least %d",
			g.Name, g.Pods, g.Name, g.Fit.PerNode, g.Node.InstanceType, g.Fit.Bound, g.Fit.Detail,
			g.NodesNeeded, g.Basis, g.MaxField, g.MaxNodes, g.NodesNeeded)}}
	}
	return nil
}

// checkProvisionerPeak proves the provisioner group's business-hours
// size holds every daemon: Helm runs one daemon per planned concurrent
// build (Provisioner.Replicas), and a smaller scheduled size would leave
// daemons pending each morning until cluster-autoscaler adds the nodes.
func checkProvisionerPeak(g Group, c *config.Environment) []Finding {
	if g.Fit.PerNode < 1 || c.ProvNodeDesiredPeak >= g.BaseNodes {
		return nil
	}
	return []Finding{{Field: "prov_node_desired_peak", Msg: fmt.Sprintf(
		"provisioner nodes at the business-hours peak: %d provisioner daemons (one per concurrent build) at %d per %s node need %d nodes; prov_node_desired_peak is %d: raise it to at least %d",
		g.Replicas, g.Fit.PerNode, g.Node.InstanceType, g.BaseNodes, c.ProvNodeDesiredPeak, g.BaseNodes)}}
}

// checkReplicas proves coderd (or the workspace proxies) run the replicas
// the validated architecture gives for the workspaces they serve.
func checkReplicas(f Figures) []Finding {
	g := f.Server
	if g.Replicas >= g.ReplicasNeeded {
		return nil
	}
	field, tier, served := "coderd_replicas", f.Tier, f.AllWorkspaces
	row := tier.Coderd
	if f.Secondary {
		field, tier, served = "workspace_proxy_replicas", f.RegionTier, f.Workspaces
		row = tier.WorkspaceProxy
	}
	return []Finding{{Field: field, Msg: fmt.Sprintf(
		"%s replicas: %d concurrent workspaces need %d replicas of %s (validated architecture %q: %d replicas for %d workspaces); %s is %d",
		g.Name, served, g.ReplicasNeeded, g.Pod, tier.Name, row.Replicas, tier.Workspaces, field, g.Replicas)}}
}

// checkDatabase proves Aurora's max capacity holds the tier's database
// memory and the connections coderd opens stay below the alarm.
func checkDatabase(f Figures, c *config.Environment) []Finding {
	d := f.Database
	var out []Finding
	if d.ACU > d.MaxACU {
		out = append(out, Finding{Field: "aurora_max_capacity", Msg: fmt.Sprintf(
			"Aurora memory: %d concurrent workspaces need %.0f GiB of database memory (validated architecture %q: %.0f GiB for %d workspaces) = %.1f ACU at %.0f GiB per ACU; aurora_max_capacity is %g: raise it to at least %g",
			f.AllWorkspaces, d.MemoryGiB, f.Tier.DatabaseFrom, f.Tier.Database.MemoryGiB, f.Tier.DatabasePer,
			d.ACU, d.MemoryGiB/max(d.ACU, 0.5), d.MaxACU, d.ACU)})
	}
	if d.Connections > d.AlarmConnections {
		out = append(out, Finding{Field: "aurora_max_capacity", Msg: fmt.Sprintf(
			"Aurora connections: coderd opens up to %d connections, above the alarm threshold %d (%d%% of max_connections %d at %g ACU): raise aurora_max_capacity",
			d.Connections, d.AlarmConnections, c.AuroraConnectionsAlarmPct, d.MaxConnections, d.MaxACU)})
	}
	return out
}

// SubnetAddresses is one AZ's workspace subnet against the addresses its
// share of the workspace nodes takes.
type SubnetAddresses struct {
	AZ   string
	CIDR netip.Prefix
	// More are the AZ's further workspace subnets, added by growth.
	More      []netip.Prefix
	Usable    int
	Needed    int
	NodesInAZ int
}

// Where names the AZ's subnets ("10.0.0.0/20" or "10.0.0.0/20 + 10.0.88.0/21").
func (a SubnetAddresses) Where() string {
	s := a.CIDR.String()
	for _, m := range a.More {
		s += " + " + m.String()
	}
	return s
}

// WorkspaceSubnets compares each AZ's workspace subnets in the plan with
// the addresses its even share of the workspace nodes (plus the spares)
// takes once the VPC CNI has attached every ENI.
func WorkspaceSubnets(f Figures, plan cidr.Plan, tier string, cat config.Catalog) []SubnetAddresses {
	it := cat.InstanceTypes[f.Workspace.Node.InstanceType]
	var out []SubnetAddresses
	index := map[string]int{}
	for _, s := range plan.Tier(tier) {
		usable := 1<<(32-s.CIDR.Bits()) - cat.Planning.AWSReservedIPsPerSubnet
		if i, ok := index[s.AZ]; ok {
			out[i].More = append(out[i].More, s.CIDR)
			out[i].Usable += usable
			continue
		}
		index[s.AZ] = len(out)
		out = append(out, SubnetAddresses{AZ: s.AZ, CIDR: s.CIDR, Usable: usable})
	}
	for i := range out {
		nodes := ceilDiv(PlannedWorkspaceNodes(f.Workspace), len(out)) + cat.Planning.SpareNodesPerAZ
		out[i].NodesInAZ = nodes
		out[i].Needed = nodes * it.IPsPerNode()
	}
	return out
}

// CheckSubnets reports every AZ whose workspace subnet is too small.
func CheckSubnets(addrs []SubnetAddresses) []Finding {
	var out []Finding
	for _, a := range addrs {
		if a.Needed > a.Usable {
			out = append(out, Finding{Field: "vpc_cidr", Msg: fmt.Sprintf(
				"pod IPs: workspace subnet %s in %s has %d usable addresses; its %d workspace nodes need %d: use a larger vpc_cidr",
				a.Where(), a.AZ, a.Usable, a.NodesInAZ, a.Needed)})
		}
	}
	return out
}

// PlannedWorkspaceNodes is the workspace node count the subnet planner
// sizes for: the nodes the workspaces need (without spares, which the
// planner adds per AZ), at most the group's max size; the max size when
// no workspace fits a node.
func PlannedWorkspaceNodes(g Group) int {
	if g.Fit.PerNode < 1 {
		return g.MaxNodes
	}
	return min(g.BaseNodes, g.MaxNodes)
}
