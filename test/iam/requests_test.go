package iam

import (
	"strings"
	"testing"
)

func catalogue(t *testing.T) map[string]Principal {
	t.Helper()
	cat, err := LoadCatalogue(catalogueFile)
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

// allCases is every catalogued (and, for External Secrets, derived)
// request in every rendered environment.
func allCases(t *testing.T, envs []*Env, cat map[string]Principal) []Case {
	t.Helper()
	var cases []Case
	for _, e := range envs {
		for _, m := range e.PrincipalModules() {
			for _, name := range Names(cat) {
				p := cat[name]
				// A principal applies where the module creates its role,
				// or uses its service principal.
				if p.Role != "" && !m.has("aws_iam_role."+p.Role) {
					continue
				}
				if p.Service != "" && !strings.Contains(p.Service, ".") && !m.has("data.aws_service_principal."+p.Service) {
					t.Logf("%s/%s: %s: no data.aws_service_principal.%s here", e.Name, m.Name, p.Name, p.Service)
					continue
				}
				var extra []Request
				if p.Role == "external_secrets" {
					var err error
					if extra, err = ESORequests(e, m); err != nil {
						t.Fatal(err)
					}
				}
				cs, err := Cases(e, m, p, extra)
				if err != nil {
					t.Fatal(err)
				}
				cases = append(cases, cs...)
			}
		}
	}
	return cases
}

// runCases simulates the cases and returns one problem per failing case,
// logging the report line of each.
func runCases(t *testing.T, cases []Case) map[string]string {
	t.Helper()
	var sims []Sim
	var run []Case
	for _, c := range cases {
		if c.Skipped != "" {
			t.Logf("%s: skipped (%s)", c.Name(), c.Skipped)
			continue
		}
		sims = append(sims, Sim{ID: c.Name(), Simulation: c.Sim})
		run = append(run, c)
	}
	_, decisions, err := Evaluate(nil, sims)
	if err != nil {
		t.Fatal(err)
	}
	problems := map[string]string{}
	for i, c := range run {
		d := decisions[i]
		t.Logf("%s → %s by %s", c.Name(), d.Decision, d.Statements())
		if p := c.Check(d); p != "" {
			problems[c.Name()] = p
		}
	}
	return problems
}

// TestEveryCallerIsAllowed simulates every request of the catalogue
// (schema/iam_requests.cue) and External Secrets' requests derived from the
// rendered ExternalSecrets: each allow must be Allowed, each deny denied.
// Run with -v for the report: principal, request, decision, statement.
func TestEveryCallerIsAllowed(t *testing.T) {
	t.Parallel()
	envs := renderedEnvs(t)
	cases := allCases(t, envs, catalogue(t))
	if len(cases) < 50*len(envs) {
		t.Fatalf("only %d requests for %d environments", len(cases), len(envs))
	}
	for name, p := range runCases(t, cases) {
		t.Errorf("%s:\n\t%s", name, p)
	}
}

// TestCatalogueCoversEveryRole: every IAM role the tree renders has a
// catalogue entry, with requests unless AWS managed policies alone grant it.
func TestCatalogueCoversEveryRole(t *testing.T) {
	t.Parallel()
	cat := catalogue(t)
	byRole := map[string]Principal{}
	for _, p := range cat {
		if p.Role != "" {
			byRole[p.Role] = p
		}
	}
	for _, e := range renderedEnvs(t) {
		for _, m := range e.PrincipalModules() {
			for _, role := range Names(m.Resource["aws_iam_role"]) {
				p, ok := byRole[role]
				switch {
				case !ok:
					t.Errorf("%s/%s: aws_iam_role.%s has no entry in %s", e.Name, m.Name, role, catalogueFile)
				case p.ManagedOnly == "" && len(p.Allow) == 0:
					t.Errorf("%s: no requests", p.Name)
				case p.ServiceAccount == nil && p.AssumedBy == nil:
					t.Errorf("%s: neither service_account nor assumed_by: its trust is untested", p.Name)
				}
				if inline, _, _ := m.RolePolicies(e, role); p.ManagedOnly != "" && len(inline) > 0 && len(p.Allow) == 0 {
					t.Errorf("%s/%s: aws_iam_role.%s has inline policies but its catalogue entry no requests", e.Name, m.Name, role)
				}
			}
		}
	}
}
