package tfvalidate_test

import (
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/coder-eks/coder-eks/test/tfvalidate"
)

func TestMain(m *testing.M) { tfvalidate.Main(m) }

// finding is what the tests compare of a Diagnostic: the detail is Terraform's
// prose, checked only for the words that identify the argument at fault.
type finding struct {
	Filename string
	Line     int
	Summary  string
}

// Each fixture under testdata/valid or testdata/invalid is a root module; the
// broken ones prove that Terraform's own check, not the harness, rejects them.
var validateTests = []struct {
	dir     string
	want    []finding
	detail  string // a substring of the first diagnostic's detail
	wantErr string // a substring of the error, for what stops Terraform before validating
}{
	{dir: "valid/aws-vpc-subnet"},
	{dir: "valid/child-module"},
	{dir: "valid/coder-agent-app"},
	{dir: "valid/kubernetes-coderd-time"},
	{
		// JSON syntax words an unknown argument differently from HCL (below).
		dir:    "invalid/misspelled-attribute",
		want:   []finding{{"main.tf.json", 12, "Extraneous JSON object property"}},
		detail: `No argument or block type is named "cidr_blok". Did you mean "cidr_block"?`,
	},
	{
		dir:    "invalid/misspelled-attribute-hcl",
		want:   []finding{{"main.tf", 10, "Unsupported argument"}},
		detail: `An argument named "cidr_blok" is not expected here. Did you mean "cidr_block"?`,
	},
	{
		dir: "invalid/missing-required-argument",
		// In JSON, Terraform points at the end of the block missing the argument.
		want:   []finding{{"main.tf.json", 13, "Missing required argument"}},
		detail: `The argument "vpc_id" is required`,
	},
	{
		dir:    "invalid/attribute-for-block",
		want:   []finding{{"main.tf.json", 14, "Incorrect JSON value type"}},
		detail: `contents of one or more "metadata" blocks`,
	},
	{
		dir:    "invalid/block-for-attribute-hcl",
		want:   []finding{{"main.tf", 12, "Unsupported block type"}},
		detail: `Did you mean to define argument "tags"?`,
	},
	{
		dir:    "invalid/undeclared-reference",
		want:   []finding{{"main.tf.json", 12, "Reference to undeclared resource"}},
		detail: `A managed resource "aws_vpc" "main" has not been declared`,
	},
	{
		dir:    "invalid/wrong-value-type",
		want:   []finding{{"main.tf.json", 13, "Incorrect attribute value type"}},
		detail: `"enable_dns_hostnames": a bool is required`,
	},
	{
		// Only the schema provider's own check catches this one.
		dir:    "invalid/read-only-attribute",
		want:   []finding{{"main.tf.json", 14, "Value for unconfigurable attribute"}},
		detail: `"metadata.0.uid"`,
	},
	{
		dir:    "invalid/unknown-resource-type",
		want:   []finding{{"main.tf.json", 10, "Invalid resource type"}},
		detail: `does not support resource type "aws_vpcc"`,
	},
	{
		dir:    "invalid/nested-attribute-missing-required",
		want:   []finding{{"main.tf.json", 13, "Incorrect attribute value type"}},
		detail: `attribute "directory" is required`,
	},
	{
		dir:    "invalid/child-module-error",
		want:   []finding{{"../../modules/broken/main.tf.json", 5, "Extraneous JSON object property"}},
		detail: `"cidr_blok"`,
	},
	{
		// A provider the harness does not serve: Terraform would need init.
		dir:    "invalid/unserved-provider",
		want:   []finding{{"", 0, "Missing required provider"}},
		detail: `/hashicorp/external, but that provider isn't available`, // registry.terraform.io or registry.opentofu.org
	},
	{
		// `terraform get` has no JSON output: its failure is an error.
		dir:     "invalid/missing-child-module",
		wantErr: "Unreadable module directory",
	},
}

func TestValidate(t *testing.T) {
	h := tfvalidate.Setup(t)
	for _, tt := range validateTests {
		t.Run(tt.dir, func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join("testdata", tt.dir)
			before := snapshot(t, "testdata")
			diags, err := h.Validate(dir)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Validate(%s) = %v, %v; want error containing %q", dir, format(diags), err, tt.wantErr)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			var got []finding
			for _, d := range diags {
				got = append(got, finding{d.Filename, d.Line, d.Summary})
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Validate(%s) diagnostics (-want +got):\n%s\nall:\n%s", dir, diff, format(diags))
			}
			if len(diags) > 0 && !strings.Contains(diags[0].Detail, tt.detail) {
				t.Errorf("Validate(%s) detail %q does not contain %q", dir, diags[0].Detail, tt.detail)
			}
			if diff := cmp.Diff(before, snapshot(t, "testdata")); diff != "" {
				t.Errorf("Validate(%s) changed testdata (-before +after):\n%s", dir, diff)
			}
		})
	}
}

// TestFixturesCovered keeps the table and testdata in step: a fixture without
// an entry would never be validated.
func TestFixturesCovered(t *testing.T) {
	roots, err := tfvalidate.RootModules("testdata")
	if err != nil {
		t.Fatal(err)
	}
	var got, want []string
	for _, r := range roots {
		rel, err := filepath.Rel("testdata", r)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, filepath.ToSlash(rel))
	}
	for _, tt := range validateTests {
		want = append(want, tt.dir)
	}
	slices.Sort(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("RootModules(testdata) vs validateTests (-table +testdata):\n%s", diff)
	}
}

func TestRootModules(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{
		"prod/terraform/infra/main.tf.json",
		"prod/terraform/infra/variables.tf.json",
		"prod/terraform/coderd/main.tf",
		"prod/terraform/modules/vpc/main.tf.json",     // child module
		"prod/terraform/infra/modules/x/main.tf.json", // child module, however deep
		"prod/templates/pod-swdev/main.tf.json",
		"prod/templates/pod-swdev/scripts/start.sh", // no Terraform files
		"prod/templates/pod-swdev/a/main.tf.json",   // walked between the parent's files
		"prod/templates/pod-swdev/z.tf",
		"prod/terraform/infra/.terraform/modules/m.tf", // Terraform's data directory
		"prod/README.md",
		"prod/terraform/infra/terraform.tfvars.json", // not configuration
	} {
		path := filepath.Join(dir, f)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte("{}"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := tfvalidate.RootModules(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		filepath.Join(dir, "prod/templates/pod-swdev"),
		filepath.Join(dir, "prod/templates/pod-swdev/a"),
		filepath.Join(dir, "prod/terraform/coderd"),
		filepath.Join(dir, "prod/terraform/infra"),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("RootModules (-want +got):\n%s", diff)
	}
}

func TestFindTerraform(t *testing.T) {
	t.Run("TF_BINARY wins", func(t *testing.T) {
		bin := t.TempDir()
		fake := filepath.Join(bin, "my-terraform")
		if err := os.WriteFile(fake, []byte("#!/bin/sh\n"), 0o755); err != nil {
			t.Fatal(err)
		}
		t.Setenv("TF_BINARY", fake)
		got, err := tfvalidate.FindTerraform()
		if err != nil || got != fake {
			t.Errorf("FindTerraform() = %q, %v; want %q", got, err, fake)
		}
	})
	t.Run("tofu when no terraform", func(t *testing.T) {
		bin := t.TempDir()
		tofu := filepath.Join(bin, "tofu")
		if err := os.WriteFile(tofu, []byte("#!/bin/sh\n"), 0o755); err != nil {
			t.Fatal(err)
		}
		t.Setenv("TF_BINARY", "")
		t.Setenv("PATH", bin)
		got, err := tfvalidate.FindTerraform()
		if err != nil || got != tofu {
			t.Errorf("FindTerraform() = %q, %v; want %q", got, err, tofu)
		}
	})
	// With neither on PATH the harness uses the OpenTofu it builds into
	// the cache (tofu_internal_test.go covers the build); a cached one
	// here, so that the test builds nothing.
	t.Run("neither: OpenTofu from the cache", func(t *testing.T) {
		cache := t.TempDir()
		tofu := filepath.Join(cache, "opentofu", tfvalidate.OpenTofuVersion, "tofu")
		if err := os.MkdirAll(filepath.Dir(tofu), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(tofu, []byte("#!/bin/sh\n"), 0o755); err != nil {
			t.Fatal(err)
		}
		t.Setenv("CODER_EKS_CACHE", cache)
		t.Setenv("TF_BINARY", "")
		t.Setenv("PATH", t.TempDir())
		got, err := tfvalidate.FindTerraform()
		if err != nil || got != tofu {
			t.Errorf("FindTerraform() = %q, %v; want the cached %q", got, err, tofu)
		}
	})
}

// TestTerraformVersion records which binary the other tests ran against.
func TestTerraformVersion(t *testing.T) {
	h := tfvalidate.Setup(t)
	cmd := exec.Command(h.Terraform(), "version", "-json")
	// No update check over the network, no warning about a missing CLI config.
	cmd.Env = append(os.Environ(), "CHECKPOINT_DISABLE=1", "TF_CLI_CONFIG_FILE="+os.DevNull)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s version: %v\n%s", h.Terraform(), err, out)
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &v); err != nil || v.Version == "" {
		t.Fatalf("%s version -json: %v\n%s", h.Terraform(), err, out)
	}
	t.Logf("%s %s; providers: %v", h.Terraform(), v.Version, h.Providers())
}

func format(diags []tfvalidate.Diagnostic) string {
	var b strings.Builder
	for _, d := range diags {
		b.WriteString(d.String())
		b.WriteString("\n")
	}
	return b.String()
}

// snapshot lists every file and directory under dir with its size, to show
// that validating wrote nothing into the source tree.
func snapshot(t *testing.T, dir string) map[string]int64 {
	t.Helper()
	files := map[string]int64{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		files[path] = info.Size()
		if d.IsDir() {
			files[path] = -1
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}
