package quota

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/coder-eks/coder-eks/generator/internal/config"
)

func catalog() config.Catalog {
	q := func(code string) config.ServiceQuota { return config.ServiceQuota{QuotaCode: code} }
	return config.Catalog{
		InstanceTypes: map[string]config.InstanceType{
			"m5.large":   {VCPU: 2, MaxENIs: 3, VCPUQuotaClass: "standard"},
			"c5.2xlarge": {VCPU: 8, MaxENIs: 4, VCPUQuotaClass: "standard"},
			"m5.2xlarge": {VCPU: 8, MaxENIs: 4, VCPUQuotaClass: "standard"},
			"g5.2xlarge": {VCPU: 8, MaxENIs: 4, VCPUQuotaClass: "g_vt"},
		},
		Planning: config.Planning{
			VPCInterfaceEndpoints:  []string{"a", "b"},
			EKSControlPlaneENIs:    4,
			WorkspaceHomeVolumeGiB: 10,
		},
		ServiceQuotas: map[string]config.ServiceQuota{
			"ec2_on_demand_standard_vcpus": q("L-1"), "ec2_spot_standard_vcpus": q("L-2"),
			"ec2_spot_g_vt_vcpus": q("L-3"), "ec2_on_demand_g_vt_vcpus": q("L-4"),
			"eks_clusters": q("L-5"), "vpcs": q("L-6"), "nat_gateways_per_az": q("L-7"),
			"aurora_clusters": q("L-8"), "network_load_balancers": q("L-9"), "elastic_ips": q("L-10"),
			"network_interfaces": q("L-11"), "gp3_storage_tib": q("L-12"),
		},
	}
}

func seedEnv() config.Environment {
	return config.Environment{
		AvailabilityZones:  []string{"a", "b", "c"},
		EnableVPCEndpoints: true,
		NodeGroups: config.NodeGroups{
			ControlNodeInstanceType: "m5.large", ControlNodeMaxSize: 3,
			ProvNodeInstanceType: "c5.2xlarge", ProvNodeMaxSize: 20,
			WSNodeInstanceType: "m5.2xlarge", WSNodeMaxSize: 200, WSUseSpotInstances: true,
		},
		NodeVolumeSizeGiB: 100, MaxWorkspaces: 3000, AuroraReaderCount: 1,
	}
}

func TestRequired(t *testing.T) {
	tests := []struct {
		name   string
		modify func(*config.Environment)
		want   map[string]int
	}{
		{
			name: "seed defaults",
			want: map[string]int{
				// 3×2 + 20×8 on demand; 200×8 spot.
				"ec2_on_demand_standard_vcpus": 166,
				"ec2_spot_standard_vcpus":      1600,
				"eks_clusters":                 1, "vpcs": 1, "nat_gateways_per_az": 1,
				"aurora_clusters": 1, "network_load_balancers": 1,
				"elastic_ips": 3,
				// 3×3 + 20×4 + 200×4 node ENIs + 2×3 endpoints + 3 NAT + 3 NLB + 4 EKS + 2 Aurora.
				"network_interfaces": 907,
				// 223×100 + 3000×10 = 52300 GiB → 52 TiB rounded up.
				"gp3_storage_tib": 52,
			},
		},
		{
			name: "on-demand GPU workspaces, no endpoints",
			modify: func(c *config.Environment) {
				c.WSUseSpotInstances = false
				c.WSNodeInstanceType = "g5.2xlarge"
				c.WSNodeMaxSize = 10
				c.EnableVPCEndpoints = false
				c.MaxWorkspaces = 100
				c.AuroraReaderCount = 2
			},
			want: map[string]int{
				"ec2_on_demand_standard_vcpus": 166,
				"ec2_on_demand_g_vt_vcpus":     80,
				"eks_clusters":                 1, "vpcs": 1, "nat_gateways_per_az": 1,
				"aurora_clusters": 1, "network_load_balancers": 1,
				"elastic_ips": 3,
				// 9 + 80 + 40 + 0 + 3 + 3 + 4 + 3.
				"network_interfaces": 142,
				// 33×100 + 100×10 = 4300 GiB → 5 TiB.
				"gp3_storage_tib": 5,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := seedEnv()
			if tt.modify != nil {
				tt.modify(&c)
			}
			reqs, err := Required(&c, catalog())
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]int{}
			for _, r := range reqs {
				got[r.Key] = r.Required
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("required quotas (-want +got):\n%s", d)
			}
		})
	}
}

func TestRequiredUnknownQuota(t *testing.T) {
	c := seedEnv()
	cat := catalog()
	delete(cat.ServiceQuotas, "ec2_spot_standard_vcpus")
	if _, err := Required(&c, cat); err == nil {
		t.Fatal("Required succeeded with a quota missing from the table")
	}
}

func TestRequiredSorted(t *testing.T) {
	c := seedEnv()
	reqs, err := Required(&c, catalog())
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(reqs); i++ {
		if reqs[i-1].Key >= reqs[i].Key {
			t.Errorf("not sorted: %s before %s", reqs[i-1].Key, reqs[i].Key)
		}
	}
}
