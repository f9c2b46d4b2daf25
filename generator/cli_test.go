package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/coder-eks/coder-eks/generator/pipeline"
)

// TestAllErrorsReported checks one run reports every broken field of every
// environment, not just the first.
func TestAllErrorsReported(t *testing.T) {
	r := newTestRepo(t)
	prod := r.readEnv("prod")
	next := strings.Count(prod, "\n") + 1
	r.writeEnv("prod", prod+"max_workspaces_per_user: 500\nmax_workspaces: 0\n")
	r.writeEnv("staging", r.readEnv("staging")+"vpc_cidrr: \"x\"\n")
	code, _, stderr := r.run()
	if code != exitError {
		t.Fatalf("exit %d, want %d", code, exitError)
	}
	for _, want := range []string{
		fmt.Sprintf("prod.cue:%d:26: max_workspaces_per_user", next), fmt.Sprintf("prod.cue:%d:17: max_workspaces", next+1),
		"staging.cue:", "vpc_cidrr: unknown field",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
}

// TestCommittedTreeIsCurrent is the golden test of rendered/: the
// committed tree must be exactly what the generator renders now.
func TestCommittedTreeIsCurrent(t *testing.T) {
	var out, errb strings.Builder
	if code := run([]string{"-root", repoRoot, "-check"}, &out, &errb); code != exitOK {
		t.Fatalf("-check exit %d: rendered/ is stale; run `go run ./generator` and commit\n%s%s", code, out.String(), errb.String())
	}
}

// TestRenderIsDeterministic renders twice with different parallelism and
// compares every byte.
func TestRenderIsDeterministic(t *testing.T) {
	r := newTestRepo(t)
	outs := map[int]string{}
	for _, procs := range []int{1, 4} {
		prev := runtime.GOMAXPROCS(procs)
		dir := filepath.Join(r.root, fmt.Sprintf("out-%d", procs))
		code, _, stderr := r.run("-out", dir)
		runtime.GOMAXPROCS(prev)
		if code != exitOK {
			t.Fatalf("GOMAXPROCS=%d: exit %d\n%s", procs, code, stderr)
		}
		outs[procs] = dir
	}
	a, b := readTree(t, outs[1]), readTree(t, outs[4])
	if diff := cmp.Diff(a, b); diff != "" {
		t.Fatalf("renders differ (-GOMAXPROCS=1 +GOMAXPROCS=4):\n%s", diff)
	}
}

// TestCheck covers -check's exit codes and report: 0 when current, 1 with
// the stale, missing and extra files named when not.
func TestCheck(t *testing.T) {
	r := newTestRepo(t)
	if code, _, stderr := r.run(); code != exitOK {
		t.Fatalf("render: exit %d\n%s", code, stderr)
	}
	if code, stdout, _ := r.run("-check"); code != exitOK {
		t.Fatalf("-check on a fresh render: exit %d\n%s", code, stdout)
	}
	dir := filepath.Join(r.root, "rendered")
	mustWrite(t, filepath.Join(dir, "prod/terraform/infra/extra.tf.json"), "{}\n")
	must(t, os.Remove(filepath.Join(dir, "staging/terraform/infra/kms.tf.json")))
	mustWrite(t, filepath.Join(dir, "prod/terraform/infra/vpc.tf.json"), "{}\n")
	code, stdout, _ := r.run("-check")
	if code != exitDiff {
		t.Fatalf("-check: exit %d, want %d\n%s", code, exitDiff, stdout)
	}
	for _, want := range []string{
		"extra: prod/terraform/infra/extra.tf.json",
		"missing: staging/terraform/infra/kms.tf.json",
		"stale: prod/terraform/infra/vpc.tf.json",
		"3 file(s) differ",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("-check output lacks %q:\n%s", want, stdout)
		}
	}
	// A render repairs all three.
	if code, _, stderr := r.run(); code != exitOK {
		t.Fatalf("render: exit %d\n%s", code, stderr)
	}
	if code, stdout, _ := r.run("-check"); code != exitOK {
		t.Fatalf("-check after render: exit %d\n%s", code, stdout)
	}
}

// TestEnvFlag renders one environment and leaves the others' files alone,
// including a file the generator would delete in a full run.
func TestEnvFlag(t *testing.T) {
	r := newTestRepo(t)
	if code, _, stderr := r.run(); code != exitOK {
		t.Fatalf("render: exit %d\n%s", code, stderr)
	}
	dir := filepath.Join(r.root, "rendered")
	keep := filepath.Join(dir, "staging/terraform/infra/hand-edit.tf.json")
	stale := filepath.Join(dir, "prod/terraform/infra/stale.tf.json")
	mustWrite(t, keep, "{}\n")
	mustWrite(t, stale, "{}\n")
	if code, _, stderr := r.run("-env", "prod"); code != exitOK {
		t.Fatalf("-env prod: exit %d\n%s", code, stderr)
	}
	if _, err := os.Stat(keep); err != nil {
		t.Errorf("-env prod touched staging: %v", err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("-env prod kept a stale file in prod: %v", err)
	}
	// A full run deletes stale files everywhere, and removed environments.
	must(t, os.Remove(filepath.Join(r.root, "environments/staging.cue")))
	if code, _, stderr := r.run(); code != exitOK {
		t.Fatalf("render: exit %d\n%s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "staging")); !os.IsNotExist(err) {
		t.Errorf("rendered/staging survived its environment's removal: %v", err)
	}
	if code, _, stderr := r.run("-env", "nope"); code != exitError || !strings.Contains(stderr, "no environment file environments/nope.cue") {
		t.Errorf("-env nope: exit %d\n%s", code, stderr)
	}
}

// TestOutFlag writes somewhere else and leaves rendered/ alone.
func TestOutFlag(t *testing.T) {
	r := newTestRepo(t)
	out := filepath.Join(r.root, "elsewhere")
	if code, _, stderr := r.run("-out", out); code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(out, "prod/terraform/infra/versions.tf.json")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(r.root, "rendered")); !os.IsNotExist(err) {
		t.Fatalf("-out still wrote rendered/: %v", err)
	}
}

// lineOf is the 1-based line of the first line of s starting with prefix.
func lineOf(s, prefix string) int {
	for i, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, prefix) {
			return i + 1
		}
	}
	return 0
}

func readTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[rel] = string(b)
		return err
	})
	must(t, err)
	return out
}

func mustWrite(t *testing.T, path, content string) {
	t.Helper()
	must(t, os.MkdirAll(filepath.Dir(path), 0o755))
	must(t, os.WriteFile(path, []byte(content), 0o644))
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestEnvironmentCount: the collector setting follows the environments a
// command line renders; what does not parse counts as a large run.
func TestEnvironmentCount(t *testing.T) {
	shipped, err := pipeline.Environments(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want int
	}{
		{[]string{"-root", repoRoot}, len(shipped)},
		{[]string{"-root", repoRoot, "-check", "-env", "prod", "-env", "staging"}, 2},
		{[]string{"import-tfvars", "x.tfvars"}, smallRun + 1},
		{[]string{"-root", t.TempDir()}, smallRun + 1},
	} {
		if got := environmentCount(tc.args); got != tc.want {
			t.Errorf("environmentCount(%q) = %d, want %d", tc.args, got, tc.want)
		}
	}
}
