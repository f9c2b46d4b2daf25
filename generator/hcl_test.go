package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/coder-eks/coder-eks/generator/internal/write"
)

// TestHCLView: -hcl writes the native-syntax view of the Terraform
// modules of the selected environments, only there, byte-identical on a
// second run, and leaves rendered/ alone.
func TestHCLView(t *testing.T) {
	r := newTestRepo(t)
	if code, _, stderr := r.run(); code != exitOK {
		t.Fatalf("initial render: exit %d\n%s", code, stderr)
	}
	before := r.rendered()
	dir := filepath.Join(t.TempDir(), "view")
	if code, _, stderr := r.run("-hcl", dir, "-env", "prod"); code != exitOK {
		t.Fatalf("-hcl: exit %d\n%s", code, stderr)
	}
	view, err := write.Read(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"prod/terraform/infra/eks.tf", "prod/terraform/coderd/templates.tf", "prod/templates/pod-swdev/main.tf"} {
		if _, ok := view[want]; !ok {
			t.Errorf("-hcl wrote no %s", want)
		}
	}
	for p := range view {
		if strings.HasSuffix(p, ".json") || strings.HasSuffix(p, ".yaml") || !strings.HasPrefix(p, "prod/") {
			t.Errorf("-hcl wrote %s: want only the prod modules' .tf files and their scripts", p)
		}
	}
	if !strings.Contains(string(view["prod/terraform/infra/eks.tf"]), "  encryption_config {\n") {
		t.Errorf("eks.tf does not write encryption_config as a block:\n%s", view["prod/terraform/infra/eks.tf"])
	}
	if code, _, stderr := r.run("-hcl", dir, "-env", "prod"); code != exitOK {
		t.Fatalf("second -hcl: exit %d\n%s", code, stderr)
	}
	again, err := write.Read(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if changes := write.Compare(view, again); len(changes) > 0 {
		t.Errorf("second -hcl run differs: %v", changes)
	}
	if changes := write.Compare(before, r.rendered()); len(changes) > 0 {
		t.Errorf("-hcl changed rendered/: %v", changes)
	}
	if _, err := os.Stat(filepath.Join(r.root, "rendered", "prod", "terraform", "infra", "eks.tf")); err == nil {
		t.Error("-hcl wrote into rendered/")
	}
}

func TestHCLExclusive(t *testing.T) {
	for _, args := range [][]string{{"-hcl", "x", "-check"}, {"-hcl", "x", "-diff"}, {"-hcl", "x", "-out", "y"}} {
		code, _, stderr := runCLI(args...)
		if code != exitError || !strings.Contains(stderr, "-hcl is exclusive") {
			t.Errorf("%v: exit %d, %q; want exit 2 saying -hcl is exclusive", args, code, stderr)
		}
	}
}
