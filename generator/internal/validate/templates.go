package validate

import (
	"fmt"
	"strings"

	"github.com/coder-eks/coder-eks/generator/internal/config"
	"github.com/coder-eks/coder-eks/generator/internal/diag"
	"github.com/coder-eks/coder-eks/generator/internal/load"
	"github.com/coder-eks/coder-eks/generator/internal/plan"
)

// checkTemplates reports what each composed pairing's base cannot honour
// (schema.#Composition's violations, worked out by CUE when plan composed
// it): a diagnostic that names both layers and the capability, at the
// pairing's position: the field the environment file sets when it sets
// one, else the pairing's default in the schema.
func checkTemplates(env *plan.Environment) diag.List {
	var errs diag.List
	for _, c := range env.Templates {
		for _, v := range c.Violations {
			errs = append(errs, diag.Diagnostic{Pos: plan.PairingPos(env.Environment, c.Name, violationFields(v)...), Path: plan.PairingPath(c.Name), Msg: Describe(c, v)})
		}
	}
	if d, ok := uselessNoEgress(env.Environment, env.Templates); ok {
		errs = append(errs, d)
	}
	return errs
}

// uselessNoEgress refuses default_network_egress "none" when no enabled
// template would get it: every toolchain requires egress (its install
// script downloads its languages and tools at every start), so the
// setting would read as "workspaces reach nothing" while every workspace
// reaches the internet over HTTPS.
func uselessNoEgress(env *load.Environment, cs []config.Composition) (diag.Diagnostic, bool) {
	if env.Config.DefaultNetworkEgress != "none" || len(cs) == 0 {
		return diag.Diagnostic{}, false
	}
	var asks []string
	for _, c := range cs {
		if c.Capabilities.NetworkEgress == "none" {
			return diag.Diagnostic{}, false
		}
		asks = append(asks, fmt.Sprintf("%s (%s requires %s)", c.Name, c.Toolchain.Name, c.Capabilities.NetworkEgress))
	}
	what := `"none"`
	pos, ok := env.FieldPos("default_network_egress")
	if !ok {
		// The pattern's default: the user's line is the pattern.
		what = `"none" (the ` + env.Config.Pattern + ` pattern's default)`
		if pos, ok = env.FieldPos("pattern"); !ok {
			pos = env.Pos("default_network_egress")
		}
	}
	return diag.Diagnostic{Pos: pos, Path: "default_network_egress", Msg: fmt.Sprintf(
		`%s applies to no template: every enabled template's toolchain requires egress to install its tools at start (%s), so workspaces would reach the internet whatever this says; set "https-only" (or "unrestricted"), or enable a template whose toolchain needs no network`,
		what, strings.Join(asks, ", "))}, true
}

// violationFields are the pairing's fields that can cause a violation, most
// specific first.
func violationFields(v config.Violation) []string {
	capField := `capabilities."` + v.Capability + `"`
	switch v.Kind {
	case "required", "capability":
		return []string{capField, "base", "toolchain"}
	case "needs":
		needs := `capabilities."` + v.Needs + `"`
		if strings.HasPrefix(v.Needs, "compute_profile.") {
			needs = v.Needs
		}
		return []string{capField, needs, "base"}
	case "os-family":
		return []string{"base", "toolchain"}
	case "os":
		return []string{"os", "base"}
	case "limit", "too-small":
		return []string{v.Capability, "base"}
	case "no-choice":
		return []string{"compute_profile", "base"}
	}
	return []string{"base", "toolchain"}
}

// Describe says what is wrong with a composition in the user's terms,
// naming the toolchain, the base and the capability at fault.
func Describe(c config.Composition, v config.Violation) string {
	tc, base := c.Toolchain.Name, c.Base.Name
	prefix := fmt.Sprintf("%s on %s: capability %s: ", tc, base, v.Capability)
	switch v.Kind {
	case "required":
		return prefix + fmt.Sprintf("the pairing asks for %v but toolchain %s requires %s", v.Requested, tc, values(v.Supported))
	case "capability":
		return prefix + fmt.Sprintf("base %s cannot honour %v (%s); it supports %s", base, v.Requested, origin(c, v.Capability), values(v.Supported))
	case "os-family":
		return prefix + fmt.Sprintf("toolchain %s runs on %v but base %s runs %s", tc, v.Requested, base, values(v.Supported))
	case "os":
		return prefix + fmt.Sprintf("base %s does not run %v; it runs %s", base, v.Requested, values(v.Supported))
	case "needs":
		return prefix + fmt.Sprintf("%v needs %s %s", v.Requested, v.Needs, values(v.Supported))
	case "limit":
		return prefix + fmt.Sprintf("%v is above base %s's limit of %d", v.Requested, base, v.Limit)
	case "too-small":
		return prefix + fmt.Sprintf("%v GiB is below the smallest disk of %d GiB on base %s", v.Requested, v.Limit, base)
	case "no-choice":
		what := map[string]string{
			"instance_types": "instance type (families " + strings.Join(c.Base.InstanceFamilies, ", ") + ")",
			"cpu":            "vCPU choice", "memory_gib": "memory choice",
		}[v.Choice]
		return prefix + fmt.Sprintf("no %s of base %s fits the compute profile %s", what, base, profile(c.ComputeProfile))
	case "image":
		return prefix + fmt.Sprintf("base %s runs container images but toolchain %s has no container_image", base, tc)
	}
	return prefix + fmt.Sprintf("%s: %v", v.Kind, v.Requested)
}

// origin says who asked for a capability's value.
func origin(c config.Composition, capability string) string {
	if _, ok := c.Toolchain.Capabilities.Required[capability]; ok {
		return "required by toolchain " + c.Toolchain.Name
	}
	if _, ok := c.Pairing.Capabilities[capability]; ok {
		return "asked for by the pairing"
	}
	return "the contract's default"
}

func values(vs []any) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = fmt.Sprint(v)
	}
	return strings.Join(s, " or ")
}

func profile(p config.ComputeProfile) string {
	return fmt.Sprintf("{cpu: %d, memory_gib: %d, storage_gib: %d, gpu: %d}", p.CPU, p.MemoryGiB, p.StorageGiB, p.GPU)
}
