// Package tfvars reads a Terraform variables file (.tfvars, HCL native
// syntax) written for the seed's Terraform repository into plain Go
// values, so that import-tfvars can turn it into an environment file.
// Only literal values are accepted: a variables file that calls functions
// or refers to other values cannot be turned into data without Terraform.
package tfvars

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/coder-eks/coder-eks/generator/internal/diag"
)

// Variable is one assignment of the file.
type Variable struct {
	Name string
	// Value is what the literal decodes to: string, bool, int64 (a whole
	// number), float64, []any or map[string]any; nil for null
	// (Terraform's "use the default").
	Value any
	Pos   diag.Position // of the variable's name
}

// Parse reads src, the content of the file named file (as it is to
// appear in messages), and returns its variables in file order.
func Parse(file string, src []byte) ([]Variable, error) {
	f, hdiags := hclsyntax.ParseConfig(src, file, hcl.InitialPos)
	if hdiags.HasErrors() {
		return nil, fromHCL(hdiags)
	}
	body := f.Body.(*hclsyntax.Body)
	var errs diag.List
	for _, b := range body.Blocks {
		errs = append(errs, diag.Diagnostic{
			Pos: position(b.TypeRange),
			Msg: fmt.Sprintf("block %q is not allowed (rule: a variables file holds only name = value assignments)", b.Type),
		})
	}
	attrs := make([]*hclsyntax.Attribute, 0, len(body.Attributes))
	for _, a := range body.Attributes {
		attrs = append(attrs, a)
	}
	sort.Slice(attrs, func(i, j int) bool { return attrs[i].NameRange.Start.Byte < attrs[j].NameRange.Start.Byte })
	var vars []Variable
	for _, a := range attrs {
		v, err := literal(a)
		if err != nil {
			errs = append(errs, err...)
			continue
		}
		vars = append(vars, Variable{Name: a.Name, Value: v, Pos: position(a.NameRange)})
	}
	if len(errs) > 0 {
		return nil, errs.Sorted()
	}
	return vars, nil
}

// literal evaluates an attribute's expression without any variables or
// functions, which is what makes it a literal.
func literal(a *hclsyntax.Attribute) (any, diag.List) {
	val, hdiags := a.Expr.Value(nil)
	if hdiags.HasErrors() {
		errs := fromHCL(hdiags)
		for i := range errs {
			errs[i].Path = a.Name
			errs[i].Msg += " (rule: import-tfvars reads literal values only)"
		}
		return nil, errs
	}
	if val.IsNull() {
		return nil, nil
	}
	data, err := ctyjson.Marshal(val, val.Type())
	if err != nil {
		return nil, diag.List{{Pos: position(a.SrcRange), Path: a.Name, Msg: err.Error()}}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, diag.List{{Pos: position(a.SrcRange), Path: a.Name, Msg: err.Error()}}
	}
	return numbers(v), nil
}

// numbers replaces JSON numbers with int64 for whole numbers (CUE's int
// fields reject 3000.0) and float64 otherwise.
func numbers(v any) any {
	switch v := v.(type) {
	case json.Number:
		if i, err := v.Int64(); err == nil {
			return i
		}
		f, _ := v.Float64()
		return f
	case []any:
		for i := range v {
			v[i] = numbers(v[i])
		}
	case map[string]any:
		for k := range v {
			v[k] = numbers(v[k])
		}
	}
	return v
}

func fromHCL(hdiags hcl.Diagnostics) diag.List {
	var out diag.List
	for _, d := range hdiags {
		if d.Severity != hcl.DiagError {
			continue
		}
		msg := d.Summary
		if d.Detail != "" {
			msg += ": " + d.Detail
		}
		p := diag.Position{}
		if d.Subject != nil {
			p = position(*d.Subject)
		}
		out = append(out, diag.Diagnostic{Pos: p, Msg: msg})
	}
	return out
}

func position(r hcl.Range) diag.Position {
	return diag.Position{File: r.Filename, Line: r.Start.Line, Col: r.Start.Column}
}
