package cidr

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"
)

var rules = Rules{ReservedPerSubnet: 5, MinPrefix: 24}

func TestPrefixFor(t *testing.T) {
	tests := []struct {
		hosts, want int
	}{
		{0, 24},    // floor
		{251, 24},  // 251 + 5 reserved = 256 = /24 exactly
		{252, 23},  // one more needs the next size
		{1200, 21}, // prod workspace tier: 20 nodes × 60 IPs
		{2043, 21}, // 2048 - 5
		{2044, 20},
	}
	for _, tc := range tests {
		if got := PrefixFor(tc.hosts, rules); got != tc.want {
			t.Errorf("PrefixFor(%d) = /%d, want /%d", tc.hosts, got, tc.want)
		}
	}
}

func TestMake(t *testing.T) {
	plan, err := Make(netip.MustParsePrefix("10.0.0.0/16"), []string{"az-a", "az-b"},
		[]Tier{{Name: "small", Hosts: 10}, {Name: "big", Hosts: 1200}, {Name: "fixed", Prefix: 26}}, rules)
	if err != nil {
		t.Fatal(err)
	}
	// Largest blocks first from the VPC's start; listed in tier, AZ order.
	want := []string{
		"small az-a 10.0.16.0/24", "small az-b 10.0.17.0/24",
		"big az-a 10.0.0.0/21", "big az-b 10.0.8.0/21",
		"fixed az-a 10.0.18.0/26", "fixed az-b 10.0.18.64/26",
	}
	var got []string
	for _, s := range plan.Subnets {
		got = append(got, s.Tier+" "+s.AZ+" "+s.CIDR.String())
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("plan (-want +got):\n%s", diff)
	}
}

func TestMakeErrors(t *testing.T) {
	tests := []struct {
		name  string
		vpc   string
		tiers []Tier
		want  string
	}{
		{"tier larger than VPC", "10.0.0.0/22", []Tier{{Name: "workspace", Hosts: 1200}},
			`tier "workspace" needs a /21 subnet per AZ for 1200 addresses, larger than vpc_cidr 10.0.0.0/22`},
		{"tiers overflow VPC", "10.0.0.0/20", []Tier{{Name: "a", Hosts: 1200}, {Name: "b", Hosts: 1200}},
			"subnets need 8192 addresses (a 2×/21, b 2×/21), vpc_cidr 10.0.0.0/20 has 4096"},
		{"IPv6", "fd00::/56", []Tier{{Name: "a"}}, "only IPv4 is supported"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Make(netip.MustParsePrefix(tc.vpc), []string{"az-a", "az-b"}, tc.tiers, rules)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestCheckFindsOverlap(t *testing.T) {
	p := Plan{VPC: netip.MustParsePrefix("10.0.0.0/16"), Subnets: []Subnet{
		{Tier: "a", AZ: "x", CIDR: netip.MustParsePrefix("10.0.0.0/23")},
		{Tier: "b", AZ: "x", CIDR: netip.MustParsePrefix("10.0.1.0/24")},
	}}
	if err := p.Check(); err == nil || !strings.Contains(err.Error(), "10.0.0.0/23 (a, x) overlaps 10.0.1.0/24 (b, x)") {
		t.Fatalf("Check() = %v", err)
	}
	p.Subnets[1].CIDR = netip.MustParsePrefix("10.1.0.0/24")
	if err := p.Check(); err == nil || !strings.Contains(err.Error(), "outside vpc_cidr") {
		t.Fatalf("Check() = %v", err)
	}
}

// TestMakeProperties: for any tiers and VPC, the planner either refuses or
// returns subnets that fit, do not overlap, and hold what was asked.
func TestMakeProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		vpcBits := rapid.IntRange(16, 24).Draw(t, "vpcBits")
		vpc := netip.PrefixFrom(netip.MustParseAddr("10.0.0.0"), vpcBits)
		azs := []string{"a", "b", "c", "d", "e", "f"}[:rapid.IntRange(1, 6).Draw(t, "azs")]
		var tiers []Tier
		for i := range rapid.IntRange(1, 5).Draw(t, "tiers") {
			tiers = append(tiers, Tier{Name: string(rune('p' + i)), Hosts: rapid.IntRange(0, 5000).Draw(t, "hosts")})
		}
		plan, err := Make(vpc, azs, tiers, rules)
		if err != nil {
			return
		}
		if err := plan.Check(); err != nil {
			t.Fatal(err)
		}
		if len(plan.Subnets) != len(azs)*len(tiers) {
			t.Fatalf("%d subnets for %d tiers × %d AZs", len(plan.Subnets), len(tiers), len(azs))
		}
		for i, s := range plan.Subnets {
			tier := tiers[i/len(azs)]
			if usable := 1<<(32-s.CIDR.Bits()) - rules.ReservedPerSubnet; usable < tier.Hosts {
				t.Fatalf("%s holds %d, tier %s needs %d", s.CIDR, usable, tier.Name, tier.Hosts)
			}
		}
	})
}
