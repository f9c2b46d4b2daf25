package templates

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"pgregory.net/rapid"

	"github.com/coder-eks/coder-eks/generator/internal/config"
	"github.com/coder-eks/coder-eks/generator/internal/load"
	model "github.com/coder-eks/coder-eks/generator/internal/model/templates"
	"github.com/coder-eks/coder-eks/generator/internal/plan"
	"github.com/coder-eks/coder-eks/generator/internal/render/tfjson"
	"github.com/coder-eks/coder-eks/generator/internal/validate"
)

// repoRoot is the repository this test binary was built from.
const repoRoot = "../../../.."

var prod struct {
	once sync.Once
	env  *plan.Environment
	err  error
}

// prodEnv is the production environment, loaded and derived once: drawn
// pairings are composed in its CUE context and rendered with its inputs.
func prodEnv(t testing.TB) *plan.Environment {
	t.Helper()
	prod.once.Do(func() {
		env, err := load.Load(repoRoot, "prod")
		if err != nil {
			prod.err = err
			return
		}
		if prod.env, prod.err = plan.Derive(env); prod.err == nil && len(prod.env.Problems()) > 0 {
			prod.err = prod.env.Problems()
		}
	})
	if prod.err != nil {
		t.Fatal(prod.err)
	}
	return prod.env
}

// pairingGen draws a toolchain, a base, capabilities, an OS and compute
// profile overrides. Half the draws lean towards what the layers accept
// (a base of the toolchain's OS family, values the base supports, sizes
// within its limits), so accepted combinations are drawn about as often as
// rejected ones; the other half draw from everything the contract allows.
func pairingGen(env *plan.Environment) *rapid.Generator[config.Pairing] {
	layers := env.Layers
	toolchains := slices.Sorted(maps.Keys(layers.Toolchains))
	capabilities := slices.Sorted(maps.Keys(env.Catalog.CapabilityValues))
	oses := slices.Sorted(maps.Keys(env.Catalog.OSVariants))
	return rapid.Custom(func(t *rapid.T) config.Pairing {
		lean := rapid.Bool().Draw(t, "lean")
		tc := layers.Toolchains[rapid.SampledFrom(toolchains).Draw(t, "toolchain")]
		bases := slices.Sorted(maps.Keys(layers.Bases))
		if lean {
			bases = slices.DeleteFunc(bases, func(b string) bool { return layers.Bases[b].OSFamily != tc.OSFamily })
		}
		base := layers.Bases[rapid.SampledFrom(bases).Draw(t, "base")]
		p := config.Pairing{
			Toolchain: tc.Name, Base: base.Name, Enabled: true,
			DisplayName: "Drawn", Description: "A drawn pairing",
			Capabilities: map[string]any{}, ComputeProfile: map[string]int{},
		}
		for _, k := range capabilities {
			if _, required := tc.Capabilities.Required[k]; (lean && required) || !rapid.Bool().Draw(t, "set "+k) {
				continue
			}
			values := env.Catalog.CapabilityValues[k]
			if lean {
				values = base.Capabilities[k].Values
			}
			p.Capabilities[k] = rapid.SampledFrom(values).Draw(t, k)
		}
		if lean && p.Capabilities["secrets-injection"] == "secrets-manager" {
			p.Capabilities["identity-mode"] = "iam"
		}
		if rapid.IntRange(0, 3).Draw(t, "set os") == 0 {
			os := oses
			if lean {
				os = base.OSSupport
			}
			p.OS = rapid.SampledFrom(os).Draw(t, "os")
		}
		choices := env.Catalog.ComputeChoices
		for _, f := range []struct {
			name                   string
			min, max, leanMin, lim int
		}{
			{"cpu", 1, 128, 2, base.Limits.CPU},
			{"memory_gib", 1, 1200, 8, base.Limits.MemoryGiB},
			{"storage_gib", 1, 5000, choices.MinDiskGiB["windows"], base.Limits.StorageGiB},
			{"gpu", 0, 9, 1, base.Limits.GPU},
		} {
			if !rapid.Bool().Draw(t, "set "+f.name) {
				continue
			}
			lo, hi := f.min, f.max
			if lean {
				lo, hi = min(f.leanMin, f.lim), f.lim
			}
			p.ComputeProfile[f.name] = rapid.IntRange(lo, hi).Draw(t, f.name)
		}
		return p
	})
}

// TestPropertyComposition draws toolchain × base × capability
// combinations. Every combination the contract accepts renders to JSON
// that hcl/v2's JSON parser accepts with every reference resolved; every
// combination it rejects is rejected for exactly the reasons an
// independent reading of the layers gives, each message naming the
// offending capability and both layers.
func TestPropertyComposition(t *testing.T) {
	env := prodEnv(t)
	rapid.Check(t, func(t *rapid.T) {
		p := pairingGen(env).Draw(t, "pairing")
		c, err := env.Layers.Compose("drawn", p)
		if err != nil {
			t.Fatalf("compose: %v", err)
		}
		want := expectedFaults(env, p)
		var got []string
		for _, v := range c.Violations {
			got = append(got, v.Capability)
			msg := validate.Describe(c, v)
			for _, name := range []string{"capability " + v.Capability, c.Toolchain.Name, c.Base.Name} {
				if !strings.Contains(msg, name) {
					t.Errorf("message %q does not name %q", msg, name)
				}
			}
		}
		if diff := setDiff(want, got); diff != "" {
			t.Fatalf("violations of %+v: %s", p, diff)
		}
		if len(c.Violations) > 0 {
			return
		}
		main, err := Main(model.BuildOne(env, c))
		if err != nil {
			t.Fatalf("render: %v", err)
		}
		unresolved, err := tfjson.Unresolved(map[string][]byte{"main.tf.json": main})
		if err != nil {
			t.Fatal(err)
		}
		if len(unresolved) > 0 {
			t.Fatalf("unresolved references in %+v:\n%s", p, strings.Join(unresolved, "\n"))
		}
		unused, err := tfjson.Unused(map[string][]byte{"main.tf.json": main})
		if err != nil {
			t.Fatal(err)
		}
		if len(unused) > 0 {
			t.Fatalf("declared and never read in %+v:\n%s", p, strings.Join(unused, "\n"))
		}
	})
}

// expectedFaults reads the layers the way docs/templates.md states the
// rules, independently of schema.#Composition, and lists the capabilities
// (or "os", "image_id", "compute_profile[.field]") a base cannot honour.
func expectedFaults(env *plan.Environment, p config.Pairing) []string {
	tc, base := env.Layers.Toolchains[p.Toolchain], env.Layers.Bases[p.Base]
	faults := map[string]bool{}
	resolved := map[string]any{}
	for k, values := range env.Catalog.CapabilityValues {
		v, asked := p.Capabilities[k]
		if req, ok := tc.Capabilities.Required[k]; ok {
			if asked && v != req {
				faults[k] = true
			}
			v = req
		} else if !asked {
			v = values[0]
		}
		resolved[k] = v
		if !slices.Contains(base.Capabilities[k].Values, v) {
			faults[k] = true
		}
	}
	if tc.OSFamily != base.OSFamily || (p.OS != "" && !slices.Contains(base.OSSupport, p.OS)) {
		faults["os"] = true
	}
	if resolved["secrets-injection"] == "secrets-manager" && resolved["identity-mode"] != "iam" {
		faults["secrets-injection"] = true
	}
	profile := map[string]int{
		"cpu": tc.ComputeProfile.CPU, "memory_gib": tc.ComputeProfile.MemoryGiB,
		"storage_gib": tc.ComputeProfile.StorageGiB, "gpu": tc.ComputeProfile.GPU,
	}
	for k, v := range p.ComputeProfile {
		profile[k] = v
	}
	gpu := resolved["gpu-support"] == true
	if gpu && profile["gpu"] == 0 {
		faults["gpu-support"] = true
	}
	limits := map[string]int{"cpu": base.Limits.CPU, "memory_gib": base.Limits.MemoryGiB, "storage_gib": base.Limits.StorageGiB, "gpu": base.Limits.GPU}
	for k, v := range profile {
		if v > limits[k] {
			faults["compute_profile."+k] = true
		}
	}
	choices := env.Catalog.ComputeChoices
	minDisk := choices.MinDiskGiB[base.OSFamily]
	if base.Platform == config.PlatformKubernetes {
		minDisk = choices.MinDiskGiB["kubernetes"]
		if profile["memory_gib"] < choices.MemoryGiB[0] || profile["cpu"] < choices.CPU[0] {
			faults["compute_profile"] = true
		}
		if tc.ContainerImage == "" {
			faults["image_id"] = true
		}
	} else if !anyInstanceFits(env, base, profile, gpu) {
		faults["compute_profile"] = true
	}
	if profile["storage_gib"] < minDisk {
		faults["compute_profile.storage_gib"] = true
	}
	return slices.Sorted(maps.Keys(faults))
}

func anyInstanceFits(env *plan.Environment, base config.Base, profile map[string]int, gpu bool) bool {
	for name, it := range env.Catalog.InstanceTypes {
		family, _, _ := strings.Cut(name, ".")
		if slices.Contains(base.InstanceFamilies, family) && it.VCPU <= profile["cpu"] &&
			it.MemoryGiB <= float64(profile["memory_gib"]) && it.GPUs <= profile["gpu"] && (it.GPUs > 0) == gpu {
			return true
		}
	}
	return false
}

// setDiff compares two lists as sets.
func setDiff(want, got []string) string {
	w, g := map[string]bool{}, map[string]bool{}
	for _, s := range want {
		w[s] = true
	}
	for _, s := range got {
		g[s] = true
	}
	var missing, extra []string
	for s := range w {
		if !g[s] {
			missing = append(missing, s)
		}
	}
	for s := range g {
		if !w[s] {
			extra = append(extra, s)
		}
	}
	if len(missing)+len(extra) == 0 {
		return ""
	}
	sort.Strings(missing)
	sort.Strings(extra)
	return fmt.Sprintf("not reported %v, reported but not expected %v", missing, extra)
}
