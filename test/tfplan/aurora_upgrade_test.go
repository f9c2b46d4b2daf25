package tfplan_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/coder-eks/coder-eks/test/tfplan"
	"github.com/coder-eks/coder-eks/test/tfvalidate"
)

// TestAuroraMajorUpgradePlans: no committed environment opts in to an
// Aurora major-version upgrade, so rendered/ never shows Terraform the
// attributes the opt-in adds. prod is rendered here with the opt-in (a
// copy of the repository, the generator run on it), and its infra module
// must validate and plan.
func TestAuroraMajorUpgradePlans(t *testing.T) {
	root := t.TempDir()
	for _, dir := range []string{"cue.mod", "schema", "environments", "bases", "toolchains", "rendered/prod", "docs"} {
		if err := os.CopyFS(filepath.Join(root, dir), os.DirFS(filepath.Join("..", "..", dir))); err != nil {
			t.Fatal(err)
		}
	}
	env := filepath.Join(root, "environments", "prod.cue")
	f, err := os.OpenFile(env, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.WriteString("aurora_engine_version: \"17.4\"\naurora_major_version_upgrade: {to: 17, snapshot_identifier: \"coder-prod-pre-pg17\"}\n")
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	gen := exec.Command("go", "run", "./generator", "-root", root, "-env", "prod")
	gen.Dir = filepath.Join("..", "..")
	if out, err := gen.CombinedOutput(); err != nil {
		t.Fatalf("go run ./generator -env prod with the opt-in: %v\n%s", err, out)
	}
	infra := filepath.Join(root, "rendered", "prod", "terraform", "infra")
	aurora, err := os.ReadFile(filepath.Join(infra, "aurora.tf.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(aurora), `"allow_major_version_upgrade": true`) {
		t.Fatalf("the rendered cluster has no allow_major_version_upgrade: the opt-in did not render\n%s", aurora)
	}
	h := tfvalidate.Setup(t)
	diags, err := h.Validate(infra)
	if err != nil {
		t.Fatal(err)
	}
	if len(diags) > 0 {
		t.Fatalf("terraform validate: %v", diags)
	}
	result := tfplan.Run(t, h, infra, false)
	if result.Failed() {
		t.Fatalf("terraform test: runs %v\n%s", result.Runs, strings.Join(tfplan.Lines(result, infra), "\n"))
	}
}
