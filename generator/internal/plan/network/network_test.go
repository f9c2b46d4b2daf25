package network

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/coder-eks/coder-eks/generator/internal/cidr"
	"github.com/coder-eks/coder-eks/generator/internal/config"
)

// catalog holds the facts of schema/instance_types.cue and planning.cue
// the cases below use.
var catalog = config.Catalog{
	InstanceTypes: map[string]config.InstanceType{
		"m5.large":   {VCPU: 2, MemoryGiB: 8, MaxENIs: 3, IPv4PerENI: 10, MaxPods: 29},
		"m5.2xlarge": {VCPU: 8, MemoryGiB: 32, MaxENIs: 4, IPv4PerENI: 15, MaxPods: 58},
		"c5.2xlarge": {VCPU: 8, MemoryGiB: 16, MaxENIs: 4, IPv4PerENI: 15, MaxPods: 58},
	},
	Planning: config.Planning{AWSReservedIPsPerSubnet: 5, MinSubnetPrefix: 24, DaemonSetPodIPsPerNode: 2, SpareNodesPerAZ: 1, PublicSubnetPrefix: 24},
}

func TestTiers(t *testing.T) {
	c := &config.Environment{
		AvailabilityZones: []string{"a", "b", "c"},
		MaxWorkspaces:     3000,
		NodeGroups: config.NodeGroups{
			ControlNodeInstanceType: "m5.large", ControlNodeMaxSize: 3,
			ProvNodeInstanceType: "c5.2xlarge", ProvNodeMaxSize: 20,
			WSNodeInstanceType: "m5.2xlarge",
		},
	}
	// Worked by hand: 56 workspace nodes (the capacity model's count);
	// 56/3 → 19 + 1 spare = 20 per AZ × 60 addresses (4 ENIs × 15) = 1200.
	want := []cidr.Tier{
		{Name: TierPublic, Prefix: 24},
		{Name: TierControl, Hosts: (1 + 1) * 30},
		{Name: TierProvisioner, Hosts: (7 + 1) * 60},
		{Name: TierWorkspace, Hosts: 1200},
		{Name: TierDatabase},
	}
	if diff := cmp.Diff(want, Tiers(c, catalog, 56)); diff != "" {
		t.Fatalf("Tiers (-want +got):\n%s", diff)
	}
}
