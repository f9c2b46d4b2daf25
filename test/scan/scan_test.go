package scan

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

const ignoreFile = "../../.trivyignore.yaml"

func loadAccepted(t *testing.T) []Accepted {
	t.Helper()
	data, err := os.ReadFile(ignoreFile)
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Misconfigurations []Accepted `json:"misconfigurations"`
	}
	if err := yaml.Unmarshal(data, &f); err != nil {
		t.Fatalf("%s: %v", ignoreFile, err)
	}
	for _, a := range f.Misconfigurations {
		if err := a.Check(); err != nil {
			t.Errorf("%s: %v", ignoreFile, err)
		}
	}
	return f.Misconfigurations
}

// hclView writes the native-syntax view of every environment, as a user
// would: go run ./generator -hcl DIR.
func hclView(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	cmd := exec.Command("go", "run", "./generator", "-hcl", dir)
	cmd.Dir = "../.."
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go run ./generator -hcl: %v\n%s", err, out)
	}
	return dir
}

// unaccepted returns the findings no entry accepts, and marks the entries
// used.
func unaccepted(findings []Finding, accepted []Accepted, used map[int]bool) []string {
	var out []string
	for _, f := range findings {
		ok := false
		for i, a := range accepted {
			if a.Matches(f) {
				ok, used[i] = true, true
			}
		}
		if !ok {
			out = append(out, f.String())
		}
	}
	return out
}

// TestTrivyFindsOnlyAccepted scans the view of every environment: every
// HIGH or CRITICAL finding must be accepted, for its resource, by
// .trivyignore.yaml, and every accepted entry must still match something.
// Then a launch template with IMDSv2 optional must be reported.
func TestTrivyFindsOnlyAccepted(t *testing.T) {
	trivy, err := FindTrivy()
	if err != nil {
		t.Fatal(err)
	}
	accepted := loadAccepted(t)
	view := hclView(t)
	findings, err := Scan(trivy, view)
	if err != nil {
		t.Fatal(err)
	}
	used := map[int]bool{}
	if bad := unaccepted(findings, accepted, used); len(bad) > 0 {
		t.Errorf("Trivy %s reports %d HIGH/CRITICAL findings .trivyignore.yaml does not accept:\n%s", TrivyVersion, len(bad), strings.Join(bad, "\n"))
	}
	for i, a := range accepted {
		if !used[i] {
			t.Errorf(".trivyignore.yaml: %s for %v matches no finding: remove it", a.ID, a.Resources)
		}
	}

	t.Run("IMDSv2 optional is reported", func(t *testing.T) {
		mod := filepath.Join(view, "prod", "terraform", "infra")
		file := filepath.Join(mod, "nodegroups.tf")
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		re := regexp.MustCompile(`http_tokens(\s*)= "required"`)
		if !re.Match(src) {
			t.Fatalf("%s sets no http_tokens = \"required\"", file)
		}
		if err := os.WriteFile(file, re.ReplaceAll(src, []byte(`http_tokens$1= "optional"`)), 0o644); err != nil {
			t.Fatal(err)
		}
		findings, err := Scan(trivy, mod)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range findings {
			f.Target = "prod/terraform/infra/" + f.Target
			if f.ID == "AWS-0130" && strings.HasPrefix(f.Resource, "aws_launch_template.") && len(unaccepted([]Finding{f}, accepted, map[int]bool{})) == 1 {
				return
			}
		}
		t.Fatalf("a launch template with IMDSv2 optional: Trivy reports no unaccepted AWS-0130; findings: %v", findings)
	})
}

func TestAcceptedNeedsResourcesAndReason(t *testing.T) {
	for _, a := range []Accepted{
		{ID: "AWS-0053", Paths: []string{"*/terraform/infra/nlb.tf"}, Statement: "public"},
		{ID: "AWS-0053", Resources: []string{"aws_lb.coder"}, Statement: "public"},
		{ID: "AWS-0053", Paths: []string{"*/terraform/infra/nlb.tf"}, Resources: []string{"aws_lb.coder"}},
	} {
		if err := a.Check(); err == nil {
			t.Errorf("%+v: accepted", a)
		}
	}
	a := Accepted{ID: "AWS-0053", Paths: []string{"*/terraform/infra/nlb.tf"}, Resources: []string{"aws_lb.coder"}, Statement: "public"}
	if !a.Matches(Finding{ID: "AWS-0053", Target: "prod/terraform/infra/nlb.tf", Resource: "aws_lb.coder"}) {
		t.Error("the entry does not match its own finding")
	}
	if a.Matches(Finding{ID: "AWS-0053", Target: "prod/terraform/infra/nlb.tf", Resource: "aws_lb.other"}) {
		t.Error("the entry matches another resource")
	}
}

// TestComplianceControlsConfirmedByTrivy: every Trivy check that
// docs/reference/compliance-controls.md maps a control to (the AVD IDs,
// AWS-NNNN in Trivy v0.74) is evaluated on every environment and fails
// nowhere — the scanner confirms what test/policy enforces, and a mapping
// to a check Trivy does not run (renamed, retired) is noticed.
func TestComplianceControlsConfirmedByTrivy(t *testing.T) {
	trivy, err := FindTrivy()
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile("../../docs/reference/compliance-controls.md")
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, m := range regexp.MustCompile(`AVD-(AWS-\d{4})`).FindAllStringSubmatch(string(doc), -1) {
		ids[m[1]] = true
	}
	if len(ids) == 0 {
		t.Fatal("compliance-controls.md names no Trivy (AVD) check")
	}
	view := hclView(t)
	envs, _ := filepath.Glob(filepath.Join(view, "*"))
	for _, env := range envs {
		pass, fail, err := Results(trivy, env)
		if err != nil {
			t.Fatal(err)
		}
		evaluated := map[string]bool{}
		for _, f := range pass {
			evaluated[f.ID] = true
		}
		for _, f := range fail {
			evaluated[f.ID] = true
			if ids[f.ID] {
				t.Errorf("%s: %s fails Trivy's check for a control test/policy enforces: %s", filepath.Base(env), f.ID, f)
			}
		}
		for id := range ids {
			if !evaluated[id] {
				t.Errorf("%s: Trivy %s does not evaluate %s, which compliance-controls.md maps a control to", filepath.Base(env), TrivyVersion, id)
			}
		}
	}
}
