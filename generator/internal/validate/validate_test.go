package validate

import (
	"errors"
	"testing"

	"github.com/coder-eks/coder-eks/generator/internal/diag"
	"github.com/coder-eks/coder-eks/generator/internal/load"
	"github.com/coder-eks/coder-eks/generator/internal/plan"
)

// TestEnvironment: validate passes a shipped environment and reports what
// the plan step could not derive, at the plan's position, with its own
// findings: a problem recorded by plan.Derive is never dropped.
func TestEnvironment(t *testing.T) {
	prod, err := load.Load("../../..", "prod")
	if err != nil {
		t.Fatal(err)
	}
	derive := func(env *load.Environment) *plan.Environment {
		d, err := plan.Derive(env)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	if err := Environment(derive(prod)); err != nil {
		t.Fatalf("prod: %v", err)
	}
	bad := *prod
	bad.Config.EKSServiceIPv4CIDR = bad.Config.VPCCIDR // subnets cannot be planned
	bad.Config.ProjectName = "abcdefghijklmnopqrstu"   // a name of 33 characters
	d := derive(&bad)
	var got diag.List
	if err := Environment(d); !errors.As(err, &got) {
		t.Fatalf("Environment = %v, want diagnostics", err)
	}
	var planned, named bool
	for _, g := range got {
		planned = planned || g == d.SubnetProblems[0]
		named = named || g.Path == "project_name"
	}
	if !planned {
		t.Errorf("the plan's problem %q is not reported; got:\n%v", d.SubnetProblems[0], got)
	}
	if !named {
		t.Errorf("validate's own finding on project_name is not reported with the plan's problem; got:\n%v", got)
	}
}
