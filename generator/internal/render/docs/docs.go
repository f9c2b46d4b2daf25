// Package docs renders the reference pages under docs/ from the CUE schema,
// so that they cannot drift from it: one Markdown table per section of a
// definition, with each field's type, default, constraint, doc comment and
// the patterns that set it. The generator writes them on every run and
// -check compares them like rendered/.
package docs

import (
	"fmt"
	"path/filepath"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"

	"github.com/coder-eks/coder-eks/generator/internal/schemainfo"
)

// Page is one generated reference page: the fields of one definition of
// the schema package.
type Page struct {
	Path  string // repository-relative output path
	Def   string // the definition's label, e.g. "#Environment"
	Title string
	Intro string
	Noun  string // heading of the first column: "Variable", "Capability"
	// custom renders a page whose definition is not a plain struct.
	custom func(Input, Page) ([]byte, error)
}

// Pages are the reference pages the generator keeps current. A new
// definition to document is one more entry here.
var Pages = []Page{
	{
		Path:  "docs/configuration/variables.md",
		Def:   "#Environment",
		Title: "Configuration reference",
		Noun:  "Variable",
		Intro: "Every field an environment file (`environments/<name>.cue`) can set. Fields are named and\n" +
			"defaulted like the seed Terraform repository's variables; fields marked (coder-eks) are new.\n" +
			"An environment file sets only what differs from the defaults (see `environments/prod.cue`).",
	},
	{
		Path:  "docs/reference/capabilities.md",
		Def:   "#Capabilities",
		Title: "Capabilities",
		Noun:  "Capability",
		Intro: "What a workspace template can ask of its infrastructure base: the capabilities of the\n" +
			"seed's template contract (persistent home, network egress, identity mode, ...).",
		custom: capabilities,
	},
}

// Input is what the pages are generated from.
type Input struct {
	Files  []*ast.File // the schema package's files, parsed
	Schema cue.Value   // the schema package, evaluated
	// SetByGenerator names fields the generator fills in itself, with a
	// note for the Required column ("from the file name").
	SetByGenerator map[string]string
}

// Render returns the pages keyed by repository-relative path.
func Render(in Input) (map[string][]byte, error) {
	out := map[string][]byte{}
	for _, p := range Pages {
		if p.custom != nil {
			page, err := p.custom(in, p)
			if err != nil {
				return nil, err
			}
			out[p.Path] = page
			continue
		}
		lit, file := schemainfo.Definition(in.Files, p.Def)
		if lit == nil {
			return nil, fmt.Errorf("docs %s: the schema has no %s", p.Path, p.Def)
		}
		def := in.Schema.LookupPath(cue.ParsePath(p.Def))
		if err := def.Err(); err != nil {
			return nil, fmt.Errorf("docs %s: %s: %w", p.Path, p.Def, err)
		}
		w := &page{Page: p, in: in, source: "schema/" + filepath.Base(file.Filename)}
		out[p.Path] = w.render(schemainfo.Fields(in.Files, lit, file, def))
	}
	return out, nil
}
