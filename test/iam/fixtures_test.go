package iam

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLintCatchesBrokenPolicies proves the lint can fail: each fixture
// under testdata/fixtures is a small rendered tree whose one policy has
// one defect, and want.txt is the problem the lint must report (empty for
// the correct fixture).
func TestLintCatchesBrokenPolicies(t *testing.T) {
	t.Parallel()
	root := filepath.Join("testdata", "fixtures")
	dirs, err := os.ReadDir(root)
	if err != nil || len(dirs) < 5 {
		t.Fatalf("fixtures: %v (%d)", err, len(dirs))
	}
	var envs []*Env
	for _, d := range dirs {
		e, err := LoadEnv(root, d.Name())
		if err != nil {
			t.Fatal(err)
		}
		envs = append(envs, e)
	}
	var lints []Lint
	for _, e := range envs {
		docs, err := e.Modules["infra"].Documents(e)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range docs {
			lints = append(lints, Lint{ID: e.Name + " " + d.Name, Kind: d.Kind, Partition: e.Partition, Account: e.Account, Policy: d.Policy})
		}
	}
	res, _, err := Evaluate(lints, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, r := range res {
		env := strings.Fields(r.ID)[0]
		got[env] = append(got[env], r.Problems...)
	}
	for _, e := range envs {
		want, err := os.ReadFile(filepath.Join(root, e.Name, "want.txt"))
		if err != nil {
			t.Fatal(err)
		}
		w := strings.TrimSpace(string(want))
		g := strings.Join(got[e.Name], "\n")
		if g != w {
			t.Errorf("fixture %s:\n got: %q\nwant: %q", e.Name, g, w)
		}
	}
}

// TestSimulationCatchesOverBroadGrant proves the deny cases can fail: with
// External Secrets' ReadSecrets widened to every secret, reading another
// environment's secret is allowed, and the catalogue's deny fails.
func TestSimulationCatchesOverBroadGrant(t *testing.T) {
	t.Parallel()
	e, err := LoadEnv(renderedRoot, "prod")
	if err != nil {
		t.Fatal(err)
	}
	m := e.Modules["infra"]
	p := catalogue(t)["external_secrets"]
	run := func() map[string]string {
		cases, err := Cases(e, m, p, nil)
		if err != nil {
			t.Fatal(err)
		}
		return runCases(t, cases)
	}
	if problems := run(); len(problems) > 0 {
		t.Fatalf("rendered prod External Secrets already fails: %v", problems)
	}
	for _, st := range blocks(m.Data["aws_iam_policy_document"]["external_secrets"]["statement"]) {
		if st["sid"] == "ReadSecrets" {
			st["resources"] = []any{"*"}
		}
	}
	problems := run()
	const want = "prod/infra external_secrets: secretsmanager:GetSecretValue arn:aws:secretsmanager:us-east-1:111122223333:secret:coder/other-env/db-password-AbCdEf"
	if p, ok := problems[want]; !ok || !strings.HasPrefix(p, "want Denied, got Allowed") {
		t.Errorf("widened ReadSecrets: no failure for %q; problems: %v", want, problems)
	}
}
