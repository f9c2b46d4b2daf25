// Package cidr plans a VPC's subnets: one subnet per tier and availability
// zone, each sized for the addresses its tier needs, packed into the VPC
// without overlap. The plan is rendered as literal CIDRs so a reviewer sees
// exactly what will be created.
package cidr

import (
	"fmt"
	"math/bits"
	"net/netip"
	"sort"
)

// Tier asks for one subnet per AZ with room for Hosts addresses each.
type Tier struct {
	Name   string
	Hosts  int // usable addresses needed per AZ
	Prefix int // exact prefix length; 0 means size from Hosts
}

// Subnet is one planned subnet.
type Subnet struct {
	Tier string
	AZ   string
	CIDR netip.Prefix
	// Seq numbers a tier's subnets within an AZ: 0 for the first, planned
	// with the environment; 1, 2, … for the subnets growth added later.
	Seq int
}

// Rules are the sizing assumptions, from the schema's planning table.
type Rules struct {
	ReservedPerSubnet int // addresses AWS keeps in every subnet
	MinPrefix         int // no subnet smaller than this
}

// Plan is the result: subnets in tier order, then sequence, then AZ
// order (a tier's first subnets in every AZ come before any added by
// growth, so references to the first ones keep their positions).
type Plan struct {
	VPC netip.Prefix
	// Secondary are further CIDR blocks associated with the VPC, in
	// order; growth places subnets there once the VPC's own block is full.
	Secondary []netip.Prefix
	Subnets   []Subnet
}

// Tier returns the subnets of one tier: the first subnet of every AZ in AZ
// order, then those growth added.
func (p Plan) Tier(name string) []Subnet {
	var out []Subnet
	for _, s := range p.Subnets {
		if s.Tier == name {
			out = append(out, s)
		}
	}
	return out
}

// First returns the first subnet of a tier in every AZ, in AZ order: where
// a resource takes at most one subnet per AZ (interface endpoints, load
// balancers).
func (p Plan) First(name string) []Subnet {
	var out []Subnet
	for _, s := range p.Tier(name) {
		if s.Seq == 0 {
			out = append(out, s)
		}
	}
	return out
}

// Blocks are the VPC's CIDR blocks: its own, then the secondary ones.
func (p Plan) Blocks() []netip.Prefix {
	return append([]netip.Prefix{p.VPC}, p.Secondary...)
}

// PrefixFor is the longest prefix (smallest subnet) that leaves hosts usable
// addresses after AWS's reservation, but no smaller than the rules allow.
func PrefixFor(hosts int, r Rules) int {
	need := hosts + r.ReservedPerSubnet
	size := 1 << bits.Len(uint(need-1)) // next power of two >= need
	prefix := 32 - bits.TrailingZeros(uint(size))
	return min(prefix, r.MinPrefix)
}

// Make packs the tiers' subnets into vpc. Blocks are placed largest first,
// so every block starts aligned to its own size and none overlap; the plan
// is then checked anyway, because rendered CIDRs are trusted by reviewers.
func Make(vpc netip.Prefix, azs []string, tiers []Tier, r Rules) (Plan, error) {
	vpc = vpc.Masked()
	if !vpc.Addr().Is4() {
		return Plan{}, fmt.Errorf("vpc_cidr %s: only IPv4 is supported", vpc)
	}
	type block struct {
		order  int
		prefix int
		sub    Subnet
	}
	var blocks []block
	for ti, t := range tiers {
		prefix := t.Prefix
		if prefix == 0 {
			prefix = PrefixFor(t.Hosts, r)
		}
		if prefix < vpc.Bits() {
			return Plan{}, fmt.Errorf("tier %q needs a /%d subnet per AZ for %d addresses, larger than vpc_cidr %s", t.Name, prefix, t.Hosts, vpc)
		}
		for ai, az := range azs {
			blocks = append(blocks, block{order: ti*len(azs) + ai, prefix: prefix, sub: Subnet{Tier: t.Name, AZ: az}})
		}
	}
	sort.SliceStable(blocks, func(i, j int) bool { return blocks[i].prefix < blocks[j].prefix })

	next := ipToUint(vpc.Addr())
	end := next + uint64(1)<<(32-vpc.Bits())
	var need uint64
	for i := range blocks {
		size := uint64(1) << (32 - blocks[i].prefix)
		need += size
		if next+size > end {
			continue
		}
		blocks[i].sub.CIDR = netip.PrefixFrom(uintToIP(next), blocks[i].prefix)
		next += size
	}
	if need > end-ipToUint(vpc.Addr()) {
		return Plan{}, fmt.Errorf("subnets need %d addresses (%s), vpc_cidr %s has %d: use a larger vpc_cidr or fewer max_workspaces", need, summary(tiers, azs, r), vpc, end-ipToUint(vpc.Addr()))
	}
	sort.SliceStable(blocks, func(i, j int) bool { return blocks[i].order < blocks[j].order })
	plan := Plan{VPC: vpc}
	for _, b := range blocks {
		plan.Subnets = append(plan.Subnets, b.sub)
	}
	return plan, plan.Check()
}

// Check proves the plan: every subnet inside one of the VPC's blocks, no
// two overlapping.
func (p Plan) Check() error {
	for i, a := range p.Subnets {
		if !p.inBlocks(a.CIDR) {
			return fmt.Errorf("subnet %s (%s, %s) is outside vpc_cidr %s and its secondary blocks %v", a.CIDR, a.Tier, a.AZ, p.VPC, p.Secondary)
		}
		for _, b := range p.Subnets[i+1:] {
			if a.CIDR.Overlaps(b.CIDR) {
				return fmt.Errorf("subnet %s (%s, %s) overlaps %s (%s, %s)", a.CIDR, a.Tier, a.AZ, b.CIDR, b.Tier, b.AZ)
			}
		}
	}
	return nil
}

func (p Plan) inBlocks(c netip.Prefix) bool {
	for _, b := range p.Blocks() {
		if b.Contains(c.Addr()) && c.Bits() >= b.Bits() {
			return true
		}
	}
	return false
}

func summary(tiers []Tier, azs []string, r Rules) string {
	s := ""
	for i, t := range tiers {
		if i > 0 {
			s += ", "
		}
		p := t.Prefix
		if p == 0 {
			p = PrefixFor(t.Hosts, r)
		}
		s += fmt.Sprintf("%s %d×/%d", t.Name, len(azs), p)
	}
	return s
}

func ipToUint(a netip.Addr) uint64 {
	b := a.As4()
	return uint64(b[0])<<24 | uint64(b[1])<<16 | uint64(b[2])<<8 | uint64(b[3])
}

func uintToIP(u uint64) netip.Addr {
	return netip.AddrFrom4([4]byte{byte(u >> 24), byte(u >> 16), byte(u >> 8), byte(u)})
}
