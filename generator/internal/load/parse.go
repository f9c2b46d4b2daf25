package load

import (
	"fmt"
	"path/filepath"
	"sort"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/build"
	cueload "cuelang.org/go/cue/load"
	"cuelang.org/go/cue/parser"

	"github.com/coder-eks/coder-eks/generator/internal/diag"
	"github.com/coder-eks/coder-eks/generator/internal/diag/cueerr"
)

// SchemaDir is the schema package's directory.
const SchemaDir = "schema"

// The generator reads its two kinds of input without cue/load, whose
// module handling (cue.mod, registries, the package graph) took a fifth of
// a render: the schema package is one directory of files with no imports
// but CUE's standard library, and an environment file needs the schema
// only through the embedding Load takes out.

// schemaInstance parses schema/*.cue into a build instance.
func schemaInstance(root string) (*build.Instance, error) {
	dir := filepath.Join(root, SchemaDir)
	files, err := filepath.Glob(filepath.Join(dir, "*.cue"))
	if err != nil {
		return nil, fmt.Errorf("load schema: %w", err)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("load schema: no *.cue file in %s", diag.Relative(root, dir))
	}
	sort.Strings(files)
	inst := build.NewContext().NewInstance(dir, nil)
	for _, file := range files {
		f, err := parseFile(root, file)
		if err != nil {
			return nil, err
		}
		if err := inst.AddSyntax(f); err != nil {
			return nil, cueerr.Translate(err, cueerr.Input{Root: root}, cueerr.Schema{})
		}
	}
	return inst, nil
}

// parseFile parses one CUE file, comments included.
func parseFile(root, file string) (*ast.File, error) {
	src, err := readFile(root, file)
	if err != nil {
		return nil, err
	}
	return parseSource(cueerr.Input{Root: root, File: file, Src: src})
}

// readFile reads an input file, reporting a failure at the file.
func readFile(root, file string) ([]byte, error) {
	src, err := ReadInput(file)
	if err != nil {
		return nil, diag.List{{Pos: diag.Position{File: diag.Relative(root, file), Line: 1, Col: 1}, Msg: err.Error()}}
	}
	return src, nil
}

// parseSource parses the content of in's file, comments included.
func parseSource(in cueerr.Input) (*ast.File, error) {
	f, err := parser.ParseFile(in.File, in.Src, parser.ParseComments)
	if err != nil {
		return nil, cueerr.Translate(err, in, cueerr.Schema{})
	}
	return f, nil
}

// buildFile builds an environment file whose schema embedding was taken
// out. A file that still refers to the schema package (a value such as
// schema.#Name) is loaded with cue/load, which resolves the import.
func buildFile(ctx *cue.Context, root, file string, f *ast.File) (cue.Value, error) {
	if name := schemaImportName(f); name != "" && refersTo(f, name) {
		insts := cueload.Instances([]string{file}, &cueload.Config{Dir: root})
		if err := insts[0].Err; err != nil {
			return cue.Value{}, cueerr.Translate(err, cueerr.Input{Root: root, File: file}, cueerr.Schema{})
		}
		insts[0].Files[0] = f
		return ctx.BuildInstance(insts[0]), nil
	}
	dropImport(f, SchemaImport)
	return ctx.BuildFile(f), nil
}

// refersTo is whether f uses the identifier name outside its imports.
func refersTo(f *ast.File, name string) bool {
	found := false
	ast.Walk(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.ImportDecl:
			return false
		case *ast.Ident:
			found = found || n.Name == name
		}
		return !found
	}, nil)
	return found
}
