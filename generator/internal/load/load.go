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
	"cuelang.org/go/cue/ast"

	"github.com/coder-eks/coder-eks/generator/internal/config"
	"github.com/coder-eks/coder-eks/generator/internal/diag"
	"github.com/coder-eks/coder-eks/generator/internal/diag/cueerr"
	"github.com/coder-eks/coder-eks/generator/internal/layout"
	"github.com/coder-eks/coder-eks/generator/internal/schemainfo"
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
	// Layers are the toolchains and bases pairings compose.
	Layers *Layers
	// Committed is the address plan committed under rendered/<name>/, per
	// region; empty for an environment never rendered.
	Committed Committed
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
	return NewSession(root).Load(name)
}

// Load evaluates environments/<name>.cue in the session's context, against
// the schema the session evaluated once.
func (s *Session) Load(name string) (*Environment, error) {
	root := s.root
	if s.err != nil {
		return nil, fmt.Errorf("load %s: %w", name, s.err)
	}
	file := filepath.Join(root, EnvironmentsDir, name+".cue")
	if _, err := os.Stat(file); err != nil {
		return nil, fmt.Errorf("load %s: no environment file %s", name, diag.Relative(root, file))
	}
	// The committed tree is plain files and JSON, no CUE: read it on
	// another goroutine while this one evaluates (a tenth of a load).
	committed := make(chan committedRead, 1)
	go func() {
		c, err := ReadCommitted(filepath.Join(root, layout.Rendered, name))
		committed <- committedRead{c, err}
	}()
	defer func() { <-committed }() // no goroutine outlives the load
	ctx := s.ctx
	schema, err := s.schemaValue()
	if err != nil {
		return nil, err
	}
	pkg := *s.schema // its source files: hints and the cross-field relations read them
	def := schema.LookupPath(EnvironmentDef)
	// The file is read once: parsing, a rebuild without a field and the
	// messages that quote a line all use these bytes.
	src, err := readFile(root, file)
	if err != nil {
		return nil, err
	}
	in := cueerr.Input{Root: root, File: file, Src: src}
	f, err := parseSource(in)
	if err != nil {
		return nil, err
	}
	// The file embeds schema.#Environment, but fields declared beside an
	// embedded definition escape its closedness, all the way down: a
	// misspelt field would pass and a struct default (idp_group_mappings)
	// would be merged with the file's entries instead of replaced. So the
	// embedding is checked and taken out, and the file's own fields are
	// unified with the definition.
	if !stripSchemaEmbed(f) {
		return nil, diag.List{missingEmbed(root, file)}
	}
	unknown := append(unknownFields(f, def, root), duplicateFields(f, root)...)
	user, err := buildFile(ctx, root, file, f)
	if err != nil {
		return nil, err
	}
	// A file that does not evaluate on its own (an unquoted value reads
	// as a reference) gives the schema nothing: every required field
	// would be reported missing before the real error. Report that alone.
	// A field set twice conflicts with itself here too; that one is
	// reported as set twice, with the schema's errors.
	if err := user.Validate(); err != nil {
		if own := cueerr.Translate(err, in, cueerr.Schema{Secrets: def}).Without(unknown); len(own) > 0 {
			return nil, append(unknown, own...).Sorted()
		}
	}
	// The name comes from the file name: when the schema refuses it,
	// everything derived from it (the state bucket, resource names)
	// fails too, and the fix is to rename the file.
	if d, bad := badName(ctx, def, root, file, name); bad {
		return nil, diag.List{d}
	}
	// Errors are taken from Validate, which reports every field's, not
	// from building, which stops at the first.
	env := &Environment{Name: name, Root: root, File: file}
	env.Value = def.Unify(user.FillPath(cue.MakePath(cue.Str(NameField)), name))
	errs := validateAll(env.Value, []cue.Value{def, user}, in, hints(root, pkg, def))
	rc := relationChecker{root: root, file: file, user: user, env: env.Value, without: func(path string) cue.Value {
		f, err := parseSource(in)
		if err != nil || !stripSchemaEmbed(f) || !dropField(f, cue.ParsePath(path)) {
			return cue.Value{}
		}
		u, err := buildFile(ctx, root, file, f)
		if err != nil {
			return cue.Value{}
		}
		return def.Unify(u.FillPath(cue.MakePath(cue.Str(NameField)), name))
	}}
	errs = crossField(readRelations(pkg.Files), rc, errs)
	if len(errs) > 0 || len(unknown) > 0 {
		return nil, append(unknown, errs.Without(unknown)...).Sorted()
	}
	if err := env.Value.Decode(&env.Config); err != nil {
		return nil, fmt.Errorf("decode %s: %w", diag.Relative(root, file), err)
	}
	if env.Catalog, err = s.catalog(); err != nil {
		return nil, err
	}
	if env.Layers, err = s.layers(); err != nil {
		return nil, err
	}
	read := <-committed
	committed <- read // for the deferred receive
	if read.err != nil {
		return nil, fmt.Errorf("load %s: %w", name, read.err)
	}
	env.Committed = read.c
	return env, nil
}

// committedRead is ReadCommitted's result, handed between goroutines.
type committedRead struct {
	c   Committed
	err error
}

// validateAll reports every invalid field. CUE's Validate stops at the
// first failing field of a struct, so each field the schema or the file
// declares is also validated on its own and the results are merged.
func validateAll(v cue.Value, sources []cue.Value, in cueerr.Input, sch cueerr.Schema) diag.List {
	err := v.Validate(cue.Concrete(true))
	if err == nil {
		return nil
	}
	errs := cueerr.Translate(err, in, sch)
	for _, label := range labels(sources) {
		if ferr := v.LookupPath(cue.MakePath(cue.Str(label))).Validate(cue.Concrete(true)); ferr != nil {
			errs = append(errs, cueerr.Translate(ferr, in, sch)...)
		}
	}
	return cueerr.DropConsequences(errs, sch.Def).Sorted().Focus(diag.Relative(in.Root, in.File))
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

// EnvironmentDef is the path of the environment definition in the schema
// package.
var EnvironmentDef = cue.MakePath(cue.Def("Environment"))

// NameField is the field the generator sets to the environment's name,
// taken from its file name.
const NameField = "environment"

// SetByGenerator lists the fields the generator fills in, with where
// their value comes from, for the reference documentation.
var SetByGenerator = map[string]string{NameField: "from the file name"}

// Schema is the schema package (schema/), evaluated, with its parsed files
// for what only the source has: comments, expressions as written.
type Schema struct {
	Value cue.Value
	Files []*ast.File
}

// LoadSchema loads and evaluates the schema package in ctx.
func LoadSchema(ctx *cue.Context, root string) (Schema, error) {
	inst, err := schemaInstance(root)
	if err != nil {
		return Schema{}, err
	}
	v := ctx.BuildInstance(inst)
	if err := v.Err(); err != nil {
		return Schema{}, cueerr.Translate(err, cueerr.Input{Root: root}, cueerr.Schema{})
	}
	return Schema{Value: v, Files: inst.Files}, nil
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

// badName reports an environment name (its file name) the schema's rule
// for NameField refuses, at the file, with a name to rename it to when
// one close to it is accepted.
func badName(ctx *cue.Context, def cue.Value, root, file, name string) (diag.Diagnostic, bool) {
	rule := def.LookupPath(cue.MakePath(cue.Str(NameField)))
	accepts := func(n string) bool { return rule.Unify(ctx.Encode(n)).Validate(cue.Concrete(true)) == nil }
	if accepts(name) {
		return diag.Diagnostic{}, false
	}
	m := fmt.Sprintf("the file name gives the environment the name %q, which the schema does not accept (rule: %s, at %s); rename the file",
		name, rule, diag.FromPos(root, rule.Pos()))
	suggestion := strings.Trim(strings.Map(func(r rune) rune {
		switch {
		case r >= 'A' && r <= 'Z':
			return r + 'a' - 'A'
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			return r
		}
		return '-'
	}, name), "-")
	if suggestion != name && accepts(suggestion) {
		m += fmt.Sprintf(", e.g. to %s", filepath.ToSlash(filepath.Join(EnvironmentsDir, suggestion+".cue")))
	}
	return diag.Diagnostic{Pos: diag.Position{File: diag.Relative(root, file), Line: 1, Col: 1}, Path: NameField, Msg: m}, true
}

// CapabilityNames is the schema's table of capabilities, whose keys are
// the names a capabilities map may use.
var CapabilityNames = cue.ParsePath("capability_values")

// keyNames are the maps whose keys are capability names: a pairing's
// and a base's capabilities, a toolchain's required ones.
func keyNames(schema cue.Value) map[string][]string {
	names := schemainfo.FieldNames(schema.LookupPath(CapabilityNames))
	return map[string][]string{"capabilities": names, "capabilities.required": names}
}

// hints are the definition def, the schema's @form attributes and the
// names capabilities maps take, as diagnostics use them.
func hints(root string, pkg Schema, def cue.Value) cueerr.Schema {
	h := cueerr.Schema{Def: def, KeyNames: keyNames(pkg.Value)}
	for _, f := range schemainfo.Forms(pkg.Files) {
		h.Forms = append(h.Forms, cueerr.Form{Name: f.Name, Form: f.Form, Example: f.Example,
			From: diag.FromPos(root, f.Start), To: diag.FromPos(root, f.End)})
	}
	return h
}
