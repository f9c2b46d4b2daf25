package pipeline

import "github.com/coder-eks/coder-eks/generator/internal/render/tfjson"

// UnusedDeclarations parses a Terraform JSON module with hcl/v2 and lists
// the locals, data sources and variables nothing live reads, as
// "file: reference" (tfjson.Unused), for tests over the rendered tree.
func UnusedDeclarations(files map[string][]byte) ([]string, error) {
	return tfjson.Unused(files)
}
