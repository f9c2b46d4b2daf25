// Package capacity is the capacity model: from an environment's
// max_workspaces, instance types and node group sizes, and the schema's
// capacity table (Coder's validated architectures, the EKS AMIs'
// reservations, the VPC CNI's limits, Aurora's memory and connection
// formulas), it computes what each tier of the deployment needs and
// checks it against what the environment allows. The validate step turns
// the findings into errors at the field at fault; the report renderer
// writes the figures to rendered/<env>/capacity.md; Helm values read the
// coderd sizing from here.
package capacity

import (
	"fmt"
	"math"

	"github.com/coder-eks/coder-eks/generator/internal/config"
	"github.com/coder-eks/coder-eks/generator/internal/plan/quota"
)

// Figures are one region's computed capacity: the primary region (coderd,
// Aurora) or a secondary region of a Multi-Region environment (workspace
// proxies).
type Figures struct {
	Region    string
	Secondary bool
	// Workspaces run in this region's cluster; AllWorkspaces in every
	// region, which is what coderd and the database serve.
	Workspaces, AllWorkspaces int
	// Tier is the validated architecture coderd and the database are
	// sized from (AllWorkspaces); RegionTier the one this region's
	// provisioners and workspace proxies are sized from (Workspaces).
	Tier, RegionTier Tier

	// Planned is the workspace pod Workspace was sized for.
	Planned     PlannedWorkspace
	Workspace   Group
	Server      Group // coderd, or the workspace proxies
	Provisioner Group
	// Builds is the concurrent builds to plan for: one provisioner daemon
	// each.
	Builds   int
	Database *Database // primary region only
	// Autostop ends workspaces before the evening scale-in; nil without a
	// workspace schedule that reads as one daily window.
	Autostop *Autostop
	// Quotas are the region's service quota requirements (plan/quota),
	// the same figures the pre-flight script and check blocks use.
	Quotas []quota.Requirement
}

// Group is one node group's load: pods of one size and the nodes they
// need.
type Group struct {
	Name string // what runs there: "workspace", "coderd", ...
	// MaxField is the environment field of the group's max size.
	MaxField string
	Node     Node
	Pod      Pod
	Fit      Fit
	// Replicas are the pods the environment runs (for coderd and proxies,
	// the configured replicas); ReplicasNeeded what its load needs.
	Replicas, ReplicasNeeded int
	// Pods are the pods placed when sizing nodes: replicas (at least the
	// needed ones) plus a rolling update's surge.
	Pods int
	// BaseNodes hold the pods; NodesNeeded adds spares or room for the
	// cluster add-ons.
	BaseNodes, NodesNeeded, MaxNodes int
	// Basis says how NodesNeeded was computed.
	Basis string
}

// Database is the Aurora Serverless v2 cluster's load.
type Database struct {
	MemoryGiB float64 // the workspaces' share of the tier's database memory
	ACU       float64 // MemoryGiB in ACUs, rounded up to 0.5
	MaxACU    float64 // aurora_max_capacity
	// Connections coderd opens at most (pool size × replicas and surge,
	// plus administration); MaxConnections is PostgreSQL's max_connections
	// at MaxACU and AlarmConnections the alarm threshold below it.
	Connections, MaxConnections, AlarmConnections int
}

// Compute derives the figures of one region. c is the environment, or for
// a secondary region the view config.Environment.Secondary gives;
// allWorkspaces counts every region's workspaces; templates are the
// composed templates, whose compute profiles size the workspace pod
// (PlanWorkspace).
func Compute(c *config.Environment, cat config.Catalog, allWorkspaces int, templates []config.Composition) (Figures, error) {
	k := cat.Capacity
	if len(k.ValidatedArchitectures) == 0 {
		return Figures{}, fmt.Errorf("capacity: schema capacity.validated_architectures is empty")
	}
	f := Figures{
		Region:        c.AWSRegion,
		Secondary:     c.SecondaryRegion != nil,
		Workspaces:    c.MaxWorkspaces,
		AllWorkspaces: allWorkspaces,
		Tier:          TierFor(allWorkspaces, k.ValidatedArchitectures),
		RegionTier:    TierFor(c.MaxWorkspaces, k.ValidatedArchitectures),
		Planned:       PlanWorkspace(templates, cat),
	}
	var err error
	if f.Workspace, err = workspaceGroup(c, cat, f.Planned.Pod); err != nil {
		return Figures{}, err
	}
	if f.Server, err = serverGroup(c, cat, f); err != nil {
		return Figures{}, err
	}
	f.Builds = f.RegionTier.Scaled(f.RegionTier.Builds)
	if f.Provisioner, err = provisionerGroup(c, cat, f.Builds, f.RegionTier); err != nil {
		return Figures{}, err
	}
	if !f.Secondary {
		f.Database = database(c, cat, f)
	}
	if a, ok := AutostopFor(c, cat.Planning); ok {
		f.Autostop = &a
	}
	if f.Quotas, err = quota.Required(c, cat); err != nil {
		return Figures{}, err
	}
	return f, nil
}

// workspaceGroup places max_workspaces pods of the planned workspace size
// on the workspace nodes, with planning.spare_nodes_per_az spare nodes in
// every AZ for AZ imbalance (a workspace's volume pins it to its AZ) and
// rolling node updates.
func workspaceGroup(c *config.Environment, cat config.Catalog, pod Pod) (Group, error) {
	n, err := NodeOf(c.WSNodeInstanceType, cat)
	if err != nil {
		return Group{}, err
	}
	g := Group{
		Name: "workspace", MaxField: "ws_node_max_size", Node: n,
		Pod:      pod,
		Replicas: c.MaxWorkspaces, ReplicasNeeded: c.MaxWorkspaces, Pods: c.MaxWorkspaces,
		MaxNodes: c.WSNodeMaxSize,
	}
	g.Fit = FitOn(n, g.Pod)
	if g.Fit.PerNode < 1 {
		return g, nil
	}
	spares := cat.Planning.SpareNodesPerAZ * len(c.AvailabilityZones)
	g.BaseNodes = ceilDiv(g.Pods, g.Fit.PerNode)
	g.NodesNeeded = g.BaseNodes + spares
	g.Basis = fmt.Sprintf("%d workspaces / %d per node = %d nodes, + %d spare (%d per AZ)",
		g.Pods, g.Fit.PerNode, g.BaseNodes, spares, cat.Planning.SpareNodesPerAZ)
	return g, nil
}

// serverGroup places coderd (primary) or the workspace proxies
// (secondary) on the control group, one pod size from the tier, with a
// rolling update's surge pod and room for the cluster add-ons.
func serverGroup(c *config.Environment, cat config.Catalog, f Figures) (Group, error) {
	n, err := NodeOf(c.ControlNodeInstanceType, cat)
	if err != nil {
		return Group{}, err
	}
	g := Group{Name: "coderd", MaxField: "control_node_max_size", Node: n, MaxNodes: c.ControlNodeMaxSize}
	row, tier := f.Tier.Coderd, f.Tier
	if f.Secondary {
		g.Name, row, tier = "workspace proxy", f.RegionTier.WorkspaceProxy, f.RegionTier
	}
	g.Pod = Pod{CPUMillis: row.CPUMillis, MemoryMiB: row.MemoryMiB}
	g.Replicas, g.ReplicasNeeded = c.CoderdReplicas, tier.Scaled(row.Replicas)
	surge := cat.Capacity.RollingSurgePods
	g.Pods = max(g.Replicas, g.ReplicasNeeded) + surge
	g.Fit = FitOn(n, g.Pod)
	if g.Fit.PerNode < 1 {
		return g, nil
	}
	g.BaseNodes = ceilDiv(g.Pods, g.Fit.PerNode)
	addons := addonNodes(n, g, cat.Capacity)
	g.NodesNeeded = g.BaseNodes + addons
	g.Basis = fmt.Sprintf("(%d replicas + %d surge) / %d per node = %d nodes, + %d for the cluster add-ons (%dm CPU, %d MiB)",
		max(g.Replicas, g.ReplicasNeeded), surge, g.Fit.PerNode, g.BaseNodes, addons,
		cat.Capacity.ControlAddonsCPUMillis, cat.Capacity.ControlAddonsMemoryMiB)
	return g, nil
}

// addonNodes is how many more control nodes the cluster add-ons need
// beyond what the server pods leave free on theirs.
func addonNodes(n Node, g Group, k config.Capacity) int {
	freeCPU := g.BaseNodes*n.CPUMillis - g.Pods*g.Pod.CPUMillis
	freeMem := g.BaseNodes*n.MemoryMiB - g.Pods*g.Pod.MemoryMiB
	needCPU := max(k.ControlAddonsCPUMillis-freeCPU, 0)
	needMem := max(k.ControlAddonsMemoryMiB-freeMem, 0)
	return max(ceilDiv(needCPU, max(n.CPUMillis, 1)), ceilDiv(needMem, max(n.MemoryMiB, 1)))
}

// provisionerGroup places one provisioner daemon per concurrent build.
func provisionerGroup(c *config.Environment, cat config.Catalog, builds int, tier Tier) (Group, error) {
	n, err := NodeOf(c.ProvNodeInstanceType, cat)
	if err != nil {
		return Group{}, err
	}
	g := Group{
		Name: "provisioner", MaxField: "prov_node_max_size", Node: n,
		Pod:      Pod{CPUMillis: tier.Provisioner.CPUMillis, MemoryMiB: tier.Provisioner.MemoryMiB},
		Replicas: builds, ReplicasNeeded: builds, Pods: builds, MaxNodes: c.ProvNodeMaxSize,
	}
	g.Fit = FitOn(n, g.Pod)
	if g.Fit.PerNode < 1 {
		return g, nil
	}
	g.BaseNodes = ceilDiv(builds, g.Fit.PerNode)
	g.NodesNeeded = g.BaseNodes
	g.Basis = fmt.Sprintf("%d concurrent builds (%d per %d workspaces in %q) / %d daemons per node",
		builds, tier.Builds, tier.Workspaces, tier.Name, g.Fit.PerNode)
	return g, nil
}

// database sizes Aurora: the tier's database memory for the workspaces in
// ACUs, and the connections coderd opens against max_connections.
func database(c *config.Environment, cat config.Catalog, f Figures) *Database {
	p, k := cat.Planning, cat.Capacity
	mem := f.Tier.DatabaseMemoryGiB()
	maxConn := AuroraMaxConnections(c.AuroraMaxCapacity, p)
	return &Database{
		MemoryGiB:        mem,
		ACU:              math.Ceil(mem/p.AuroraGiBPerACU*2-1e-9) / 2,
		MaxACU:           c.AuroraMaxCapacity,
		Connections:      (max(c.CoderdReplicas, f.Server.ReplicasNeeded)+k.RollingSurgePods)*k.CoderdPGConnMaxOpen + k.DBAdminConnections,
		MaxConnections:   maxConn,
		AlarmConnections: maxConn * c.AuroraConnectionsAlarmPct / 100,
	}
}

// AuroraMaxConnections is PostgreSQL's default max_connections on Aurora
// Serverless v2, which derives it from the cluster's maximum capacity:
// LEAST(memory / bytes per connection, cap) (Aurora User Guide, "Maximum
// connections"; planning.aurora_*).
func AuroraMaxConnections(maxACU float64, p config.Planning) int {
	memory := maxACU * p.AuroraGiBPerACU * (1 << 30)
	return min(int(math.Floor(memory/p.AuroraMemoryBytesPerConnection)), p.AuroraMaxConnectionsCap)
}
