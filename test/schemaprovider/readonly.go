package main

import (
	"fmt"
	"strconv"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Terraform itself accepts a value for a computed-only attribute; it is the
// provider's own validation (SDKv2 and the plugin framework alike) that rejects
// it. Serving a schema alone would let such configurations through, so this
// check is the one piece of provider-side validation reproduced here, with the
// SDKv2 wording that most of these providers (and the real coder one) print.

// readOnlyDiagnostics reports every computed-only attribute given a value in
// config, a value of s's type.
func readOnlyDiagnostics(s *tfprotov6.Schema, config *tfprotov6.DynamicValue) []*tfprotov6.Diagnostic {
	if config == nil {
		return nil
	}
	val, err := config.Unmarshal(s.ValueType())
	if err != nil {
		return []*tfprotov6.Diagnostic{{
			Severity: tfprotov6.DiagnosticSeverityError,
			Summary:  "schemaprovider: cannot decode configuration",
			Detail:   err.Error(),
		}}
	}
	var diags []*tfprotov6.Diagnostic
	walkBlock(s.Block, val, "", tftypes.NewAttributePath(), &diags)
	return diags
}

func walkBlock(b *tfprotov6.SchemaBlock, val tftypes.Value, key string, path *tftypes.AttributePath, diags *[]*tfprotov6.Diagnostic) {
	fields, ok := objectFields(val)
	if !ok {
		return
	}
	walkAttributes(b.Attributes, fields, key, path, diags)
	for _, bt := range b.BlockTypes {
		v := fields[bt.TypeName]
		k := joinKey(key, bt.TypeName)
		p := path.WithAttributeName(bt.TypeName)
		switch bt.Nesting {
		case tfprotov6.SchemaNestedBlockNestingModeSingle, tfprotov6.SchemaNestedBlockNestingModeGroup:
			walkBlock(bt.Block, v, k, p, diags)
		default:
			forEachElement(v, k, p, func(elem tftypes.Value, k string, p *tftypes.AttributePath) {
				walkBlock(bt.Block, elem, k, p, diags)
			})
		}
	}
}

func walkAttributes(attrs []*tfprotov6.SchemaAttribute, fields map[string]tftypes.Value, key string, path *tftypes.AttributePath, diags *[]*tfprotov6.Diagnostic) {
	for _, a := range attrs {
		v, ok := fields[a.Name]
		if !ok || v.IsNull() {
			continue
		}
		k := joinKey(key, a.Name)
		p := path.WithAttributeName(a.Name)
		if a.Computed && !a.Optional && !a.Required {
			*diags = append(*diags, &tfprotov6.Diagnostic{
				Severity:  tfprotov6.DiagnosticSeverityError,
				Summary:   "Value for unconfigurable attribute",
				Detail:    fmt.Sprintf("Can't configure a value for %q: its value will be decided automatically based on the result of applying this configuration.", k),
				Attribute: p,
			})
			continue
		}
		if a.NestedType == nil {
			continue
		}
		walkNested := func(elem tftypes.Value, k string, p *tftypes.AttributePath) {
			if fields, ok := objectFields(elem); ok {
				walkAttributes(a.NestedType.Attributes, fields, k, p, diags)
			}
		}
		if a.NestedType.Nesting == tfprotov6.SchemaObjectNestingModeSingle {
			walkNested(v, k, p)
		} else {
			forEachElement(v, k, p, walkNested)
		}
	}
}

// objectFields returns the attributes of a known, non-null object value.
func objectFields(val tftypes.Value) (map[string]tftypes.Value, bool) {
	if val.IsNull() || !val.IsKnown() {
		return nil, false
	}
	var fields map[string]tftypes.Value
	if err := val.As(&fields); err != nil {
		return nil, false
	}
	return fields, true
}

// forEachElement calls f for each element of a known list, set or map value,
// with keys numbered as SDKv2 numbers them (set elements by position, where
// SDKv2 would use a hash).
func forEachElement(val tftypes.Value, key string, path *tftypes.AttributePath, f func(tftypes.Value, string, *tftypes.AttributePath)) {
	if val.IsNull() || !val.IsKnown() {
		return
	}
	switch {
	case val.Type().Is(tftypes.Map{}), val.Type().Is(tftypes.Object{}):
		var elems map[string]tftypes.Value
		if val.As(&elems) != nil {
			return
		}
		for name, elem := range elems {
			f(elem, joinKey(key, name), path.WithElementKeyString(name))
		}
	case val.Type().Is(tftypes.Set{}):
		var elems []tftypes.Value
		if val.As(&elems) != nil {
			return
		}
		for i, elem := range elems {
			f(elem, joinKey(key, strconv.Itoa(i)), path.WithElementKeyValue(elem))
		}
	default:
		var elems []tftypes.Value
		if val.As(&elems) != nil {
			return
		}
		for i, elem := range elems {
			f(elem, joinKey(key, strconv.Itoa(i)), path.WithElementKeyInt(i))
		}
	}
}

func joinKey(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}
