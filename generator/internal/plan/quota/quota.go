// Package quota computes the AWS service quotas an environment needs, from
// the environment and the schema's tables (instance types, planning
// assumptions, quota codes). It is the one computation behind the infra
// module's Terraform check blocks and its pre-flight script, and the
// capacity model reuses it.
package quota

import (
	"fmt"
	"sort"
	"strings"

	"github.com/coder-eks/coder-eks/generator/internal/config"
)

// Requirement is one service quota and the value the environment needs.
type Requirement struct {
	Key string // key in the schema's service_quotas table
	config.ServiceQuota
	Required int
	// Basis says how Required was computed, for the messages of the checks.
	Basis string
}

// Group is a node group as far as quotas are concerned.
type Group struct {
	Name         string
	InstanceType string
	Max          int
	Spot         bool
}

// Groups are the environment's three node groups.
func Groups(c *config.Environment) []Group {
	return []Group{
		{Name: "control", InstanceType: c.ControlNodeInstanceType, Max: c.ControlNodeMaxSize},
		{Name: "prov", InstanceType: c.ProvNodeInstanceType, Max: c.ProvNodeMaxSize},
		{Name: "ws", InstanceType: c.WSNodeInstanceType, Max: c.WSNodeMaxSize, Spot: c.WSUseSpotInstances},
	}
}

// Required lists the quotas the environment needs, sorted by key. A quota
// the environment does not use (e.g. Spot vCPUs without Spot nodes) is left
// out.
func Required(c *config.Environment, cat config.Catalog) ([]Requirement, error) {
	var out []Requirement
	add := func(key string, required int, basis string) error {
		q, ok := cat.ServiceQuotas[key]
		if !ok {
			return fmt.Errorf("quota %s: not in schema service_quotas", key)
		}
		out = append(out, Requirement{Key: key, ServiceQuota: q, Required: required, Basis: basis})
		return nil
	}
	vcpus, err := vcpuRequirements(c, cat)
	if err != nil {
		return nil, err
	}
	for _, v := range vcpus {
		if err := add(v.key, v.total, v.basis); err != nil {
			return nil, err
		}
	}
	nats := NATGateways(c)
	singles := []struct {
		key, basis string
		n          int
	}{
		{"eks_clusters", "one EKS cluster", 1},
		{"vpcs", "one VPC", 1},
		{"nat_gateways_per_az", "at most one NAT gateway in each AZ", 1},
		{"network_load_balancers", "one network load balancer", 1},
		{"elastic_ips", fmt.Sprintf("one per NAT gateway, %d", nats), nats},
	}
	if hasDatabase(c) {
		singles = append(singles, struct {
			key, basis string
			n          int
		}{"aurora_clusters", "one Aurora cluster", 1})
	}
	for _, s := range singles {
		if err := add(s.key, s.n, s.basis); err != nil {
			return nil, err
		}
	}
	enis, basis, err := networkInterfaces(c, cat)
	if err != nil {
		return nil, err
	}
	if err := add("network_interfaces", enis, basis); err != nil {
		return nil, err
	}
	tib, basis := gp3TiB(c, cat)
	if err := add("gp3_storage_tib", tib, basis); err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

type vcpuTotal struct {
	key   string
	total int
	terms []string
	basis string
}

// vcpuRequirements sums max size × vCPUs per quota: the quota family of
// the instance type (standard, G and VT, P) and On-Demand or Spot.
func vcpuRequirements(c *config.Environment, cat config.Catalog) ([]vcpuTotal, error) {
	totals := map[string]*vcpuTotal{}
	for _, g := range Groups(c) {
		it, ok := cat.InstanceTypes[g.InstanceType]
		if !ok {
			return nil, fmt.Errorf("quota: node group %s: instance type %s not in schema instance_types", g.Name, g.InstanceType)
		}
		purchase := "on_demand"
		if g.Spot {
			purchase = "spot"
		}
		key := "ec2_" + purchase + "_" + it.VCPUQuotaClass + "_vcpus"
		t := totals[key]
		if t == nil {
			t = &vcpuTotal{key: key}
			totals[key] = t
		}
		t.total += g.Max * it.VCPU
		t.terms = append(t.terms, fmt.Sprintf("%s %d×%d", g.Name, g.Max, it.VCPU))
	}
	var out []vcpuTotal
	for _, t := range totals {
		t.basis = "max nodes × vCPUs: " + strings.Join(t.terms, " + ")
		out = append(out, *t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].key < out[j].key })
	return out, nil
}

// hasDatabase is false in a secondary region, whose module has no Aurora.
func hasDatabase(c *config.Environment) bool { return c.SecondaryRegion == nil }

// NATGateways is how many NAT gateways the VPC has: one per AZ, or one
// with single_nat_gateway.
func NATGateways(c *config.Environment) int {
	if c.SingleNATGateway {
		return 1
	}
	return len(c.AvailabilityZones)
}

// networkInterfaces counts every ENI the module can create at full size:
// each node's ENIs once the VPC CNI has attached them all, interface
// endpoints and NAT gateways and NLB nodes in every AZ, the EKS control
// plane's ENIs and one per Aurora instance.
func networkInterfaces(c *config.Environment, cat config.Catalog) (int, string, error) {
	total := 0
	var terms []string
	for _, g := range Groups(c) {
		it, ok := cat.InstanceTypes[g.InstanceType]
		if !ok {
			return 0, "", fmt.Errorf("quota: node group %s: instance type %s not in schema instance_types", g.Name, g.InstanceType)
		}
		total += g.Max * it.MaxENIs
		terms = append(terms, fmt.Sprintf("%s %d×%d", g.Name, g.Max, it.MaxENIs))
	}
	azs := len(c.AvailabilityZones)
	endpoints := 0
	if c.EnableVPCEndpoints {
		endpoints = len(cat.Planning.VPCInterfaceEndpoints) * azs
	}
	aurora := 0
	if hasDatabase(c) {
		aurora = 1 + c.AuroraReaderCount
	}
	nats := NATGateways(c)
	total += endpoints + nats + azs + cat.Planning.EKSControlPlaneENIs + aurora
	basis := fmt.Sprintf("nodes (%s) + %d endpoint + %d NAT + %d NLB + %d EKS + %d Aurora ENIs",
		strings.Join(terms, " + "), endpoints, nats, azs, cat.Planning.EKSControlPlaneENIs, aurora)
	return total, basis, nil
}

// gp3TiB is the storage of every node's root volume at max size plus a home
// volume per workspace, rounded up to whole TiB as the quota counts.
func gp3TiB(c *config.Environment, cat config.Catalog) (int, string) {
	nodes := 0
	for _, g := range Groups(c) {
		nodes += g.Max
	}
	gib := nodes*c.NodeVolumeSizeGiB + c.MaxWorkspaces*cat.Planning.WorkspaceHomeVolumeGiB
	tib := (gib + 1023) / 1024
	basis := fmt.Sprintf("%d nodes × %d GiB + %d workspaces × %d GiB = %d GiB",
		nodes, c.NodeVolumeSizeGiB, c.MaxWorkspaces, cat.Planning.WorkspaceHomeVolumeGiB, gib)
	return tib, basis
}
