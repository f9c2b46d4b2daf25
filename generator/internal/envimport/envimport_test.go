package envimport

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cuelang.org/go/cue/cuecontext"
	"github.com/google/go-cmp/cmp"

	"github.com/coder-eks/coder-eks/generator/internal/load"
	"github.com/coder-eks/coder-eks/generator/internal/tfvars"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// repoSchema is the repository's schema package.
func repoSchema(t *testing.T) load.Schema {
	t.Helper()
	s, err := load.LoadSchema(cuecontext.New(), filepath.Join("..", "..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func parse(t *testing.T, file string, src string) []tfvars.Variable {
	t.Helper()
	vars, err := tfvars.Parse(file, []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return vars
}

// TestImportSeedTfvars imports a tfvars file setting every variable of
// the seed's configuration reference and compares the environment file
// with testdata/seed-all.cue.
func TestImportSeedTfvars(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "seed-all.tfvars"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Import(repoSchema(t), parse(t, "seed-all.tfvars", string(src)), Options{Name: "prod", Source: "seed-all.tfvars"})
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "seed-all.cue")
	if *update {
		if err := os.WriteFile(golden, res.File, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), string(res.File)); diff != "" {
		t.Errorf("environment file (-want +got):\n%s", diff)
	}
	var missing []string
	for _, f := range res.Missing {
		missing = append(missing, f.Name)
	}
	if diff := cmp.Diff([]string{"aws_account_id", "eks_admin_role_arns", "flux_git_url"}, missing); diff != "" {
		t.Errorf("missing required fields (-want +got):\n%s", diff)
	}
	if got := len(res.Set) + len(res.Defaulted); got != 62 {
		t.Errorf("%d variables imported (set or defaulted), want the seed's 62 less environment", got)
	}
}

// TestImportIsDeterministic: the same input gives the same bytes.
func TestImportIsDeterministic(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "seed-all.tfvars"))
	if err != nil {
		t.Fatal(err)
	}
	schema := repoSchema(t)
	first, err := Import(schema, parse(t, "seed-all.tfvars", string(src)), Options{Name: "prod", Source: "seed-all.tfvars"})
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		again, err := Import(schema, parse(t, "seed-all.tfvars", string(src)), Options{Name: "prod", Source: "seed-all.tfvars"})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(string(first.File), string(again.File)); diff != "" {
			t.Fatalf("second import differs:\n%s", diff)
		}
	}
}

// TestImportDefaultsDependOnOtherValues: a value equal to the default the
// schema computes from other values (availability_zones from aws_region)
// is left out; one equal to the default for another region is kept.
func TestImportDefaultsDependOnOtherValues(t *testing.T) {
	tests := []struct {
		name    string
		src     string
		wantSet []string
	}{
		{"zones follow the region", `aws_region = "eu-west-1"
availability_zones = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
backup_region = "eu-central-1"
`, []string{"aws_region", "backup_region"}},
		{"zones of the default region in another region", `aws_region = "eu-west-1"
availability_zones = ["us-east-1a", "us-east-1b", "us-east-1c"]
backup_region = "eu-central-1"
`, []string{"aws_region", "availability_zones", "backup_region"}},
		{"bucket named after the project", `project_name = "dev"
aws_account_id = "111122223333"
terraform_state_bucket = "dev-prod-terraform-state-111122223333"
`, []string{"project_name", "aws_account_id"}},
		{"derived partition", `aws_partition = "aws"
`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Import(repoSchema(t), parse(t, "x.tfvars", tt.src), Options{Name: "prod", Source: "x.tfvars"})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.wantSet, res.Set); diff != "" {
				t.Errorf("fields written (-want +got):\n%s", diff)
			}
		})
	}
}

func TestImportErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		opts Options
		want string
	}{
		{
			"unknown variable",
			"owner = \"x\"\nws_node_max_sise = 3\n",
			Options{Name: "prod"},
			"x.tfvars:2:1: ws_node_max_sise: unknown variable (rule: only fields of schema.#Environment are imported; -allow-unknown skips such variables); did you mean ws_node_max_size?",
		},
		{
			"plaintext admin token",
			"coder_admin_token = \"abcd-1234\"\n",
			Options{Name: "prod"},
			"x.tfvars:1:1: coder_admin_token: a plaintext admin token is not imported (rule: no secret values in the repository): remove it from the file and export CODER_SESSION_TOKEN where the coderd provider runs; revoke the token if the file was ever shared",
		},
		{
			"the seed's Kubernetes version",
			"eks_cluster_version = \"1.31\"\n",
			Options{Name: "prod"},
			`x.tfvars:1:1: eks_cluster_version: "1.31" is not one of the allowed values (rule: "1.32" | "1.33" | "1.34" | "1.35"); did you mean "1.32"?`,
		},
		{
			"value out of range",
			"max_workspaces = 20000\n",
			Options{Name: "prod"},
			"x.tfvars:1:1: max_workspaces: 20000 is out of range (rule: <=10000)",
		},
		{
			"wrong type",
			"enable_stun = \"yes\"\n",
			Options{Name: "prod"},
			`x.tfvars:1:1: enable_stun: "yes" is a string, the field takes a bool (rule: type bool)`,
		},
		{
			"another environment's file",
			"environment = \"staging\"\n",
			Options{Name: "prod"},
			`x.tfvars:1:1: environment: the file sets environment "staging" but the import is for "prod" (rule: an environment's name is its file name; pass -env staging)`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Import(repoSchema(t), parse(t, "x.tfvars", tt.src), tt.opts)
			if err == nil {
				t.Fatal("Import succeeded")
			}
			if diff := cmp.Diff(tt.want, err.Error()); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}

func TestImportAllowUnknown(t *testing.T) {
	res, err := Import(repoSchema(t), parse(t, "x.tfvars", "owner = \"x\"\nlegacy_flag = true\n"), Options{Name: "prod", Source: "x.tfvars", AllowUnknown: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0].String(), "legacy_flag: unknown variable (rule: only fields of schema.#Environment are imported; skipped)") {
		t.Errorf("warnings = %v, want one for legacy_flag", res.Warnings)
	}
	if strings.Contains(string(res.File), "legacy_flag") {
		t.Error("the skipped variable is in the environment file")
	}
}
