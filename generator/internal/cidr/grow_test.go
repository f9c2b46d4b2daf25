package cidr

import (
	"errors"
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestGrow(t *testing.T) {
	vpc := netip.MustParsePrefix("10.0.0.0/16")
	azs := []string{"az-a", "az-b"}
	committed, err := Make(vpc, azs, []Tier{{Name: "pub", Prefix: 24}, {Name: "ws", Hosts: 1200}}, rules)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		secondary []string
		azs       []string
		tiers     []Tier
		want      []string
		wantErr   string
	}{
		{name: "same needs: same plan", azs: azs, tiers: []Tier{{Name: "pub", Prefix: 24}, {Name: "ws", Hosts: 1200}},
			want: []string{"pub az-a 0 10.0.16.0/24", "pub az-b 0 10.0.17.0/24", "ws az-a 0 10.0.0.0/21", "ws az-b 0 10.0.8.0/21"}},
		{name: "smaller needs: nothing shrinks", azs: azs, tiers: []Tier{{Name: "pub", Prefix: 26}, {Name: "ws", Hosts: 10}},
			want: []string{"pub az-a 0 10.0.16.0/24", "pub az-b 0 10.0.17.0/24", "ws az-a 0 10.0.0.0/21", "ws az-b 0 10.0.8.0/21"}},
		{name: "growth adds subnets in free space", azs: azs, tiers: []Tier{{Name: "pub", Prefix: 24}, {Name: "ws", Hosts: 3000}},
			// 2043 usable per /21; 957 more need a /22 each.
			want: []string{"pub az-a 0 10.0.16.0/24", "pub az-b 0 10.0.17.0/24", "ws az-a 0 10.0.0.0/21", "ws az-b 0 10.0.8.0/21", "ws az-a 1 10.0.20.0/22", "ws az-b 1 10.0.24.0/22"}},
		{name: "new AZ gets every tier", azs: []string{"az-a", "az-b", "az-c"}, tiers: []Tier{{Name: "pub", Prefix: 24}, {Name: "ws", Hosts: 1200}},
			want: []string{"pub az-a 0 10.0.16.0/24", "pub az-b 0 10.0.17.0/24", "pub az-c 0 10.0.18.0/24", "ws az-a 0 10.0.0.0/21", "ws az-b 0 10.0.8.0/21", "ws az-c 0 10.0.24.0/21"}},
		{name: "removed AZ: its subnets go, the others stay", azs: []string{"az-b"}, tiers: []Tier{{Name: "pub", Prefix: 24}, {Name: "ws", Hosts: 1200}},
			want: []string{"pub az-b 0 10.0.17.0/24", "ws az-b 0 10.0.8.0/21"}},
		{name: "too big for the VPC: refused", azs: azs, tiers: []Tier{{Name: "ws", Hosts: 40000}},
			wantErr: "do not fit in the VPC's free space (10.0.0.0/16; largest free block /17): ws in az-a a /16 for 37957 more addresses; ws in az-b a /16 for 37957 more addresses"},
		{name: "a secondary block takes what the VPC cannot", secondary: []string{"100.64.0.0/16"}, azs: azs, tiers: []Tier{{Name: "pub", Prefix: 24}, {Name: "ws", Hosts: 20000}},
			want: []string{"pub az-a 0 10.0.16.0/24", "pub az-b 0 10.0.17.0/24", "ws az-a 0 10.0.0.0/21", "ws az-b 0 10.0.8.0/21", "ws az-a 1 10.0.128.0/17", "ws az-b 1 100.64.0.0/17"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var sec []netip.Prefix
			for _, s := range tc.secondary {
				sec = append(sec, netip.MustParsePrefix(s))
			}
			plan, err := Grow(committed, vpc, sec, tc.azs, tc.tiers, rules)
			if tc.wantErr != "" {
				var g *GrowthError
				if !errors.As(err, &g) || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want a GrowthError containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, s := range plan.Subnets {
				got = append(got, s.Tier+" "+s.AZ+" "+string(rune('0'+s.Seq))+" "+s.CIDR.String())
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Fatalf("plan (-want +got):\n%s", diff)
			}
		})
	}
}

func TestGrowRefusesVPCChanges(t *testing.T) {
	committed := Plan{VPC: netip.MustParsePrefix("10.0.0.0/16"), Secondary: []netip.Prefix{netip.MustParsePrefix("100.64.0.0/16")}}
	for _, tc := range []struct {
		vpc, want string
		sec       []netip.Prefix
	}{
		{"10.1.0.0/16", "cannot change without replacing the VPC", committed.Secondary},
		{"10.0.0.0/16", "vpc_secondary_cidrs drops 100.64.0.0/16", nil},
	} {
		_, err := Grow(committed, netip.MustParsePrefix(tc.vpc), tc.sec, []string{"a"}, nil, rules)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error %v, want %q", err, tc.want)
		}
	}
}
