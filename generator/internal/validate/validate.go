// Package validate is the pipeline's second step: checks that need more
// than CUE's per-field constraints (address planning, capacity, time
// zones, template pairings), done in Go and reported with the position of
// the field at fault. The figures it checks are derived by the plan
// packages (plan/capacity, plan/network); validate hands them on, with the
// composed templates, to the model step so nothing is computed twice.
package validate

import (
	"fmt"

	"github.com/coder-eks/coder-eks/generator/internal/cidr"
	"github.com/coder-eks/coder-eks/generator/internal/config"
	"github.com/coder-eks/coder-eks/generator/internal/diag"
	"github.com/coder-eks/coder-eks/generator/internal/load"
	"github.com/coder-eks/coder-eks/generator/internal/plan/capacity"
	"github.com/coder-eks/coder-eks/generator/internal/plan/network"
)

// Checked is an environment that passed every check, with the figures the
// checks derived.
type Checked struct {
	*load.Environment
	Subnets  cidr.Plan
	Capacity capacity.Figures
	// Secondaries are the secondary regions of a Multi-Region environment,
	// in the environment's order.
	Secondaries []Region
	// Templates are the enabled pairings composed, in name order.
	Templates []config.Composition
}

// Region is a checked secondary region.
type Region struct {
	Index int
	// Config is the environment as the region's root module sees it
	// (config.Environment.Secondary).
	Config   config.Environment
	Subnets  cidr.Plan
	Capacity capacity.Figures
}

// Environment runs every check and returns all failures at once.
func Environment(env *load.Environment) (*Checked, error) {
	c := &env.Config
	checked := &Checked{Environment: env}
	// Templates first: their compute profiles size the workspace nodes.
	templates, errs := checkTemplates(env)
	var err error
	var perrs diag.List
	checked.Capacity, checked.Subnets, perrs, err = checkRegion(env, c, "", templates)
	errs = append(errs, perrs...)
	if err != nil {
		return nil, err
	}
	for i := range c.SecondaryRegions {
		r := Region{Index: i, Config: c.Secondary(i)}
		var rerrs diag.List
		r.Capacity, r.Subnets, rerrs, err = checkRegion(env, &r.Config, SecondaryField(i, ""), templates)
		if err != nil {
			return nil, err
		}
		errs = append(errs, rerrs...)
		checked.Secondaries = append(checked.Secondaries, r)
	}
	errs = append(errs, checkRegions(env)...)
	errs = append(errs, checkSecretARNs(env)...)
	errs = append(errs, checkTimeZone(env)...)
	errs = append(errs, checkUpgrades(env)...)
	errs = append(errs, checkNameLengths(env)...)
	errs = append(errs, checkNodeGPUs(env)...)
	if len(errs) > 0 {
		return nil, errs.Sorted()
	}
	checked.Templates = templates
	return checked, nil
}

// checkRegion computes one region's capacity, plans its subnets for it
// and checks both. prefix locates the region's fields in the environment.
func checkRegion(env *load.Environment, c *config.Environment, prefix string, templates []config.Composition) (capacity.Figures, cidr.Plan, diag.List, error) {
	fig, err := capacity.Compute(c, env.Catalog, env.Config.AllWorkspaces(), templates)
	if err != nil {
		return capacity.Figures{}, cidr.Plan{}, nil, fmt.Errorf("capacity of %s: %w", env.RelFile(), err)
	}
	plan, errs := network.Plan(env, c, prefix, capacity.PlannedWorkspaceNodes(fig.Workspace))
	findings := capacity.Check(fig, c, env.Catalog)
	if len(errs) == 0 {
		findings = append(findings, capacity.CheckSubnets(capacity.WorkspaceSubnets(fig, plan, network.TierWorkspace, env.Catalog))...)
	}
	for _, f := range findings {
		errs = append(errs, finding(env, prefix+f.Field, f.Msg))
	}
	return fig, plan, errs, nil
}

// SecondaryField is the path of a field of the i-th secondary region
// ("secondary_regions[0].vpc_cidr"); with field "" the prefix of its
// fields.
func SecondaryField(i int, field string) string {
	return fmt.Sprintf("secondary_regions[%d].%s", i, field)
}

// finding is a diagnostic at a field; when the environment file does not
// set the field, the message says the default is what falls short.
func finding(env *load.Environment, field, msg string) diag.Diagnostic {
	pos := env.Pos(field)
	if pos.File != env.RelFile() {
		msg += fmt.Sprintf(" (%s does not set %s: this is its default)", env.RelFile(), field)
	}
	return diag.Diagnostic{Pos: pos, Path: field, Msg: msg}
}
