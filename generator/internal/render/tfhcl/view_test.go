package tfhcl_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/coder-eks/coder-eks/generator/internal/render/tfhcl"
	"github.com/coder-eks/coder-eks/test/hclview"
	"github.com/coder-eks/coder-eks/test/tfvalidate"
)

func TestMain(m *testing.M) { tfvalidate.Main(m) }

const (
	renderedDir = "../../../../rendered"
	schemaDir   = "../../../../test/testdata/provider-schemas"
)

// renderedTree reads the committed rendered/ tree (`go run ./generator
// -check` keeps it current), keyed by slash path.
func renderedTree(t *testing.T) map[string][]byte {
	t.Helper()
	tree := map[string][]byte{}
	err := filepath.WalkDir(renderedDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(renderedDir, p)
		tree[filepath.ToSlash(rel)] = data
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return tree
}

func jsonFiles(tree map[string][]byte) []string {
	var out []string
	for p := range tree {
		if strings.HasSuffix(p, ".tf.json") {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out
}

// TestViewIsTheSameConfiguration decodes every rendered .tf.json and its
// native-syntax view against the provider schemas and compares them.
func TestViewIsTheSameConfiguration(t *testing.T) {
	schemas, err := hclview.LoadSchemas(schemaDir)
	if err != nil {
		t.Fatal(err)
	}
	tree := renderedTree(t)
	view, err := tfhcl.View(tree)
	if err != nil {
		t.Fatal(err)
	}
	files := jsonFiles(tree)
	if len(files) == 0 {
		t.Fatalf("no *.tf.json under %s: run go run ./generator", renderedDir)
	}
	for _, p := range files {
		native, ok := view[tfhcl.FileName(p)]
		if !ok {
			t.Errorf("%s: no native-syntax view", p)
			continue
		}
		diff, err := schemas.Compare(tree[p], native, p, tfhcl.FileName(p))
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		if diff != "" {
			t.Errorf("%s and its native-syntax view differ (-json +native):\n%s", p, diff)
		}
	}
}

// TestViewValidates runs the real `terraform validate` on the
// native-syntax view of every rendered root module and template.
func TestViewValidates(t *testing.T) {
	view, err := tfhcl.View(renderedTree(t))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for p, data := range view {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tfvalidate.EachRootModule(t, dir, func(t *testing.T, h *tfvalidate.Harness, root string) {
		rel, _ := filepath.Rel(dir, root)
		if matches, _ := filepath.Glob(filepath.Join(root, "*.tf.json")); len(matches) > 0 {
			t.Fatalf("%s still holds JSON files %v", rel, matches)
		}
		diags, err := h.Validate(root)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range diags {
			t.Errorf("%s/%s", rel, d)
		}
	})
}
