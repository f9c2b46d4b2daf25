// Package homes checks that a workspace's home survives infrastructure
// changes: for every rendered template it runs the real `terraform test`
// with mock providers over an existing workspace (state from a first mock
// apply), then changes the workspace subnets (one added, one removed) and
// re-points the EBS key alias, applying each time, and asserts that every
// resource holding the home keeps its ID: a replaced or destroyed home
// volume or PVC fails.
package homes

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/coder-eks/coder-eks/generator/pipeline"
	"github.com/coder-eks/coder-eks/test/tfvalidate"
)

func TestMain(m *testing.M) { tfvalidate.Main(m) }

const (
	root        = "../.."
	renderedDir = root + "/rendered"
)

// workspaceIDs are the workspaces each template is tried with: a home must
// survive whichever subnet or AZ a workspace was placed in, so several.
var workspaceIDs = []string{
	"0b5f3c2e-6a4d-4f0e-9c1b-2d7e8f9a0b1c",
	"5c9d2e71-3b8a-4c6f-a0d1-e2f3a4b5c6d7",
}

// The infrastructure before and after: three workspace subnets in three
// AZs; then one removed and one added; then the EBS key alias re-pointed.
var (
	subnetsBefore = []string{"subnet-0aaa", "subnet-0bbb", "subnet-0ccc"}
	subnetsAfter  = []string{"subnet-0aaa", "subnet-0ccc", "subnet-0ddd"}
	keyBefore     = "arn:aws:kms:us-east-1:111122223333:key/11111111-1111-1111-1111-111111111111"
	keyAfter      = "arn:aws:kms:us-east-1:111122223333:key/22222222-2222-2222-2222-222222222222"
)

func TestHomeSurvivesInfrastructureChanges(t *testing.T) {
	loadForceNew(t)
	mains, err := filepath.Glob(filepath.Join(renderedDir, "*", "templates", "*", "main.tf.json"))
	// Each terraform test run starts every provider anew (the aws schema is
	// large), so two environments: a commercial and the GovCloud one.
	mains = slices.DeleteFunc(mains, func(p string) bool {
		env := strings.Split(filepath.ToSlash(p), "/")[3]
		return env != "prod" && env != "pubsec"
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(mains) == 0 {
		t.Fatalf("no templates under %s: render them first (go run ./generator)", renderedDir)
	}
	for _, main := range mains {
		rel, _ := filepath.Rel(renderedDir, filepath.Dir(main))
		t.Run(filepath.ToSlash(rel), func(t *testing.T) {
			t.Parallel()
			src, err := os.ReadFile(main)
			if err != nil {
				t.Fatal(err)
			}
			tpl, err := parse(src)
			if err != nil {
				t.Fatal(err)
			}
			holders := tpl.homeHolders()
			if len(holders) == 0 {
				if tpl.persistentHome() {
					t.Fatal("persistent-home is on but no resource holds the home")
				}
				return
			}
			dir := t.TempDir()
			files := map[string]string{
				"main.tf.json":     string(src),
				"homes_outputs.tf": outputs(holders),
			}
			for i, id := range workspaceIDs {
				files[fmt.Sprintf("tests/ws%d.tftest.hcl", i)] = tpl.testFile(id, holders)
			}
			if err := os.MkdirAll(filepath.Join(dir, "tests"), 0o755); err != nil {
				t.Fatal(err)
			}
			for name, body := range files {
				p := filepath.Join(dir, name)
				if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if keep := os.Getenv("HOMES_KEEP"); keep != "" {
				// Debugging: leave the scratch module for a manual `terraform test`.
				t.Logf("scratch module: %s", dir)
				if err := os.CopyFS(filepath.Join(keep, strings.ReplaceAll(rel, "/", "_")), os.DirFS(dir)); err != nil {
					t.Fatal(err)
				}
				return
			}
			h := tfvalidate.Setup(t)
			stdout, stderr, err := h.Command(dir, "test", "-no-color")
			if err != nil {
				t.Fatalf("terraform test: %v\nhome holders: %s\n%s%s", err, strings.Join(holders, ", "), stdout, stderr)
			}
			if !strings.Contains(string(stdout), fmt.Sprintf("%d passed, 0 failed", 3*len(workspaceIDs))) {
				t.Fatalf("terraform test ran fewer runs than written:\n%s%s", stdout, stderr)
			}
		})
	}
}

type template struct {
	Locals   map[string]any                       `json:"locals"`
	Data     map[string]map[string]map[string]any `json:"data"`
	Resource map[string]map[string]map[string]any `json:"resource"`
}

func parse(src []byte) (*template, error) {
	var t template
	if err := json.Unmarshal(src, &t); err != nil {
		return nil, err
	}
	return &t, nil
}

func (t *template) persistentHome() bool {
	caps, _ := t.Locals["capabilities"].(map[string]any)
	on, _ := caps["persistent-home"].(bool)
	return on
}

// homeHolders are the addresses of the resources whose loss loses the
// home: every EBS volume and PersistentVolumeClaim the template manages,
// and, where the home has no volume of its own, an instance whose root
// volume is deleted with it.
func (t *template) homeHolders() []string {
	var out []string
	for _, typ := range []string{"aws_ebs_volume", "kubernetes_persistent_volume_claim_v1"} {
		for name := range t.Resource[typ] {
			out = append(out, typ+"."+name)
		}
	}
	if len(out) == 0 && t.persistentHome() {
		for name := range t.Resource["aws_instance"] {
			out = append(out, "aws_instance."+name)
		}
	}
	sort.Strings(out)
	return out
}

// forceNew are, for each resource type that can hold a home, the
// attributes whose change makes the provider replace the resource, as
// Terraform expressions (nested blocks indexed: root_block_device[0].kms_key_id).
// Mock providers do not know them (they update everything in place), so
// the test compares these values across runs as well as the IDs. They come
// from schema/replacement.cue, the one catalogue of what forces
// replacement (its sources are there, and test/replacement checks every
// path against the provider schemas), so this test and -diff's
// replacement marks cannot disagree. Paths naming a nested block or a set
// compare as "" (tostring fails), as do unset ones (null): the block's
// parent ID covers them.
var forceNew map[string][]string

// loadForceNew reads forceNew from schema.replacement for the types that
// can hold a home.
func loadForceNew(t *testing.T) {
	rules, err := pipeline.ReplacementRules(root)
	if err != nil {
		t.Fatal(err)
	}
	forceNew = map[string][]string{}
	for _, typ := range holderTypes {
		rule, ok := rules[typ]
		if !ok || len(rule.ForceNew) == 0 {
			t.Fatalf("schema/replacement.cue has no force_new for %s", typ)
		}
		for _, path := range rule.ForceNew {
			forceNew[typ] = append(forceNew[typ], strings.ReplaceAll(path, ".", "[0]."))
		}
	}
}

// holderTypes are the resource types that can hold a home.
var holderTypes = []string{"aws_instance", "aws_ebs_volume", "kubernetes_persistent_volume_claim_v1"}

func outputs(holders []string) string {
	var b strings.Builder
	b.WriteString("output \"home_ids\" {\n  value = {\n")
	for _, a := range holders {
		fmt.Fprintf(&b, "    %q = %s.id\n", a, a)
	}
	b.WriteString("  }\n}\n\noutput \"home_force_new\" {\n  value = {\n")
	for _, a := range holders {
		typ, _, _ := strings.Cut(a, ".")
		for _, attr := range forceNew[typ] {
			fmt.Fprintf(&b, "    %q = try(coalesce(tostring(%s.%s)), \"\")\n", a+"."+attr, a, attr)
		}
	}
	b.WriteString("  }\n}\n")
	return b.String()
}

// testFile is one workspace's tftest file: a first apply creates the
// workspace, then each infrastructure change is applied on its state.
func (t *template) testFile(workspaceID string, holders []string) string {
	var b strings.Builder
	b.WriteString(t.mocks(workspaceID))
	b.WriteString("run \"existing\" {\n  command = apply\n}\n\n")
	assert := func(change string) string {
		var s strings.Builder
		for _, a := range holders {
			fmt.Fprintf(&s, "  assert {\n    condition     = output.home_ids[%q] == run.existing.home_ids[%q]\n    error_message = %q\n  }\n",
				a, a, a+" was replaced after "+change+": the workspace's home is lost")
			typ, _, _ := strings.Cut(a, ".")
			for _, attr := range forceNew[typ] {
				k := a + "." + attr
				fmt.Fprintf(&s, "  assert {\n    condition     = output.home_force_new[%q] == run.existing.home_force_new[%q]\n    error_message = \"%s changed (${run.existing.home_force_new[%q]} -> ${output.home_force_new[%q]}) after %s: the provider replaces %s and the workspace's home is lost\"\n  }\n",
					k, k, k, k, k, change, a)
			}
		}
		return s.String()
	}
	fmt.Fprintf(&b, "run \"subnets_changed\" {\n  command = apply\n%s%s}\n\n", t.subnetOverride(subnetsAfter), assert("one workspace subnet was removed and one added"))
	fmt.Fprintf(&b, "run \"ebs_key_changed\" {\n  command = apply\n%s%s%s}\n", t.subnetOverride(subnetsAfter), t.keyOverride(keyAfter), assert("the EBS key alias was re-pointed"))
	return b.String()
}

func (t *template) hasData(typ, name string) bool { _, ok := t.Data[typ][name]; return ok }

func (t *template) subnetOverride(ids []string) string {
	if !t.hasData("aws_subnets", "workspace") {
		return ""
	}
	return fmt.Sprintf("  override_data {\n    target = data.aws_subnets.workspace\n    values = { ids = %s }\n  }\n", hclList(ids))
}

func (t *template) keyOverride(arn string) string {
	if !t.hasData("aws_kms_alias", "ebs") {
		return ""
	}
	return fmt.Sprintf("  override_data {\n    target = data.aws_kms_alias.ebs\n    values = { target_key_arn = %q, arn = %q }\n  }\n", arn, arn)
}

// mocks are the providers, faked, with the data a real workspace would
// read: its ID and owner, each parameter's default, the subnets and key
// before the change.
func (t *template) mocks(workspaceID string) string {
	var b strings.Builder
	b.WriteString("mock_provider \"coder\" {\n")
	fmt.Fprintf(&b, "  override_data {\n    target = data.coder_workspace.me\n    values = { id = %q, name = \"dev\", transition = \"start\", start_count = 1, access_url = \"https://coder.example.com\" }\n  }\n", workspaceID)
	b.WriteString("  override_data {\n    target = data.coder_workspace_owner.me\n    values = { id = \"owner-1\", name = \"alice\", full_name = \"Alice\", email = \"alice@example.com\" }\n  }\n")
	for _, name := range slices.Sorted(maps.Keys(t.Data["coder_parameter"])) {
		p := t.Data["coder_parameter"][name]
		def := fmt.Sprint(p["default"])
		fmt.Fprintf(&b, "  override_data {\n    target = data.coder_parameter.%s\n    values = { value = %q }\n  }\n", name, def)
	}
	b.WriteString("}\n\n")
	for _, p := range []string{"kubernetes", "cloudinit", "random"} {
		fmt.Fprintf(&b, "mock_provider %q {}\n\n", p)
	}
	b.WriteString("mock_provider \"aws\" {\n")
	if t.hasData("aws_subnets", "workspace") {
		fmt.Fprintf(&b, "  override_data {\n    target = data.aws_subnets.workspace\n    values = { ids = %s }\n  }\n", hclList(subnetsBefore))
	}
	if t.hasData("aws_kms_alias", "ebs") {
		fmt.Fprintf(&b, "  override_data {\n    target = data.aws_kms_alias.ebs\n    values = { target_key_arn = %q, arn = %q }\n  }\n", keyBefore, keyBefore)
	}
	if t.hasData("aws_ami", "workspace") {
		b.WriteString("  override_data {\n    target = data.aws_ami.workspace\n    values = { id = \"ami-0123456789abcdef0\", root_device_name = \"/dev/sda1\", block_device_mappings = [{ device_name = \"/dev/sda1\", ebs = { volume_size = \"8\" }, no_device = \"\", virtual_name = \"\" }] }\n  }\n")
	}
	if t.hasData("aws_subnet", "placement") {
		b.WriteString("  override_data {\n    target = data.aws_subnet.placement\n    values = { availability_zone = \"us-east-1a\" }\n  }\n")
	}
	b.WriteString("}\n\n")
	return b.String()
}

func hclList(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = strconv.Quote(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}
