package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/cuecontext"
	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2/hclwrite"
	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/coder-eks/coder-eks/generator/internal/load"
	"github.com/coder-eks/coder-eks/generator/internal/schemainfo"
	"github.com/coder-eks/coder-eks/generator/pipeline"
)

// TestImportRoundTrip writes every field of environments/prod.cue, as
// evaluated, into a tfvars file, imports it in place of prod.cue and
// renders: the output must be byte-identical to rendering prod.cue.
func TestImportRoundTrip(t *testing.T) {
	root := scratchRepo(t)
	tfvarsFile := filepath.Join(t.TempDir(), "prod.tfvars")
	if err := os.WriteFile(tfvarsFile, tfvarsOf(t, "..", "prod"), 0o644); err != nil {
		t.Fatal(err)
	}
	remove(t, filepath.Join(root, "environments", "prod.cue"))
	code, out, errs := runCLI("import-tfvars", tfvarsFile, "-root", root)
	if code != exitOK {
		t.Fatalf("import-tfvars: exit %d\n%s%s", code, out, errs)
	}
	want, err := pipeline.Render("..", "prod")
	if err != nil {
		t.Fatal(err)
	}
	got, err := pipeline.Render(root, "prod")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rendering the imported prod (-hand-written +imported):\n%s", diff)
	}
	if code, out, errs := runCLI("-root", root, "-check"); code != exitOK {
		t.Errorf("-check with the imported prod: exit %d\n%s%s", code, out, errs)
	}
}

// tfvarsOf writes every field of an evaluated environment as a tfvars
// file, in the schema's order, as the seed's Terraform would take it.
func tfvarsOf(t *testing.T, root, name string) []byte {
	t.Helper()
	env, err := load.Load(root, name)
	if err != nil {
		t.Fatal(err)
	}
	schema, err := load.LoadSchema(cuecontext.New(), root)
	if err != nil {
		t.Fatal(err)
	}
	fields, _ := schemainfo.Of(schema.Files, schema.Value, "#Environment")
	f := hclwrite.NewEmptyFile()
	for _, field := range fields {
		data, err := json.Marshal(env.Value.LookupPath(cue.MakePath(cue.Str(field.Name))))
		if err != nil {
			t.Fatal(err)
		}
		ty, err := ctyjson.ImpliedType(data)
		if err != nil {
			t.Fatal(err)
		}
		v, err := ctyjson.Unmarshal(data, ty)
		if err != nil {
			t.Fatal(err)
		}
		f.Body().SetAttributeValue(field.Name, v)
	}
	return f.Bytes()
}

func TestImportCLI(t *testing.T) {
	tests := []struct {
		name      string
		tfvars    string
		args      []string
		wantCode  int
		wantOut   string // in stdout or stderr
		wantWrite bool
	}{
		{
			name:     "unknown variable writes nothing",
			tfvars:   "environment = \"dev\"\nowner = \"x\"\nenable_vpn = true\n",
			wantCode: exitError,
			wantOut:  "enable_vpn: unknown variable",
		},
		{
			name:      "unknown variable allowed",
			tfvars:    "environment = \"dev\"\nowner = \"x\"\nenable_vpn = true\n",
			args:      []string{"-allow-unknown"},
			wantCode:  exitOK,
			wantOut:   "warning: ",
			wantWrite: true,
		},
		{
			name:     "no environment name",
			tfvars:   "owner = \"x\"\n",
			wantCode: exitError,
			wantOut:  "does not set environment: pass -env NAME",
		},
		{
			name:      "name from -env, flags after the file",
			tfvars:    "owner = \"x\"\n",
			args:      []string{"-env", "dev"},
			wantCode:  exitOK,
			wantOut:   "before rendering, set the required field(s) x.tfvars does not have: aws_account_id",
			wantWrite: true,
		},
		{
			name:     "existing environment not overwritten",
			tfvars:   "owner = \"x\"\n",
			args:     []string{"-env", "staging"},
			wantCode: exitError,
			wantOut:  "staging.cue exists: pass -force to overwrite it",
		},
		{
			// The seed's own shape: IdP group to one Coder role.
			name:      "seed idp_group_mappings translated",
			tfvars:    "environment = \"dev\"\nowner = \"x\"\nidp_group_mappings = { \"coder-admins\" = \"admin\", \"Developers\" = \"member\" }\n",
			wantCode:  exitOK,
			wantOut:   "wrote ",
			wantWrite: true,
		},
		{
			name:     "seed idp_group_mappings with an unknown role",
			tfvars:   "environment = \"dev\"\nowner = \"x\"\nidp_group_mappings = { \"ops\" = \"superuser\" }\n",
			wantCode: exitError,
			wantOut:  `idp_group_mappings["ops"]: role "superuser" is not a Coder role (rule: one of owner (seed: admin), template-admin, user-admin, auditor, member)`,
		},
		{
			name:     "plaintext token refused",
			tfvars:   "environment = \"dev\"\ncoder_admin_token = \"secret\"\n",
			wantCode: exitError,
			wantOut:  "coder_admin_token: a plaintext admin token is not imported",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := scratchRepo(t)
			file := filepath.Join(t.TempDir(), "x.tfvars")
			if err := os.WriteFile(file, []byte(tt.tfvars), 0o644); err != nil {
				t.Fatal(err)
			}
			code, out, errs := runCLI(append([]string{"import-tfvars", file, "-root", root}, tt.args...)...)
			if code != tt.wantCode || !strings.Contains(out+errs, tt.wantOut) {
				t.Fatalf("exit %d, want %d with %q\nstdout:\n%s\nstderr:\n%s", code, tt.wantCode, tt.wantOut, out, errs)
			}
			_, err := os.Stat(filepath.Join(root, "environments", "dev.cue"))
			if written := err == nil; written != tt.wantWrite {
				t.Errorf("environments/dev.cue written: %v, want %v", written, tt.wantWrite)
			}
		})
	}
}
