package test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/coder-eks/coder-eks/test/tfvalidate"
)

func TestMain(m *testing.M) { tfvalidate.Main(m) }

// renderedDir is the generator's committed output, relative to this package.
const renderedDir = "../rendered"

// TestRenderedTerraformValidates runs `terraform validate` on every rendered
// root module against the real provider schemas (see tfvalidate).
func TestRenderedTerraformValidates(t *testing.T) {
	tfvalidate.EachRootModule(t, renderedDir, func(t *testing.T, h *tfvalidate.Harness, root string) {
		diags, err := h.Validate(root)
		if err != nil {
			t.Fatal(err)
		}
		if len(diags) == 0 {
			return
		}
		var lines []string
		for _, d := range diags {
			if d.Filename != "" {
				d.Filename = filepath.Join(root, d.Filename)
			}
			lines = append(lines, d.String())
		}
		t.Fatalf("terraform validate %s: %d errors:\n%s", root, len(diags), strings.Join(lines, "\n"))
	})
}
