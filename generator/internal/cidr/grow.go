package cidr

import (
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"strings"
)

// Grow plans a VPC that already exists: every subnet of committed keeps its
// CIDR (a subnet's cidr_block cannot change without destroying it and
// everything in it), and a tier that now needs more addresses in an AZ than
// its subnets there hold gets an additional subnet in free space of the
// VPC's blocks (vpc, then secondary in order). AZs no longer listed lose
// their subnets, whose space stays taken in this plan so nothing new is
// placed where a subnet is still being destroyed.
//
// When the new subnets do not fit, the error is a *GrowthError naming what
// is missing.
func Grow(committed Plan, vpc netip.Prefix, secondary []netip.Prefix, azs []string, tiers []Tier, r Rules) (Plan, error) {
	vpc = vpc.Masked()
	if committed.VPC.Masked() != vpc {
		return Plan{}, &ChangeError{What: fmt.Sprintf("vpc_cidr is %s, the committed VPC has %s: a VPC's primary CIDR block cannot change without replacing the VPC and every subnet in it", vpc, committed.VPC)}
	}
	for _, s := range committed.Secondary {
		if !slices.Contains(secondary, s) {
			return Plan{}, &ChangeError{What: fmt.Sprintf("vpc_secondary_cidrs drops %s, which the committed VPC has: keep it (secondary blocks are only ever added)", s)}
		}
	}
	plan := Plan{VPC: vpc, Secondary: slices.Clone(secondary)}
	taken := make([]netip.Prefix, 0, len(committed.Subnets))
	for _, s := range committed.Subnets {
		taken = append(taken, s.CIDR)
	}
	listed := map[string]bool{}
	for _, az := range azs {
		listed[az] = true
	}
	type request struct {
		tier, az  string
		order     int
		seq, bits int
		need      int
	}
	var reqs []request
	for ti, t := range tiers {
		for ai, az := range azs {
			have, seq := 0, 0
			for _, s := range committed.Subnets {
				if s.Tier == t.Name && s.AZ == az {
					have += usable(s.CIDR, r)
					seq = max(seq, s.Seq+1)
				}
			}
			bits := t.Prefix
			need := t.Hosts
			switch {
			case t.Prefix != 0 && seq > 0:
				continue // a fixed-size tier needs one subnet per AZ
			case t.Prefix == 0 && seq > 0 && have >= need:
				continue
			case t.Prefix == 0:
				need -= have
				bits = PrefixFor(need, r)
			}
			reqs = append(reqs, request{tier: t.Name, az: az, order: ti*len(azs) + ai, seq: seq, bits: bits, need: need})
		}
	}
	// Largest first, so each block starts aligned in the space left.
	sort.SliceStable(reqs, func(i, j int) bool { return reqs[i].bits < reqs[j].bits })
	var added []Subnet
	var missing []Shortfall
	for _, q := range reqs {
		c, ok := free(plan.Blocks(), taken, q.bits)
		if !ok {
			missing = append(missing, Shortfall{Tier: q.tier, AZ: q.az, Prefix: q.bits, Hosts: q.need})
			continue
		}
		taken = append(taken, c)
		added = append(added, Subnet{Tier: q.tier, AZ: q.az, CIDR: c, Seq: q.seq})
	}
	if len(missing) > 0 {
		return Plan{}, &GrowthError{Missing: missing, Blocks: plan.Blocks(), Largest: largestFree(plan.Blocks(), taken)}
	}
	for _, s := range committed.Subnets {
		if listed[s.AZ] {
			plan.Subnets = append(plan.Subnets, s)
		}
	}
	plan.Subnets = append(plan.Subnets, added...)
	sortSubnets(plan.Subnets, tiers, azs)
	return plan, plan.Check()
}

// ChangeError is a change to the VPC's blocks that cannot be made in place.
type ChangeError struct{ What string }

func (e *ChangeError) Error() string { return e.What }

// Shortfall is one subnet growth needs and found no room for.
type Shortfall struct {
	Tier, AZ string
	Prefix   int
	Hosts    int
}

// GrowthError says which new subnets do not fit in the VPC's blocks.
type GrowthError struct {
	Missing []Shortfall
	Blocks  []netip.Prefix
	// Largest is the largest free aligned block left (0 when none).
	Largest int
}

func (e *GrowthError) Error() string {
	var parts []string
	for _, m := range e.Missing {
		parts = append(parts, fmt.Sprintf("%s in %s a /%d for %d more addresses", m.Tier, m.AZ, m.Prefix, m.Hosts))
	}
	largest := "none"
	if e.Largest > 0 {
		largest = fmt.Sprintf("/%d", e.Largest)
	}
	blocks := make([]string, len(e.Blocks))
	for i, b := range e.Blocks {
		blocks[i] = b.String()
	}
	return fmt.Sprintf("the committed subnets keep their CIDRs, and the new subnets growth needs do not fit in the VPC's free space (%s; largest free block %s): %s",
		strings.Join(blocks, ", "), largest, strings.Join(parts, "; "))
}

// usable is how many addresses a subnet gives its tier.
func usable(c netip.Prefix, r Rules) int {
	return 1<<(32-c.Bits()) - r.ReservedPerSubnet
}

// free finds the lowest block of the given prefix length, aligned to its
// size, inside one of blocks (in order) and overlapping nothing taken.
func free(blocks, taken []netip.Prefix, bits int) (netip.Prefix, bool) {
	size := uint64(1) << (32 - bits)
	for _, b := range blocks {
		if bits < b.Bits() {
			continue
		}
		start := ipToUint(b.Masked().Addr())
		end := start + uint64(1)<<(32-b.Bits())
		for a := start; a+size <= end; a += size {
			c := netip.PrefixFrom(uintToIP(a), bits)
			if !slices.ContainsFunc(taken, c.Overlaps) {
				return c, true
			}
		}
	}
	return netip.Prefix{}, false
}

// largestFree is the prefix length of the largest free block left; 0 when
// the blocks are full.
func largestFree(blocks, taken []netip.Prefix) int {
	for bits := 16; bits <= 28; bits++ {
		if _, ok := free(blocks, taken, bits); ok {
			return bits
		}
	}
	return 0
}

// sortSubnets orders subnets by tier, then sequence, then AZ, in the order
// tiers and azs list them.
func sortSubnets(subs []Subnet, tiers []Tier, azs []string) {
	tierIdx := func(n string) int {
		return slices.IndexFunc(tiers, func(t Tier) bool { return t.Name == n })
	}
	sort.SliceStable(subs, func(i, j int) bool {
		a, b := subs[i], subs[j]
		if ta, tb := tierIdx(a.Tier), tierIdx(b.Tier); ta != tb {
			return ta < tb
		}
		if a.Seq != b.Seq {
			return a.Seq < b.Seq
		}
		return slices.Index(azs, a.AZ) < slices.Index(azs, b.AZ)
	})
}
