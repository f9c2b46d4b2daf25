package load

import (
	"fmt"
	"path"
	"strconv"
	"strings"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/token"

	"github.com/coder-eks/coder-eks/generator/internal/diag"
	"github.com/coder-eks/coder-eks/generator/internal/schemainfo"
)

// SchemaImport is the import path of the schema package.
const SchemaImport = "github.com/coder-eks/coder-eks/schema"

// stripSchemaEmbed removes the top-level "schema.#Environment" embedding
// from f and reports whether it was there. Without it the file would not
// say what it is, and an editor's CUE tooling could not check it.
func stripSchemaEmbed(f *ast.File) bool {
	name := schemaImportName(f)
	if name == "" {
		return false
	}
	for i, d := range f.Decls {
		if e, ok := d.(*ast.EmbedDecl); ok && isEnvironmentRef(e.Expr, name) {
			f.Decls = append(f.Decls[:i:i], f.Decls[i+1:]...)
			return true
		}
	}
	return false
}

func missingEmbed(root, file string) diag.Diagnostic {
	return diag.Diagnostic{
		Pos: diag.Position{File: diag.Relative(root, file), Line: 1, Col: 1},
		Msg: `the file does not embed the schema (rule: every environment file imports "` + SchemaImport +
			`" and has the line schema.#Environment, like environments/prod.cue)`,
	}
}

// schemaImportName is the name f imports the schema package under, "" if
// it does not.
func schemaImportName(f *ast.File) string {
	for spec := range f.ImportSpecs() {
		p, err := strconv.Unquote(spec.Path.Value)
		if err != nil || p != SchemaImport {
			continue
		}
		if spec.Name != nil {
			return spec.Name.Name
		}
		return path.Base(p)
	}
	return ""
}

func isEnvironmentRef(x ast.Expr, importName string) bool {
	sel, ok := x.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	id, ok := sel.X.(*ast.Ident)
	label, _, _ := ast.LabelName(sel.Sel)
	return ok && id.Name == importName && label == "#Environment"
}

// unknownFields reports the file's top-level fields that def does not
// have, each with the nearest field name it does have. CUE reports them
// too, but not when other errors are present.
func unknownFields(f *ast.File, def cue.Value, root string) diag.List {
	var out diag.List
	for _, d := range f.Decls {
		field, ok := d.(*ast.Field)
		if !ok {
			continue
		}
		name, _, err := ast.LabelName(field.Label)
		if err != nil || strings.HasPrefix(name, "_") || strings.HasPrefix(name, "#") {
			continue
		}
		if def.Allows(cue.Str(name)) {
			continue
		}
		out = append(out, diag.Diagnostic{
			Pos:  diag.FromPos(root, field.Label.Pos()),
			Path: name,
			Msg:  diag.UnknownField(name, schemainfo.FieldNames(def)),
		})
	}
	return out
}

// dropImport removes the import of path from f.
func dropImport(f *ast.File, path string) {
	quoted := strconv.Quote(path)
	decls := f.Decls[:0]
	for _, d := range f.Decls {
		if imp, ok := d.(*ast.ImportDecl); ok {
			specs := imp.Specs[:0]
			for _, s := range imp.Specs {
				if s.Path.Value != quoted {
					specs = append(specs, s)
				}
			}
			imp.Specs = specs
			if len(specs) == 0 {
				continue
			}
		}
		decls = append(decls, d)
	}
	f.Decls = decls
}

// duplicateFields reports each top-level field the file sets more than
// once, at its second line and naming the first: CUE unifies the two
// values, so a changed mind ("5" after "300") reads as a conflict with
// the schema's allowed values instead.
func duplicateFields(f *ast.File, root string) diag.List {
	first := map[string]token.Pos{}
	var out diag.List
	for _, d := range f.Decls {
		field, ok := d.(*ast.Field)
		if !ok {
			continue
		}
		name, _, err := ast.LabelName(field.Label)
		if _, isStruct := field.Value.(*ast.StructLit); err != nil || isStruct {
			continue // two struct literals merge, as CUE intends
		}
		p, seen := first[name]
		if !seen {
			first[name] = field.Label.Pos()
			continue
		}
		out = append(out, diag.Diagnostic{
			Pos:  diag.FromPos(root, field.Label.Pos()),
			Path: name,
			Msg: fmt.Sprintf("set twice, at line %d and line %d (rule: a field is set once; keep one of them)",
				p.Line(), field.Label.Pos().Line()),
		})
	}
	return out
}
