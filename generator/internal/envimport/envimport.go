// Package envimport turns the variables of a seed tfvars file into an
// environment file (environments/<name>.cue) holding exactly the values
// that differ from what the schema gives by itself, so the file reads like
// a hand-written one and follows the schema's defaults when they change.
package envimport

import (
	"fmt"
	"strings"

	"cuelang.org/go/cue"

	"github.com/coder-eks/coder-eks/generator/internal/diag"
	"github.com/coder-eks/coder-eks/generator/internal/diag/cueerr"
	"github.com/coder-eks/coder-eks/generator/internal/load"
	"github.com/coder-eks/coder-eks/generator/internal/schemainfo"
	"github.com/coder-eks/coder-eks/generator/internal/tfvars"
)

// Options are the import's choices.
type Options struct {
	Name   string // environment name: the file is environments/<Name>.cue
	Source string // the tfvars file as named in the header comment
	// AllowUnknown skips variables the schema does not have (reported as
	// warnings) instead of failing.
	AllowUnknown bool
}

// Result is the environment file and what went into it.
type Result struct {
	File      []byte
	Set       []string           // fields written, schema order
	Defaulted []string           // variables equal to what the schema gives, left out
	Missing   []schemainfo.Field // required fields the tfvars file does not set
	Warnings  diag.List          // variables skipped (AllowUnknown)
}

// Import builds the environment file from vars. Errors (unknown
// variables, a plaintext admin token, values the schema rejects) come back
// as diagnostics at the variable's line in the tfvars file.
func Import(schema load.Schema, vars []tfvars.Variable, opts Options) (Result, error) {
	fields, ok := schemainfo.Of(schema.Files, schema.Value, "#Environment")
	if !ok {
		return Result{}, fmt.Errorf("import: the schema has no #Environment")
	}
	def := schema.Value.LookupPath(load.EnvironmentDef)
	in, res, errs := sortVariables(vars, fields, opts)
	if len(errs) > 0 {
		return Result{}, errs.Sorted()
	}
	res.Missing = missing(fields, in.values)
	if errs := validate(def, in, opts.Name, res.Missing); len(errs) > 0 {
		return Result{}, errs.Sorted()
	}
	kept := minimal(def, in.values, opts.Name)
	for _, f := range fields {
		if _, given := in.values[f.Name]; !given {
			continue
		}
		if _, keep := kept[f.Name]; keep {
			res.Set = append(res.Set, f.Name)
		} else {
			res.Defaulted = append(res.Defaulted, f.Name)
		}
	}
	file, err := environmentFile(fields, kept, res.Missing, opts)
	if err != nil {
		return Result{}, err
	}
	res.File = file
	return res, nil
}

// input is the variables the file may set, by field name, with where each
// was given.
type input struct {
	values map[string]any
	pos    map[string]diag.Position
}

// sortVariables checks every variable against the schema: unknown ones,
// the environment's name and the admin token are dealt with here.
func sortVariables(vars []tfvars.Variable, fields []schemainfo.Field, opts Options) (input, Result, diag.List) {
	known := map[string]bool{}
	var names []string
	for _, f := range fields {
		known[f.Name] = true
		names = append(names, f.Name)
	}
	in := input{values: map[string]any{}, pos: map[string]diag.Position{}}
	var res Result
	var errs diag.List
	for _, v := range vars {
		switch {
		case !known[v.Name]:
			d := diag.Diagnostic{Pos: v.Pos, Path: v.Name, Msg: unknownVariable(v.Name, names, opts.AllowUnknown)}
			if opts.AllowUnknown {
				res.Warnings = append(res.Warnings, d)
			} else {
				errs = append(errs, d)
			}
		case v.Value == nil:
			// null: Terraform's "use the default".
		case v.Name == load.NameField:
			if v.Value != opts.Name {
				errs = append(errs, diag.Diagnostic{Pos: v.Pos, Path: v.Name, Msg: fmt.Sprintf(
					"the file sets environment %q but the import is for %q (rule: an environment's name is its file name; pass -env %v)",
					v.Value, opts.Name, v.Value)})
			}
		case v.Name == "coder_admin_token" && v.Value != "":
			errs = append(errs, diag.Diagnostic{Pos: v.Pos, Path: v.Name, Msg: "a plaintext admin token is not imported " +
				"(rule: no secret values in the repository): remove it from the file and export CODER_SESSION_TOKEN " +
				"where the coderd provider runs; revoke the token if the file was ever shared"})
		case v.Name == "idp_group_mappings":
			m, err := groupMappings(v.Value)
			if err != nil {
				errs = append(errs, diag.Diagnostic{Pos: v.Pos, Path: v.Name, Msg: err.Error()})
				continue
			}
			in.values[v.Name] = m
			in.pos[v.Name] = v.Pos
		default:
			in.values[v.Name] = v.Value
			in.pos[v.Name] = v.Pos
		}
	}
	return in, res, errs
}

func unknownVariable(name string, fields []string, allowed bool) string {
	m := "unknown variable (rule: only fields of schema.#Environment are imported"
	if allowed {
		m += "; skipped"
	} else {
		m += "; -allow-unknown skips such variables"
	}
	m += ")"
	if near, ok := diag.Nearest(name, fields); ok {
		m += fmt.Sprintf("; did you mean %s?", near)
	}
	return m
}

// missing lists the required fields the variables do not set: fields the
// seed does not have (aws_account_id, ...) or that its tfvars left out.
func missing(fields []schemainfo.Field, values map[string]any) []schemainfo.Field {
	var out []schemainfo.Field
	for _, f := range fields {
		if _, set := load.SetByGenerator[f.Name]; set {
			continue
		}
		if _, given := values[f.Name]; f.Required && !given {
			out = append(out, f)
		}
	}
	return out
}

// validate evaluates the variables against the schema and reports what it
// rejects at the variable's line. Required fields that are missing are not
// errors here: the file is written with a note to fill them in.
func validate(def cue.Value, in input, name string, missing []schemainfo.Field) diag.List {
	v := environment(def, in.values, name)
	err := v.Validate(cue.Concrete(true))
	if err == nil {
		return nil
	}
	skip := map[string]bool{}
	for _, f := range missing {
		skip[f.Name] = true
	}
	var out diag.List
	for _, d := range cueerr.Translate(err, cueerr.Input{}, cueerr.Schema{Def: def}) {
		field, _, _ := strings.Cut(d.Path, ".")
		p, given := in.pos[field]
		switch {
		case skip[field]:
			continue
		case !given && len(missing) > 0:
			// A field the file does not set fails because one it should
			// set is missing (stun_addresses without base_domain).
			continue
		case given:
			d.Pos = p
		}
		out = append(out, d)
	}
	return out
}

// environment is the schema's #Environment with the values and the name.
func environment(def cue.Value, values map[string]any, name string) cue.Value {
	// FillPath at the empty path unifies def with the Go values.
	return def.FillPath(cue.Path{}, values).FillPath(cue.MakePath(cue.Str(load.NameField)), name)
}
