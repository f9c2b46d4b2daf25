package tfplan_test

import (
	"strings"
	"testing"

	"github.com/coder-eks/coder-eks/test/tfplan"
	"github.com/coder-eks/coder-eks/test/tfvalidate"
)

// renderedDir is the generator's committed output, relative to this package.
const renderedDir = "../../rendered"

// TestRenderedTerraformPlans plans, then applies, every rendered root module
// and template with `terraform test` and mocked providers (see test/tfplan):
// count, for_each, functions, check blocks and outputs are evaluated against
// values, which validate never does. A for_each keyed by an apply-time value,
// an index into an empty list or a failing check block fails here with
// Terraform's own message.
func TestRenderedTerraformPlans(t *testing.T) {
	tfvalidate.EachRootModule(t, renderedDir, func(t *testing.T, h *tfvalidate.Harness, root string) {
		result := tfplan.Run(t, h, root, true)
		if result.Failed() {
			t.Fatalf("terraform test %s: runs %v\n%s", root, result.Runs, strings.Join(tfplan.Lines(result, root), "\n"))
		}
	})
}
