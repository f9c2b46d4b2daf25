package pipeline

import (
	"errors"
	"regexp"
	"sort"
	"sync"
	"testing"

	"pgregory.net/rapid"

	"github.com/coder-eks/coder-eks/generator/internal/config"
	"github.com/coder-eks/coder-eks/generator/internal/diag"
	"github.com/coder-eks/coder-eks/generator/internal/load"
	"github.com/coder-eks/coder-eks/generator/internal/plan/capacity"
)

var (
	loadOnce sync.Once
	bases    map[string]*load.Environment
	loadErr  error
)

// shipped loads every shipped environment once; the property test varies
// their decoded values.
func shipped(t *rapid.T) map[string]*load.Environment {
	loadOnce.Do(func() {
		names, err := load.Discover(repoRoot)
		if err != nil {
			loadErr = err
			return
		}
		bases = map[string]*load.Environment{}
		for _, n := range names {
			if bases[n], err = load.Load(repoRoot, n); err != nil {
				loadErr = err
				return
			}
		}
	})
	if loadErr != nil {
		t.Fatal(loadErr)
	}
	return bases
}

// capacityField matches the fields capacity and subnet-planning errors
// are reported at.
var capacityField = regexp.MustCompile(`^(secondary_regions\[\d+\]\.)?(max_workspaces|ws_node_max_size|ws_node_instance_type|control_node_instance_type|control_node_max_size|prov_node_instance_type|prov_node_max_size|prov_node_desired_peak|coderd_replicas|workspace_proxy_replicas|aurora_max_capacity|vpc_cidr|ws_spot_alternative_types\[\d+\])$`)

// TestRandomEnvironments draws environments within the schema's bounds
// (sizes, instance types, capacities of the shipped environments varied)
// and checks each either renders and passes every capacity check, or is
// rejected with capacity errors only; none panics.
func TestRandomEnvironments(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		all := shipped(t)
		names := make([]string, 0, len(all))
		for n := range all {
			names = append(names, n)
		}
		sort.Strings(names)
		base := all[rapid.SampledFrom(names).Draw(t, "env")]
		env := *base
		env.Config = drawConfig(t, base.Config, base.Catalog)
		checked, err := derive(&env)
		if err != nil {
			var list diag.List
			if !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("rejected without diagnostics: %v", err)
			}
			for _, d := range list {
				if !capacityField.MatchString(d.Path) {
					t.Fatalf("rejected by a non-capacity error: %s", d)
				}
			}
			return
		}
		if f := capacity.Check(checked.Capacity, &checked.Config, checked.Catalog); len(f) > 0 {
			t.Fatalf("accepted with capacity findings: %v", f)
		}
		if _, err := render(env.Name, checked); err != nil {
			t.Fatalf("accepted but does not render: %v", err)
		}
	})
}

// drawConfig varies a decoded environment within the schema's bounds.
func drawConfig(t *rapid.T, c config.Environment, cat config.Catalog) config.Environment {
	types := make([]string, 0, len(cat.InstanceTypes))
	for n := range cat.InstanceTypes {
		types = append(types, n)
	}
	sort.Strings(types)
	c.MaxWorkspaces = rapid.IntRange(1, 10000).Draw(t, "max_workspaces")
	c.ControlNodeInstanceType = rapid.SampledFrom(types).Draw(t, "control_type")
	c.ControlNodeMinSize = rapid.IntRange(1, 6).Draw(t, "control_min")
	c.ControlNodeMaxSize = rapid.IntRange(c.ControlNodeMinSize, 100).Draw(t, "control_max")
	c.ProvNodeInstanceType = rapid.SampledFrom(types).Draw(t, "prov_type")
	c.ProvNodeMinSize = rapid.IntRange(0, 5).Draw(t, "prov_min")
	c.ProvNodeMaxSize = rapid.IntRange(max(1, c.ProvNodeMinSize), 450).Draw(t, "prov_max")
	c.ProvNodeDesiredPeak = rapid.IntRange(c.ProvNodeMinSize, c.ProvNodeMaxSize).Draw(t, "prov_peak")
	c.WSNodeInstanceType = rapid.SampledFrom(types).Draw(t, "ws_type")
	c.WSNodeMinSize = rapid.IntRange(0, 20).Draw(t, "ws_min")
	c.WSNodeMaxSize = rapid.IntRange(max(1, c.WSNodeMinSize), 450).Draw(t, "ws_max")
	c.WSNodeDesiredPeak = rapid.IntRange(c.WSNodeMinSize, c.WSNodeMaxSize).Draw(t, "ws_peak")
	minReplicas := 1
	if c.Pattern != config.PatternSRSimple {
		minReplicas = 2 // the HA patterns' constraint
	}
	c.CoderdReplicas = rapid.IntRange(minReplicas, 20).Draw(t, "coderd_replicas")
	c.AuroraMaxCapacity = float64(rapid.IntRange(2, 512).Draw(t, "aurora_max_half_acu")) / 2
	c.AuroraMinCapacity = min(c.AuroraMinCapacity, c.AuroraMaxCapacity)
	regions := make([]config.SecondaryRegion, len(c.SecondaryRegions))
	copy(regions, c.SecondaryRegions)
	for i := range regions {
		s := &regions[i]
		s.MaxWorkspaces = rapid.IntRange(1, 10000).Draw(t, "secondary_max_workspaces")
		s.WorkspaceProxyReplicas = rapid.IntRange(1, 20).Draw(t, "proxy_replicas")
		s.WSNodeMaxSize = rapid.IntRange(max(1, s.WSNodeMinSize, s.WSNodeDesiredPeak), 450).Draw(t, "secondary_ws_max")
	}
	c.SecondaryRegions = regions
	return c
}
