// Package network derives an environment's VPC layout: the subnet tiers
// and how many addresses each needs per AZ, and the subnet plan that holds
// them (fresh, or grown from the committed allocation so no subnet moves).
// validate checks the plan's inputs and figures; model and render read the
// plan and the tier names from here.
package network

import (
	"errors"
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

// Plan plans the VPC of c for wsNodes workspace nodes (the capacity
// model's count); field is where c's settings are in the environment ("" for
// the primary region, "secondary_regions[0]." for a secondary).
func Plan(env *load.Environment, c *config.Environment, prefix string, wsNodes int) (cidr.Plan, diag.List) {
	vpc := netip.MustParsePrefix(c.VPCCIDR) // syntax checked by the schema
	svc := netip.MustParsePrefix(c.EKSServiceIPv4CIDR)
	if vpc.Overlaps(svc) {
		return cidr.Plan{}, diag.List{serviceOverlap(env, prefix, vpc, svc)}
	}
	rules := cidr.Rules{
		ReservedPerSubnet: env.Catalog.Planning.AWSReservedIPsPerSubnet,
		MinPrefix:         env.Catalog.Planning.MinSubnetPrefix,
	}
	var secondary []netip.Prefix
	for i, s := range c.VPCSecondaryCIDRs {
		p := netip.MustParsePrefix(s).Masked()
		field := fmt.Sprintf("%svpc_secondary_cidrs[%d]", prefix, i)
		for _, other := range append([]netip.Prefix{vpc, svc}, secondary...) {
			if p.Overlaps(other) {
				return cidr.Plan{}, diag.List{{Pos: env.Pos(field), Path: field, Msg: fmt.Sprintf("%s overlaps %s", p, other)}}
			}
		}
		secondary = append(secondary, p)
	}
	tiers := Tiers(c, env.Catalog, wsNodes)
	mod, rendered := env.Committed[committedKey(c, prefix)]
	committed := mod.Plan
	if !rendered || c.AllowSubnetReplacement {
		plan, err := cidr.Make(vpc, c.AvailabilityZones, tiers, rules)
		if err != nil {
			return cidr.Plan{}, diag.List{{Pos: env.Pos(prefix + "vpc_cidr"), Path: prefix + "vpc_cidr", Msg: err.Error()}}
		}
		plan.Secondary = secondary
		return plan, nil
	}
	plan, err := cidr.Grow(committed, vpc, secondary, c.AvailabilityZones, tiers, rules)
	if err != nil {
		return cidr.Plan{}, diag.List{growthDiagnostic(env, prefix, err)}
	}
	return plan, nil
}

// committedKey is the key of a region in load.Committed: "" for the
// primary, the region's name for a secondary.
func committedKey(c *config.Environment, prefix string) string {
	if prefix == "" {
		return ""
	}
	return c.AWSRegion
}

// growthDiagnostic explains why the committed subnets cannot hold what the
// environment now asks for, and the ways out.
func growthDiagnostic(env *load.Environment, prefix string, err error) diag.Diagnostic {
	field := prefix + "vpc_cidr"
	msg := err.Error()
	var g *cidr.GrowthError
	if errors.As(err, &g) {
		field = prefix + "max_workspaces"
		msg += "; options: (1) add a block to " + prefix + "vpc_secondary_cidrs (e.g. from 100.64.0.0/10, or unused RFC 1918 space) for the new subnets, " +
			"(2) lower " + prefix + "max_workspaces or the node groups' maximum sizes, " +
			"(3) set allow_subnet_replacement: true to plan the VPC afresh, which destroys and re-creates the moved subnets and everything in them (-diff lists each)"
	} else {
		msg += "; set allow_subnet_replacement: true to plan the VPC afresh (destroys every subnet and what runs in it)"
	}
	return diag.Diagnostic{Pos: env.Pos(field), Path: field, Msg: "subnet plan: " + msg}
}

// Tiers states how many addresses each tier needs per AZ. A node holds the
// addresses of every ENI the VPC CNI attaches to it, so tiers are sized in
// nodes × addresses per node, nodes spread evenly over the AZs plus spares.
// The workspace tier holds wsNodes nodes: as many as the capacity model
// finds max_workspaces need (by pod IPs, CPU or memory, whichever binds).
func Tiers(c *config.Environment, cat config.Catalog, wsNodes int) []cidr.Tier {
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
		{Name: TierWorkspace, Hosts: hosts(wsNodes, c.WSNodeInstanceType)},
		{Name: TierDatabase},
	}
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

// serviceOverlap reports a VPC CIDR that overlaps the Kubernetes service
// CIDR at the line the user wrote: the service CIDR's when the file sets
// it, else the VPC CIDR's, naming the other with its line or as the
// default.
func serviceOverlap(env *load.Environment, prefix string, vpc, svc netip.Prefix) diag.Diagnostic {
	vpcField, svcField := prefix+"vpc_cidr", "eks_service_ipv4_cidr"
	vpcPos, vpcSet := env.FieldPos(vpcField)
	svcPos, svcSet := env.FieldPos(svcField)
	subject, pos, other, otherText := svcField, svcPos, vpcField, fmt.Sprintf("%s %s", vpcField, vpc)
	own := svc
	if !svcSet || prefix != "" && vpcSet {
		subject, pos, other, otherText = vpcField, vpcPos, svcField, fmt.Sprintf("%s %s", svcField, svc)
		own = vpc
	}
	switch {
	case vpcSet && svcSet:
		otherPos := vpcPos
		if subject == vpcField {
			otherPos = svcPos
		}
		otherText += fmt.Sprintf(" (set at %s)", otherPos)
	case vpcSet || svcSet:
		otherText += fmt.Sprintf(", its default (%s does not set %s)", env.RelFile(), other)
	default:
		pos = env.Pos(subject)
		otherText += fmt.Sprintf(", and neither is set: these are the defaults of %s and %s", vpcField, svcField)
	}
	return diag.Diagnostic{
		Pos:  pos,
		Path: subject,
		Msg:  fmt.Sprintf("%s overlaps %s (rule: the Kubernetes service CIDR must not overlap the VPC: service addresses must not be routable in the VPC); choose another %s", own, otherText, subject),
	}
}
