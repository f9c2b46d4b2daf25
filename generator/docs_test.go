package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// scratchRepo is newTestRepo's copy of the inputs plus the committed
// output (rendered/, docs/), for tests that compare against it.
func scratchRepo(t *testing.T) string {
	t.Helper()
	r := newTestRepo(t)
	for _, dir := range []string{"rendered", "docs"} {
		copyDir(t, filepath.Join(repoRoot, dir), filepath.Join(r.root, dir))
	}
	return r.root
}

// runCLI runs the generator's command line and returns the exit code and
// what it printed.
func runCLI(args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := run(args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// TestCheckCoversDocs: a schema change that is not regenerated fails
// -check on the reference page; regenerating fixes it.
func TestCheckCoversDocs(t *testing.T) {
	root := scratchRepo(t)
	if code, out, errs := runCLI("-root", root, "-check"); code != exitOK {
		t.Fatalf("-check on a copy of the repository: exit %d\n%s%s", code, out, errs)
	}
	schema := filepath.Join(root, "schema", "environment.cue")
	src, err := os.ReadFile(schema)
	if err != nil {
		t.Fatal(err)
	}
	changed := strings.Replace(string(src), "// Subdomain for Coder.", "// Subdomain for Coder's access URL.", 1)
	if changed == string(src) {
		t.Fatal("the doc comment to change is not in schema/environment.cue")
	}
	if err := os.WriteFile(schema, []byte(changed), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, _ := runCLI("-root", root, "-check")
	if code != exitDiff || !strings.Contains(out, "stale: docs/configuration/variables.md") {
		t.Fatalf("-check after a schema change: exit %d, want %d naming docs/configuration/variables.md\n%s", code, exitDiff, out)
	}
	if code, out, errs := runCLI("-root", root); code != exitOK {
		t.Fatalf("render: exit %d\n%s%s", code, out, errs)
	}
	page, err := os.ReadFile(filepath.Join(root, "docs", "configuration", "variables.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(page), "Subdomain for Coder's access URL.") {
		t.Error("variables.md does not carry the new doc comment")
	}
	if code, out, errs := runCLI("-root", root, "-check"); code != exitOK {
		t.Fatalf("-check after regenerating: exit %d\n%s%s", code, out, errs)
	}
}

// TestOutSkipsDocs: a scratch render with -out neither writes nor checks
// docs/.
func TestOutSkipsDocs(t *testing.T) {
	root := scratchRepo(t)
	if err := os.RemoveAll(filepath.Join(root, "docs")); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "out")
	if code, stdout, errs := runCLI("-root", root, "-out", out); code != exitOK {
		t.Fatalf("render -out: exit %d\n%s%s", code, stdout, errs)
	}
	if _, err := os.Stat(filepath.Join(root, "docs")); !os.IsNotExist(err) {
		t.Errorf("render -out wrote docs/ (stat: %v)", err)
	}
	if code, stdout, errs := runCLI("-root", root, "-out", out, "-check"); code != exitOK {
		t.Fatalf("-check -out: exit %d\n%s%s", code, stdout, errs)
	}
}
