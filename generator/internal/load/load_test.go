package load

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const root = "../../.."

func TestDiscover(t *testing.T) {
	names, err := Discover(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"prod", "staging"} {
		if !slices.Contains(names, want) {
			t.Errorf("Discover() = %v, lacks %s", names, want)
		}
	}
	if _, err := Discover(t.TempDir()); err == nil || !strings.Contains(err.Error(), "no *.cue file") {
		t.Errorf("Discover(empty) = %v", err)
	}
}

func TestLoad(t *testing.T) {
	env, err := Load(root, "prod")
	if err != nil {
		t.Fatal(err)
	}
	c := env.Config
	// Set in environments/prod.cue, defaulted by the schema, derived by it.
	got := []any{c.Environment, c.Owner, c.VPCCIDR, c.WSNodeMaxSize, c.Partition, c.TerraformStateBucket}
	want := []any{"prod", "platform-engineering", "10.0.0.0/16", 210, "aws", "coder-prod-terraform-state-111122223333"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("config (-want +got):\n%s", diff)
	}
	// max_pods is computed by the schema from ENIs and addresses.
	if mp := env.Catalog.InstanceTypes["m5.2xlarge"].MaxPods; mp != 58 {
		t.Errorf("m5.2xlarge max_pods = %d, want 58", mp)
	}
	if p := env.Pos("owner"); p.File != "environments/prod.cue" {
		t.Errorf("Pos(owner) = %v, want the environment file", p)
	}
	if p := env.Pos("vpc_cidr"); p.File != "schema/environment.cue" {
		t.Errorf("Pos(vpc_cidr) = %v, want the schema (a default)", p)
	}
}

// minimal is an environment file with every required field set.
const minimal = `package environments

import "github.com/coder-eks/coder-eks/schema"

schema.#Environment

owner:                  "platform-engineering"
aws_account_id:         "111122223333"
base_domain:            "example.com"
oidc_issuer_url:        "https://login.example.com"
oidc_client_id:         "coder"
oidc_client_secret_arn: "arn:aws:secretsmanager:us-east-1:111122223333:secret:oidc-AbCdEf"
eks_admin_role_arns: ["arn:aws:iam::111122223333:role/admin"]
flux_git_url:           "ssh://git@github.com/example/coder-eks.git"
`

// tempRoot is a repository root holding the real schema and one
// environment file, test.cue, with the given content.
func tempRoot(t *testing.T, env string) string {
	t.Helper()
	root := t.TempDir()
	for _, dir := range []string{"schema", "cue.mod", "toolchains", "bases"} {
		if err := os.CopyFS(filepath.Join(root, dir), os.DirFS(filepath.Join("..", "..", "..", dir))); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(filepath.Join(root, EnvironmentsDir), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, EnvironmentsDir, "test.cue"), []byte(env), 0o644); err != nil {
		t.Fatal(err)
	}
	return root
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name string
		env  string
		want string
	}{
		{
			"misspelt top-level field",
			minimal + "ws_node_max_sise: 3\n",
			"environments/test.cue:15:1: ws_node_max_sise: unknown field (rule: only the schema's fields are allowed); did you mean ws_node_max_size?",
		},
		{
			"misspelt field inside a map entry",
			minimal + "idp_group_mappings: devs: {coder_grup: \"developers\", roles: [\"member\"]}\n",
			"environments/test.cue:15:28: idp_group_mappings.devs.coder_grup: unknown field (rule: only the schema's fields are allowed); did you mean coder_group?",
		},
		{
			"schema not embedded",
			strings.Replace(minimal, "schema.#Environment\n", "", 1),
			`environments/test.cue:1:1: the file does not embed the schema (rule: every environment file imports "github.com/coder-eks/coder-eks/schema" and has the line schema.#Environment, like environments/prod.cue)`,
		},
		{
			"unknown field and a bad value are both reported",
			minimal + "nlb_sll_policy: \"x\"\neks_cluster_version: \"1.31\"\n",
			"environments/test.cue:15:1: nlb_sll_policy: unknown field (rule: only the schema's fields are allowed); did you mean nlb_ssl_policy?\n" +
				`environments/test.cue:16:22: eks_cluster_version: "1.31" is not one of the allowed values (rule: "1.32" | "1.33" | "1.34" | "1.35"); did you mean "1.32"?`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(tempRoot(t, tt.env), "test")
			if err == nil {
				t.Fatal("Load succeeded")
			}
			if diff := cmp.Diff(tt.want, err.Error()); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}

// TestLoadReplacesStructDefaults: an environment that sets a map field
// gets exactly its entries, not the default's merged in.
func TestLoadReplacesStructDefaults(t *testing.T) {
	env := minimal + `idp_group_mappings: devs: {coder_group: "developers", roles: ["member"]}
provisioner_key_tags: team: "a"
`
	got, err := Load(tempRoot(t, env), "test")
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range got.Config.IDPGroupMappings {
		keys = append(keys, k)
	}
	if diff := cmp.Diff([]string{"devs"}, keys); diff != "" {
		t.Errorf("idp_group_mappings keys (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]string{"team": "a"}, got.Config.ProvisionerKeyTags); diff != "" {
		t.Errorf("provisioner_key_tags (-want +got):\n%s", diff)
	}
}

// TestLoadFileReferringToSchema: a file that uses the schema package for
// more than the embedding still loads.
func TestLoadFileReferringToSchema(t *testing.T) {
	env := strings.Replace(minimal, `owner:                  "platform-engineering"`, `owner: schema.#Name & "platform"`, 1)
	got, err := Load(tempRoot(t, env), "test")
	if err != nil {
		t.Fatal(err)
	}
	if got.Config.Owner != "platform" {
		t.Errorf("owner = %q, want platform", got.Config.Owner)
	}
	bad := strings.Replace(minimal, `owner:                  "platform-engineering"`, `owner: schema.#Name & "Platform"`, 1)
	if _, err := Load(tempRoot(t, bad), "test"); err == nil || !strings.Contains(err.Error(), "owner: ") {
		t.Errorf("Load with an owner the schema type rejects: %v", err)
	}
}

func TestLoadDefaults(t *testing.T) {
	got, err := Load(tempRoot(t, minimal), "test")
	if err != nil {
		t.Fatal(err)
	}
	if got.Config.Environment != "test" || got.Config.ProjectName != "coder" || len(got.Config.IDPGroupMappings) != 3 {
		t.Errorf("defaults not applied: environment %q, project %q, %d group mappings",
			got.Config.Environment, got.Config.ProjectName, len(got.Config.IDPGroupMappings))
	}
}
