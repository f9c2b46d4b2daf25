package validate

import (
	"fmt"
	"net/netip"

	"github.com/coder-eks/coder-eks/generator/internal/cidr"
	"github.com/coder-eks/coder-eks/generator/internal/config"
	"github.com/coder-eks/coder-eks/generator/internal/diag"
	"github.com/coder-eks/coder-eks/generator/internal/load"
)

// Subnet tiers, in the order they are rendered.
const (
	TierPublic      = "public"
	TierControl     = "control"
	TierProvisioner = "provisioner"
	TierWorkspace   = "workspace"
	TierDatabase    = "database"
)

func planSubnets(env *load.Environment) (cidr.Plan, diag.List) {
	c := &env.Config
	vpc := netip.MustParsePrefix(c.VPCCIDR) // syntax checked by the schema
	svc := netip.MustParsePrefix(c.EKSServiceIPv4CIDR)
	if vpc.Overlaps(svc) {
		return cidr.Plan{}, diag.List{{
			Pos:  env.Pos("eks_service_ipv4_cidr"),
			Path: "eks_service_ipv4_cidr",
			Msg:  fmt.Sprintf("%s overlaps vpc_cidr %s; Kubernetes service addresses must not be routable in the VPC", svc, vpc),
		}}
	}
	rules := cidr.Rules{
		ReservedPerSubnet: env.Catalog.Planning.AWSReservedIPsPerSubnet,
		MinPrefix:         env.Catalog.Planning.MinSubnetPrefix,
	}
	plan, err := cidr.Make(vpc, c.AvailabilityZones, Tiers(c, env.Catalog), rules)
	if err != nil {
		return cidr.Plan{}, diag.List{{Pos: env.Pos("vpc_cidr"), Path: "vpc_cidr", Msg: err.Error()}}
	}
	return plan, nil
}

// Tiers states how many addresses each tier needs per AZ. A node holds the
// addresses of every ENI the VPC CNI attaches to it, so tiers are sized in
// nodes × addresses per node, nodes spread evenly over the AZs plus spares.
func Tiers(c *config.Environment, cat config.Catalog) []cidr.Tier {
	p := cat.Planning
	azs := len(c.AvailabilityZones)
	perAZ := func(nodes int) int { return ceilDiv(nodes, azs) + p.SpareNodesPerAZ }
	hosts := func(nodes int, instanceType string) int {
		return perAZ(nodes) * cat.InstanceTypes[instanceType].IPsPerNode()
	}
	return []cidr.Tier{
		{Name: TierPublic, Prefix: p.PublicSubnetPrefix},
		{Name: TierControl, Hosts: hosts(c.ControlNodeMaxSize, c.ControlNodeInstanceType)},
		{Name: TierProvisioner, Hosts: hosts(c.ProvNodeMaxSize, c.ProvNodeInstanceType)},
		{Name: TierWorkspace, Hosts: hosts(WorkspaceNodes(c, cat), c.WSNodeInstanceType)},
		{Name: TierDatabase},
	}
}

// WorkspacePodsPerNode is how many workspace pods fit a workspace node by
// pod addresses: the CNI's max pods less host-network pods (the +2 in the
// max-pods formula) and DaemonSet pods that take a VPC address.
func WorkspacePodsPerNode(c *config.Environment, cat config.Catalog) int {
	it := cat.InstanceTypes[c.WSNodeInstanceType]
	return it.MaxPods - 2 - cat.Planning.DaemonSetPodIPsPerNode
}

// WorkspaceNodes is how many workspace nodes max_workspaces pods need.
func WorkspaceNodes(c *config.Environment, cat config.Catalog) int {
	return ceilDiv(c.MaxWorkspaces, WorkspacePodsPerNode(c, cat))
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }
