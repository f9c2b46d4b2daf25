// Package validate is the pipeline's second step: checks that need more
// than CUE's per-field constraints (address planning, time zones), done in
// Go and reported with the position of the field at fault. What it
// computes on the way (the subnet plan) is handed on to the model step so
// nothing is computed twice.
package validate

import (
	"github.com/coder-eks/coder-eks/generator/internal/cidr"
	"github.com/coder-eks/coder-eks/generator/internal/diag"
	"github.com/coder-eks/coder-eks/generator/internal/load"
)

// Checked is an environment that passed every check, with the figures the
// checks derived.
type Checked struct {
	*load.Environment
	Subnets cidr.Plan
}

// Environment runs every check and returns all failures at once.
func Environment(env *load.Environment) (*Checked, error) {
	var errs diag.List
	plan, err := planSubnets(env)
	if err != nil {
		errs = append(errs, err...)
	}
	errs = append(errs, checkTimeZone(env)...)
	errs = append(errs, checkNameLengths(env)...)
	if len(errs) > 0 {
		return nil, errs.Sorted()
	}
	return &Checked{Environment: env, Subnets: plan}, nil
}
