// Package plan is the pipeline's derivation step, between load and
// validate: from a loaded environment it computes everything the later
// steps read (the composed templates, each region's capacity figures and
// quotas, its subnet plan) with the packages below it (plan/capacity,
// plan/network, plan/quota, plan/names). validate checks the product and
// derives nothing; model and render read the product and never import
// validate.
package plan

import (
	"fmt"

	"github.com/coder-eks/coder-eks/generator/internal/cidr"
	"github.com/coder-eks/coder-eks/generator/internal/config"
	"github.com/coder-eks/coder-eks/generator/internal/diag"
	"github.com/coder-eks/coder-eks/generator/internal/load"
	"github.com/coder-eks/coder-eks/generator/internal/plan/capacity"
	"github.com/coder-eks/coder-eks/generator/internal/plan/network"
)

// Environment is a loaded environment with what is derived from it.
// The model and render steps read it on other goroutines than the CUE
// session that loaded it (pipeline.Generate), so after Derive and validate
// only its Go values may be read: never the embedded environment's CUE
// values (Value, Pos, FieldPos) nor its Layers.
type Environment struct {
	*load.Environment
	Subnets cidr.Plan
	// SubnetProblems say why the primary region's subnets could not be
	// planned (Subnets is then empty), at the field at fault.
	SubnetProblems diag.List
	Capacity       capacity.Figures
	// Secondaries are the secondary regions of a Multi-Region environment,
	// in the environment's order.
	Secondaries []Region
	// Templates are the enabled pairings composed, in name order.
	Templates []config.Composition
	// TemplateProblems are the pairings that could not be composed (a
	// layer that does not exist, a composition CUE rejects), at the
	// pairing's position.
	TemplateProblems diag.List
}

// Region is a secondary region with what is derived from it.
type Region struct {
	Index int
	// Config is the environment as the region's root module sees it
	// (config.Environment.Secondary).
	Config  config.Environment
	Subnets cidr.Plan
	// SubnetProblems say why the region's subnets could not be planned.
	SubnetProblems diag.List
	Capacity       capacity.Figures
}

// Derive computes what env implies. What env asks for that cannot be
// derived (a pairing of unknown layers, subnets that do not fit the VPC)
// is recorded as a problem at the field at fault, not returned: validate
// reports the problems with its own findings, so one run names every
// mistake. The error is for a failure no field of env explains.
func Derive(env *load.Environment) (*Environment, error) {
	c := &env.Config
	d := &Environment{Environment: env}
	// Templates first: their compute profiles size the workspace nodes.
	d.Templates, d.TemplateProblems = compose(env)
	var err error
	d.Capacity, d.Subnets, d.SubnetProblems, err = region(env, c, "", d.Templates)
	if err != nil {
		return nil, err
	}
	for i := range c.SecondaryRegions {
		r := Region{Index: i, Config: c.Secondary(i)}
		r.Capacity, r.Subnets, r.SubnetProblems, err = region(env, &r.Config, SecondaryField(i, ""), d.Templates)
		if err != nil {
			return nil, err
		}
		d.Secondaries = append(d.Secondaries, r)
	}
	return d, nil
}

// Problems are all that could not be derived, in position order; none
// when the environment derived in full.
func (d *Environment) Problems() diag.List {
	all := append(diag.List(nil), d.TemplateProblems...)
	all = append(all, d.SubnetProblems...)
	for _, r := range d.Secondaries {
		all = append(all, r.SubnetProblems...)
	}
	return all.Sorted()
}

// region computes one region's capacity and plans its subnets for it.
// prefix locates the region's fields in the environment.
func region(env *load.Environment, c *config.Environment, prefix string, templates []config.Composition) (capacity.Figures, cidr.Plan, diag.List, error) {
	fig, err := capacity.Compute(c, env.Catalog, env.Config.AllWorkspaces(), templates)
	if err != nil {
		return capacity.Figures{}, cidr.Plan{}, nil, fmt.Errorf("capacity of %s: %w", env.RelFile(), err)
	}
	subnets, problems := network.Plan(env, c, prefix, capacity.PlannedWorkspaceNodes(fig.Workspace))
	return fig, subnets, problems, nil
}

// SecondaryField is the path of a field of the i-th secondary region
// ("secondary_regions[0].vpc_cidr"); with field "" the prefix of its
// fields.
func SecondaryField(i int, field string) string {
	return fmt.Sprintf("secondary_regions[%d].%s", i, field)
}
