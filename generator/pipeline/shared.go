package pipeline

import (
	"fmt"
	"sort"

	"github.com/coder-eks/coder-eks/generator/internal/diag"
	"github.com/coder-eks/coder-eks/generator/internal/plan"
	"github.com/coder-eks/coder-eks/generator/internal/plan/names"
)

// claim is something only one environment may have: a Terraform state
// object (two environments writing one state overwrite each other's) or
// a Coder access URL (two deployments answering one name).
type claim struct {
	what, value string
	diag        diag.Diagnostic // where the environment sets it
}

// claims lists what an environment holds alone, each at the field that
// sets it.
func claims(env *plan.Environment) []claim {
	c := &env.Config
	state := func(bucket, key, region, prefix string) claim {
		return claim{"Terraform state", fmt.Sprintf("s3://%s/%s (%s)", bucket, key, region),
			at(env, prefix+"terraform_state_bucket", prefix+"terraform_state_key", "terraform_state_bucket", "environment")}
	}
	out := []claim{
		state(c.TerraformStateBucket, c.TerraformStateKey, c.TerraformStateRegion, ""),
		{"Coder access URL", names.For(c).Access.URL, at(env, "coder_subdomain", "base_domain")},
	}
	for i, s := range env.Secondaries {
		out = append(out, state(s.Config.TerraformStateBucket, s.Config.TerraformStateKey, s.Config.TerraformStateRegion, plan.SecondaryField(i, "")))
	}
	return out
}

// at is the first of the fields the environment file sets (the line the
// user wrote), else the file's first line naming the first field.
func at(env *plan.Environment, fields ...string) diag.Diagnostic {
	for _, f := range fields {
		if p := env.Pos(f); p.File == env.RelFile() && p.Line > 1 {
			return diag.Diagnostic{Pos: p, Path: f}
		}
	}
	return diag.Diagnostic{Pos: diag.Position{File: env.RelFile(), Line: 1, Col: 1}, Path: fields[0]}
}

// checkShared reports every claim two of the rendered environments make,
// at each environment's line.
func checkShared(byEnv map[string][]claim) error {
	envs := make([]string, 0, len(byEnv))
	for e := range byEnv {
		envs = append(envs, e)
	}
	sort.Strings(envs)
	first := map[string]claim{}
	firstEnv := map[string]string{}
	var errs diag.List
	for _, e := range envs {
		for _, c := range byEnv[e] {
			k := c.what + "\x00" + c.value
			f, dup := first[k]
			if !dup {
				first[k], firstEnv[k] = c, e
				continue
			}
			d := c.diag
			d.Msg = fmt.Sprintf("%s %s is also environment %s's (%s, %s); every environment needs its own (rule: no two environments share a state object or an access URL)",
				c.what, c.value, firstEnv[k], f.diag.Pos, f.diag.Path)
			errs = append(errs, d)
		}
	}
	if len(errs) > 0 {
		return errs.Sorted()
	}
	return nil
}
