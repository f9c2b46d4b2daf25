package pipeline

import (
	"fmt"

	"cuelang.org/go/cue/cuecontext"

	"github.com/coder-eks/coder-eks/generator/internal/load"
	"github.com/coder-eks/coder-eks/generator/internal/render/docs"
)

// RenderDocs renders the reference pages generated from the schema
// (docs/configuration/variables.md, ...), keyed by path relative to the
// repository root, not to rendered/: they document the schema, not an
// environment.
func RenderDocs(root string) (FileSet, error) {
	schema, err := load.LoadSchema(cuecontext.New(), root)
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
