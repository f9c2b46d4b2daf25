// Package validate is the pipeline's third step: checks that need more
// than CUE's per-field constraints (address planning, capacity, time
// zones, template pairings), done in Go and reported with the position of
// the field at fault. It checks what the plan step derived
// (plan.Environment) and derives nothing itself: the model step reads the
// plan step's product, never this package.
package validate

import (
	"fmt"

	"github.com/coder-eks/coder-eks/generator/internal/cidr"
	"github.com/coder-eks/coder-eks/generator/internal/config"
	"github.com/coder-eks/coder-eks/generator/internal/diag"
	"github.com/coder-eks/coder-eks/generator/internal/load"
	"github.com/coder-eks/coder-eks/generator/internal/plan"
	"github.com/coder-eks/coder-eks/generator/internal/plan/capacity"
	"github.com/coder-eks/coder-eks/generator/internal/plan/network"
)

// Environment runs every check of a derived environment and returns all
// failures at once, with what could not be derived (env.Problems); nil
// when the environment may be modelled.
func Environment(env *plan.Environment) error {
	errs := env.Problems()
	errs = append(errs, checkTemplates(env)...)
	errs = append(errs, checkRegion(env.Environment, &env.Config, "", env.Capacity, env.Subnets, env.SubnetProblems)...)
	for _, r := range env.Secondaries {
		errs = append(errs, checkRegion(env.Environment, &r.Config, SecondaryField(r.Index, ""), r.Capacity, r.Subnets, r.SubnetProblems)...)
	}
	errs = append(errs, checkRegions(env.Environment)...)
	errs = append(errs, checkSecretARNs(env.Environment)...)
	errs = append(errs, checkTimeZone(env.Environment)...)
	errs = append(errs, checkUpgrades(env.Environment)...)
	errs = append(errs, checkNameLengths(env.Environment)...)
	errs = append(errs, checkNodeGPUs(env.Environment)...)
	if len(errs) > 0 {
		return errs.Sorted()
	}
	return nil
}

// checkRegion checks one region's capacity figures and, when its subnets
// could be planned, that they hold the workspace nodes. prefix locates the
// region's fields in the environment.
func checkRegion(env *load.Environment, c *config.Environment, prefix string, fig capacity.Figures, subnets cidr.Plan, unplanned diag.List) diag.List {
	findings := capacity.Check(fig, c, env.Catalog)
	if len(unplanned) == 0 {
		findings = append(findings, capacity.CheckSubnets(capacity.WorkspaceSubnets(fig, subnets, network.TierWorkspace, env.Catalog))...)
	}
	var errs diag.List
	for _, f := range findings {
		errs = append(errs, finding(env, prefix+f.Field, f.Msg))
	}
	return errs
}

// SecondaryField is plan.SecondaryField: the path of a field of the i-th
// secondary region.
func SecondaryField(i int, field string) string { return plan.SecondaryField(i, field) }

// finding is a diagnostic at a field; when the environment file does not
// set the field, the message says the default is what falls short.
func finding(env *load.Environment, field, msg string) diag.Diagnostic {
	pos := env.Pos(field)
	if pos.File != env.RelFile() {
		msg += fmt.Sprintf(" (%s does not set %s: this is its default)", env.RelFile(), field)
	}
	return diag.Diagnostic{Pos: pos, Path: field, Msg: msg}
}
