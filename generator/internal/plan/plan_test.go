package plan

import (
	"maps"
	"strings"
	"testing"

	"github.com/coder-eks/coder-eks/generator/internal/load"
)

// loadProd loads the repository's prod environment.
func loadProd(t *testing.T) *load.Environment {
	t.Helper()
	env, err := load.Load("../../..", "prod")
	if err != nil {
		t.Fatal(err)
	}
	return env
}

// TestDerive: a shipped environment derives in full; one that asks for
// what cannot be derived gets its problems recorded at the field at fault
// (for validate to report with its own findings), not an error that
// would hide the other findings of the run.
func TestDerive(t *testing.T) {
	t.Run("prod derives in full", func(t *testing.T) {
		d, err := Derive(loadProd(t))
		if err != nil {
			t.Fatal(err)
		}
		if p := d.Problems(); len(p) > 0 {
			t.Fatalf("problems: %v", p)
		}
		if len(d.Subnets.Subnets) == 0 || len(d.Templates) == 0 || d.Capacity.Workspace.NodesNeeded == 0 {
			t.Errorf("derived %d subnets, %d templates, %d workspace nodes; want all three", len(d.Subnets.Subnets), len(d.Templates), d.Capacity.Workspace.NodesNeeded)
		}
	})
	t.Run("subnets that cannot be planned", func(t *testing.T) {
		env := *loadProd(t)
		env.Config.EKSServiceIPv4CIDR = env.Config.VPCCIDR
		d, err := Derive(&env)
		if err != nil {
			t.Fatalf("Derive returned %v, want the problem recorded", err)
		}
		if len(d.SubnetProblems) != 1 || len(d.Subnets.Subnets) != 0 {
			t.Fatalf("subnet problems %v, %d subnets; want one problem, no subnets", d.SubnetProblems, len(d.Subnets.Subnets))
		}
		if got := d.Problems(); len(got) != 1 || !strings.Contains(got[0].Msg, "overlaps") {
			t.Errorf("Problems() = %v, want the overlap", got)
		}
	})
	t.Run("a pairing of an unknown base", func(t *testing.T) {
		env := *loadProd(t)
		env.Config.TemplatePairings = maps.Clone(env.Config.TemplatePairings)
		var name string
		for n, p := range env.Config.TemplatePairings {
			if p.Enabled {
				name = n
				p.Base = "no-such-base"
				env.Config.TemplatePairings[n] = p
				break
			}
		}
		if name == "" {
			t.Fatal("prod enables no template pairing")
		}
		d, err := Derive(&env)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.TemplateProblems) != 1 || d.TemplateProblems[0].Path != PairingPath(name) {
			t.Fatalf("template problems %v, want one at %s", d.TemplateProblems, PairingPath(name))
		}
		for _, c := range d.Templates {
			if c.Name == name {
				t.Errorf("%s composed with an unknown base", name)
			}
		}
	})
}
