package iam

import (
	"path/filepath"
	"strings"
	"testing"
)

// renderedRoot is the committed tree.
const renderedRoot = "../../rendered"

func renderedEnvs(t *testing.T) []*Env {
	t.Helper()
	dirs, err := filepath.Glob(filepath.Join(renderedRoot, "*", "terraform"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no rendered environments under %s (%v)", renderedRoot, err)
	}
	var envs []*Env
	for _, d := range dirs {
		e, err := LoadEnv(renderedRoot, filepath.Base(filepath.Dir(d)))
		if err != nil {
			t.Fatal(err)
		}
		envs = append(envs, e)
	}
	return envs
}

// lintDocs lints every document of the given environments.
func lintDocs(t *testing.T, envs []*Env) map[string][]string {
	t.Helper()
	var lints []Lint
	for _, e := range envs {
		for _, mn := range Names(e.Modules) {
			docs, err := e.Modules[mn].Documents(e)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range docs {
				lints = append(lints, Lint{ID: d.ID(), Kind: d.Kind, Partition: e.Partition, Account: e.Account, Policy: d.Policy})
			}
		}
	}
	res, _, err := Evaluate(lints, nil)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, r := range res {
		out[r.ID] = r.Problems
	}
	if len(out) < 10*len(envs) {
		t.Fatalf("linted %d documents for %d environments: the loader missed some", len(out), len(envs))
	}
	return out
}

// TestEveryPolicyIsReal: every action, condition key and ARN of every IAM
// policy document in the rendered tree exists in the Service Authorization
// Reference, in the environment's partition and account.
func TestEveryPolicyIsReal(t *testing.T) {
	t.Parallel()
	for id, problems := range lintDocs(t, renderedEnvs(t)) {
		if len(problems) > 0 {
			t.Errorf("%s:\n\t%s", id, strings.Join(problems, "\n\t"))
		}
	}
}
