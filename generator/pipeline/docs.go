package pipeline

import (
	"fmt"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/cuecontext"

	"github.com/coder-eks/coder-eks/generator/internal/config"
	"github.com/coder-eks/coder-eks/generator/internal/load"
	"github.com/coder-eks/coder-eks/generator/internal/render/docs"
)

// RenderDocs renders the reference pages generated from the schema
// (docs/configuration/variables.md, ...), keyed by path relative to the
// repository root, not to rendered/: they document the schema, not an
// environment.
func RenderDocs(root string) (FileSet, error) { return renderDocs(load.NewSession(root)) }

// renderDocs renders the reference pages from the schema as session s
// evaluated it.
func renderDocs(s *load.Session) (FileSet, error) {
	schema, err := s.Schema()
	if err != nil {
		return nil, err
	}
	pages, err := docs.Render(docs.Input{Files: schema.Files, Schema: schema.Value, SetByGenerator: load.SetByGenerator})
	if err != nil {
		return nil, fmt.Errorf("render docs: %w", err)
	}
	return FileSet(pages), nil
}

// DocPaths lists the paths RenderDocs may write, generated or not yet:
// -check compares exactly these.
func DocPaths() []string {
	out := make([]string, len(docs.Pages))
	for i, p := range docs.Pages {
		out[i] = p.Path
	}
	return out
}

// ReplacementRules reads schema.replacement: per Terraform resource type,
// the attributes that force a new resource and what a replacement loses
// (what -diff marks and -deny-replace refuses).
func ReplacementRules(root string) (map[string]config.Replacement, error) {
	schema, err := load.LoadSchema(cuecontext.New(), root)
	if err != nil {
		return nil, err
	}
	var rules map[string]config.Replacement
	if err := schema.Value.LookupPath(cue.ParsePath("replacement")).Decode(&rules); err != nil {
		return nil, fmt.Errorf("decode schema replacement table: %w", err)
	}
	return rules, nil
}
