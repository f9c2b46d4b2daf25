package capacity_test

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/coder-eks/coder-eks/generator/internal/cidr"
	"github.com/coder-eks/coder-eks/generator/internal/config"
	"github.com/coder-eks/coder-eks/generator/internal/load"
	"github.com/coder-eks/coder-eks/generator/internal/plan/capacity"
)

const root = "../../../.."

func loadEnv(t *testing.T, name string) *load.Environment {
	t.Helper()
	env, err := load.Load(root, name)
	if err != nil {
		t.Fatal(err)
	}
	return env
}

// TestShippedEnvironmentsHoldTheirLoad checks every region of every
// shipped environment passes every capacity check.
func TestShippedEnvironmentsHoldTheirLoad(t *testing.T) {
	names, err := load.Discover(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		env := loadEnv(t, name)
		c := &env.Config
		views := []config.Environment{*c}
		for i := range c.SecondaryRegions {
			views = append(views, c.Secondary(i))
		}
		for _, v := range views {
			f, err := capacity.Compute(&v, env.Catalog, c.AllWorkspaces(), nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := capacity.Check(f, &v, env.Catalog); len(got) > 0 {
				t.Errorf("%s %s: %v", name, v.AWSRegion, got)
			}
		}
	}
}

// TestChecksCatchBottlenecks breaks prod in one way per check and expects
// the finding at the field at fault, naming the bottleneck and the figure
// it needs (worked by hand from schema/capacity.cue: 15 workspaces or
// coderd 1 per m5.2xlarge, 15 daemons per c5.4xlarge, 60 ACU).
func TestChecksCatchBottlenecks(t *testing.T) {
	tests := []struct {
		name  string
		mod   func(c *config.Environment, cat *config.Catalog)
		field string
		want  []string
	}{
		{"workspace nodes", func(c *config.Environment, _ *config.Catalog) { c.WSNodeMaxSize = 150 },
			"ws_node_max_size", []string{"workspace nodes:", "15 per r5.2xlarge node (bound by CPU", "need 203 nodes", "raise it to at least 203"}},
		{"workspace pod too large for the node", func(_ *config.Environment, cat *config.Catalog) { cat.Capacity.WorkspacePod.MemoryMiB = 64 * 1024 },
			"ws_node_instance_type", []string{"workspace pods:", "does not fit a r5.2xlarge node", "e.g. m5.8xlarge"}},
		{"workspace nodes bound by pod IPs", func(c *config.Environment, cat *config.Catalog) {
			cat.Capacity.WorkspacePod = config.PodSize{CPUMillis: 10, MemoryMiB: 64}
			c.WSNodeMaxSize = 50
		}, "ws_node_max_size", []string{"54 per r5.2xlarge node (bound by pod IPs", "need 59 nodes"}},
		{"coderd replicas", func(c *config.Environment, _ *config.Catalog) { c.CoderdReplicas = 2 },
			"coderd_replicas", []string{"coderd replicas:", "need 5 replicas", `"up to 10,000 users"`, "coderd_replicas is 2"}},
		{"coderd pod does not fit the control node", func(c *config.Environment, _ *config.Catalog) { c.ControlNodeInstanceType = "m5.large" },
			"control_node_instance_type", []string{"coderd pods:", "4000m CPU, 12288 MiB", "does not fit a m5.large node", "1530m CPU, 6818 MiB", "e.g. c5.2xlarge"}},
		{"control nodes", func(c *config.Environment, _ *config.Catalog) { c.ControlNodeMaxSize = 3 },
			"control_node_max_size", []string{"coderd nodes:", "need 6 nodes", "raise it to at least 6"}},
		{"provisioner nodes", func(c *config.Environment, _ *config.Catalog) { c.ProvNodeMaxSize = 10 },
			"prov_node_max_size", []string{"provisioner nodes:", "300 concurrent builds", "15 per c5.4xlarge node", "need 20 nodes"}},
		{"provisioner nodes at the business-hours peak", func(c *config.Environment, _ *config.Catalog) { c.ProvNodeDesiredPeak = 10 },
			"prov_node_desired_peak", []string{"300 provisioner daemons", "15 per c5.4xlarge node need 20 nodes", "raise it to at least 20"}},
		{"Aurora memory", func(c *config.Environment, _ *config.Catalog) { c.AuroraMaxCapacity = 16 },
			"aurora_max_capacity", []string{"Aurora memory:", "120 GiB", "60.0 ACU", "raise it to at least 60"}},
		{"Aurora connections", func(c *config.Environment, _ *config.Catalog) {
			c.MaxWorkspaces, c.CoderdReplicas, c.AuroraMaxCapacity = 10, 20, 1
		}, "aurora_max_capacity", []string{"Aurora connections:", "coderd opens up to 220 connections", "above the alarm threshold 180"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := loadEnv(t, "prod")
			c, cat := env.Config, env.Catalog
			tc.mod(&c, &cat)
			f, err := capacity.Compute(&c, cat, c.AllWorkspaces(), nil)
			if err != nil {
				t.Fatal(err)
			}
			findings := capacity.Check(f, &c, cat)
			for _, fd := range findings {
				if fd.Field != tc.field {
					continue
				}
				for _, w := range tc.want {
					if !strings.Contains(fd.Msg, w) {
						t.Errorf("finding at %s lacks %q:\n%s", fd.Field, w, fd.Msg)
					}
				}
				return
			}
			t.Fatalf("no finding at %s; got %v", tc.field, findings)
		})
	}
}

// TestSubnetCheck gives the check a plan whose workspace subnets were
// sized for fewer nodes than the workspaces need.
func TestSubnetCheck(t *testing.T) {
	env := loadEnv(t, "prod")
	c := &env.Config
	f, err := capacity.Compute(c, env.Catalog, c.AllWorkspaces(), nil)
	if err != nil {
		t.Fatal(err)
	}
	plan := cidr.Plan{Subnets: []cidr.Subnet{
		{Tier: "workspace", AZ: "us-east-1a", CIDR: netip.MustParsePrefix("10.0.0.0/20")},
		{Tier: "workspace", AZ: "us-east-1b", CIDR: netip.MustParsePrefix("10.0.16.0/21")},
		{Tier: "workspace", AZ: "us-east-1c", CIDR: netip.MustParsePrefix("10.0.24.0/20")},
	}}
	got := capacity.CheckSubnets(capacity.WorkspaceSubnets(f, plan, "workspace", env.Catalog))
	if len(got) != 1 || got[0].Field != "vpc_cidr" ||
		!strings.Contains(got[0].Msg, "10.0.16.0/21 in us-east-1b has 2043 usable addresses; its 68 workspace nodes need 4080") {
		t.Fatalf("CheckSubnets = %v", got)
	}
}

func TestTierFor(t *testing.T) {
	env := loadEnv(t, "prod")
	tiers := env.Catalog.Capacity.ValidatedArchitectures
	tests := []struct {
		workspaces     int
		tier           string
		coderd, builds int
		dbGiB          float64
		dbFrom         string
	}{
		{300, "up to 1,000 users", 2, 30, 15, "up to 1,000 users"},
		{600, "up to 1,000 users", 3, 60, 30, "up to 1,000 users"},
		{1000, "up to 3,000 users", 3, 100, 40, "up to 10,000 users"},
		{3000, "up to 10,000 users", 5, 300, 120, "up to 10,000 users"},
		{9000, "up to 10,000 users", 15, 900, 360, "up to 10,000 users"},
	}
	for _, tc := range tests {
		tier := capacity.TierFor(tc.workspaces, tiers)
		got := []any{tier.Name, tier.Scaled(tier.Coderd.Replicas), tier.Scaled(tier.Builds), tier.DatabaseMemoryGiB(), tier.DatabaseFrom}
		want := []any{tc.tier, tc.coderd, tc.builds, tc.dbGiB, tc.dbFrom}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("TierFor(%d) = %v, want %v", tc.workspaces, got, want)
				break
			}
		}
	}
}

func TestReadWindow(t *testing.T) {
	tests := []struct {
		start, stop string
		ok          bool
		hours       float64
	}{
		{"45 6 * * MON-FRI", "15 18 * * MON-FRI", true, 57.5},
		{"0 8 * * 1-5", "0 20 * * 1-5", true, 60},
		{"0 8 * * *", "0 9 * * *", true, 7},
		{"0 8 * * MON,WED", "30 8 * * MON,WED", true, 1},
		{"0 8 * * MON-FRI", "0 20 * * MON-THU", false, 0},
		{"0 20 * * MON-FRI", "0 8 * * MON-FRI", false, 0},
		{"*/5 8 * * MON-FRI", "0 20 * * MON-FRI", false, 0},
		{"0 8 1 * *", "0 20 1 * *", false, 0},
	}
	for _, tc := range tests {
		w, ok := capacity.ReadWindow(tc.start, tc.stop)
		if ok != tc.ok || w.HoursPerWeek != tc.hours {
			t.Errorf("ReadWindow(%q, %q) = %v, %v; want %v, %v", tc.start, tc.stop, w.HoursPerWeek, ok, tc.hours, tc.ok)
		}
	}
}
