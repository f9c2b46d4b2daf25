// Package load is the pipeline's first step: it evaluates one environment
// file against the schema with CUE and decodes the result into Go values.
// Every default and constraint is applied here, by CUE; later steps only
// read the concrete result.
package load

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/cuecontext"
	cueload "cuelang.org/go/cue/load"

	"github.com/coder-eks/coder-eks/generator/internal/config"
	"github.com/coder-eks/coder-eks/generator/internal/diag"
)

// EnvironmentsDir is where environment files live, one per environment.
const EnvironmentsDir = "environments"

// Environment is one evaluated environment file.
type Environment struct {
	Name    string // from the file name: environments/prod.cue → "prod"
	Root    string // repository root, absolute
	File    string // absolute path of the environment file
	Value   cue.Value
	Config  config.Environment
	Catalog config.Catalog
}

// Discover lists the environments under root, sorted by name.
func Discover(root string) ([]string, error) {
	matches, err := filepath.Glob(filepath.Join(root, EnvironmentsDir, "*.cue"))
	if err != nil {
		return nil, fmt.Errorf("discover environments: %w", err)
	}
	names := make([]string, 0, len(matches))
	for _, m := range matches {
		names = append(names, strings.TrimSuffix(filepath.Base(m), ".cue"))
	}
	sort.Strings(names)
	if len(names) == 0 {
		return nil, fmt.Errorf("discover environments: no *.cue file in %s", filepath.Join(root, EnvironmentsDir))
	}
	return names, nil
}

// Load evaluates environments/<name>.cue in a CUE context of its own, so
// environments can be loaded concurrently.
func Load(root, name string) (*Environment, error) {
	root, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", name, err)
	}
	file := filepath.Join(root, EnvironmentsDir, name+".cue")
	if _, err := os.Stat(file); err != nil {
		return nil, fmt.Errorf("load %s: no environment file %s", name, diag.Relative(root, file))
	}
	ctx := cuecontext.New()
	schema, err := build(ctx, root, "./schema", "")
	if err != nil {
		return nil, err
	}
	raw, err := build(ctx, root, "./"+filepath.ToSlash(filepath.Join(EnvironmentsDir, name+".cue")), file)
	if err != nil {
		return nil, err
	}
	env := &Environment{Name: name, Root: root, File: file}
	// Unifying with the definition, not only embedding it in the file, is
	// what makes unknown fields an error whatever the file says.
	def := schema.LookupPath(cue.MakePath(cue.Def("Environment")))
	// The name is filled in before unifying: FillPath on a value that
	// already has errors hides all but the first of them.
	env.Value = raw.FillPath(cue.ParsePath("environment"), name).Unify(def)
	if errs := validateAll(env.Value, []cue.Value{def, raw}, root, file); len(errs) > 0 {
		return nil, errs
	}
	if err := env.Value.Decode(&env.Config); err != nil {
		return nil, fmt.Errorf("decode %s: %w", diag.Relative(root, file), err)
	}
	if err := schema.Decode(&env.Catalog); err != nil {
		return nil, fmt.Errorf("decode schema catalog: %w", err)
	}
	return env, nil
}

// validateAll reports every invalid field. CUE's Validate stops at the
// first failing field of a struct, so each field the schema or the file
// declares is also validated on its own and the results are merged.
func validateAll(v cue.Value, sources []cue.Value, root, file string) diag.List {
	err := v.Validate(cue.Concrete(true))
	if err == nil {
		return nil
	}
	errs := diag.FromCUE(err, root, file)
	for _, label := range labels(sources) {
		if ferr := v.LookupPath(cue.MakePath(cue.Str(label))).Validate(cue.Concrete(true)); ferr != nil {
			errs = append(errs, diag.FromCUE(ferr, root, file)...)
		}
	}
	return errs.Sorted()
}

// labels lists the regular field names of the given structs, sorted.
func labels(structs []cue.Value) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range structs {
		it, err := s.Fields(cue.Optional(true))
		if err != nil {
			continue
		}
		for it.Next() {
			if l := it.Selector().Unquoted(); !seen[l] {
				seen[l] = true
				out = append(out, l)
			}
		}
	}
	sort.Strings(out)
	return out
}

// build loads and evaluates one CUE instance (a package directory or a
// single file), returning CUE's errors as diagnostics.
func build(ctx *cue.Context, root, arg, envFile string) (cue.Value, error) {
	insts := cueload.Instances([]string{arg}, &cueload.Config{Dir: root})
	if err := insts[0].Err; err != nil {
		return cue.Value{}, diag.FromCUE(err, root, envFile)
	}
	v := ctx.BuildInstance(insts[0])
	// An environment file's errors are reported by validateAll, which
	// finds all of them; v.Err() would hold only the first.
	if err := v.Err(); err != nil && envFile == "" {
		return cue.Value{}, diag.FromCUE(err, root, envFile)
	}
	return v, nil
}

// Pos is where the field at path got its value: the environment file's line
// when the user set it, the schema's when the default applies.
func (e *Environment) Pos(path string) diag.Position {
	v := e.Value.LookupPath(cue.ParsePath(path))
	best := v.Pos()
	_, args := v.Expr()
	for _, a := range args {
		if p := a.Pos(); p.IsValid() && p.Filename() == e.File {
			best = p
		}
	}
	if !best.IsValid() {
		return diag.Position{File: diag.Relative(e.Root, e.File), Line: 1, Col: 1}
	}
	return diag.FromPos(e.Root, best)
}

// RelFile is the environment file relative to the repository root.
func (e *Environment) RelFile() string { return diag.Relative(e.Root, e.File) }
