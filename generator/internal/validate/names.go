package validate

import (
	"fmt"

	"github.com/coder-eks/coder-eks/generator/internal/diag"
	"github.com/coder-eks/coder-eks/generator/internal/load"
	"github.com/coder-eks/coder-eks/generator/internal/plan/names"
)

// AWS name limits the derived names must fit.
const (
	elbNameMax     = 32 // load balancers and target groups
	iamRoleNameMax = 64
)

// checkNameLengths proves every name derived from project_name and the
// environment fits AWS's limits; the schema bounds each part, not the sum.
func checkNameLengths(env *load.Environment) diag.List {
	errs := nameLengths(env, names.For(&env.Config))
	for i := range env.Config.SecondaryRegions {
		view := env.Config.Secondary(i)
		errs = append(errs, nameLengths(env, names.For(&view))...)
	}
	return errs
}

func nameLengths(env *load.Environment, n names.Names) diag.List {
	type limit struct {
		name string
		max  int
	}
	limits := []limit{{n.Network.NLB, elbNameMax}, {n.Network.CoderdTargetGroup, elbNameMax}, {n.Network.STUNTargetGroup, elbNameMax}}
	for _, role := range n.IAM.Roles() {
		limits = append(limits, limit{role, iamRoleNameMax})
	}
	var errs diag.List
	for _, l := range limits {
		if len(l.name) > l.max {
			errs = append(errs, diag.Diagnostic{
				Pos:  env.Pos("project_name"),
				Path: "project_name",
				Msg:  fmt.Sprintf("derived name %q is %d characters, AWS allows %d: shorten project_name or the environment's file name", l.name, len(l.name), l.max),
			})
		}
	}
	return errs
}
