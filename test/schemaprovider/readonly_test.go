package main

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

func TestReadOnlyDiagnostics(t *testing.T) {
	inner := &tfprotov6.SchemaBlock{Attributes: []*tfprotov6.SchemaAttribute{
		{Name: "name", Type: tftypes.String, Optional: true},
		{Name: "uid", Type: tftypes.String, Computed: true},
	}}
	schema := &tfprotov6.Schema{Block: &tfprotov6.SchemaBlock{
		Attributes: []*tfprotov6.SchemaAttribute{
			{Name: "arn", Type: tftypes.String, Computed: true},
			{Name: "tags", Type: tftypes.Map{ElementType: tftypes.String}, Optional: true, Computed: true},
			{Name: "versions", Optional: true, NestedType: &tfprotov6.SchemaObject{
				Nesting: tfprotov6.SchemaObjectNestingModeList,
				Attributes: []*tfprotov6.SchemaAttribute{
					{Name: "directory", Type: tftypes.String, Required: true},
					{Name: "hash", Type: tftypes.String, Computed: true},
				},
			}},
		},
		BlockTypes: []*tfprotov6.SchemaNestedBlock{
			{TypeName: "metadata", Nesting: tfprotov6.SchemaNestedBlockNestingModeList, Block: inner},
			{TypeName: "rule", Nesting: tfprotov6.SchemaNestedBlockNestingModeSet, Block: inner},
			{TypeName: "timeouts", Nesting: tfprotov6.SchemaNestedBlockNestingModeSingle, Block: inner},
		},
	}}
	ty := schema.ValueType().(tftypes.Object)
	innerTy := inner.ValueType()
	versionTy := ty.AttributeTypes["versions"].(tftypes.List).ElementType
	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
	obj := func(name, uid any) tftypes.Value {
		return tftypes.NewValue(innerTy, map[string]tftypes.Value{
			"name": tftypes.NewValue(tftypes.String, name),
			"uid":  tftypes.NewValue(tftypes.String, uid),
		})
	}
	// config returns a configuration with the given attributes set and the rest null.
	config := func(set map[string]tftypes.Value) *tfprotov6.DynamicValue {
		vals := map[string]tftypes.Value{}
		for name, at := range ty.AttributeTypes {
			vals[name] = tftypes.NewValue(at, nil)
		}
		for name, v := range set {
			vals[name] = v
		}
		dv, err := tfprotov6.NewDynamicValue(ty, tftypes.NewValue(ty, vals))
		if err != nil {
			t.Fatal(err)
		}
		return &dv
	}

	tests := []struct {
		name   string
		config *tfprotov6.DynamicValue
		want   []string // the keys reported
	}{
		{name: "nothing set", config: config(nil)},
		{name: "optional+computed set", config: config(map[string]tftypes.Value{
			"tags": tftypes.NewValue(ty.AttributeTypes["tags"], map[string]tftypes.Value{"a": str("b")}),
		})},
		{name: "top-level computed", config: config(map[string]tftypes.Value{"arn": str("x")}), want: []string{"arn"}},
		{name: "computed set to unknown", config: config(map[string]tftypes.Value{
			"arn": tftypes.NewValue(tftypes.String, tftypes.UnknownValue),
		}), want: []string{"arn"}},
		{name: "inside list, set and single blocks", config: config(map[string]tftypes.Value{
			"metadata": tftypes.NewValue(ty.AttributeTypes["metadata"], []tftypes.Value{obj("a", nil), obj("b", "u")}),
			"rule":     tftypes.NewValue(ty.AttributeTypes["rule"], []tftypes.Value{obj("c", "v")}),
			"timeouts": obj(nil, "w"),
		}), want: []string{"metadata.1.uid", "rule.0.uid", "timeouts.uid"}},
		{name: "unknown block", config: config(map[string]tftypes.Value{
			"metadata": tftypes.NewValue(ty.AttributeTypes["metadata"], tftypes.UnknownValue),
		})},
		{name: "inside nested attribute", config: config(map[string]tftypes.Value{
			"versions": tftypes.NewValue(ty.AttributeTypes["versions"], []tftypes.Value{
				tftypes.NewValue(versionTy, map[string]tftypes.Value{"directory": str("d"), "hash": str("h")}),
			}),
		}), want: []string{"versions.0.hash"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, d := range readOnlyDiagnostics(schema, tt.config) {
				if d.Summary != "Value for unconfigurable attribute" {
					t.Fatalf("unexpected diagnostic %s: %s", d.Summary, d.Detail)
				}
				got = append(got, keyOf(d.Detail))
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("readOnlyDiagnostics (-want +got):\n%s", diff)
			}
		})
	}
}

// keyOf extracts the quoted key from SDKv2's detail text.
func keyOf(detail string) string {
	_, rest, _ := strings.Cut(detail, `"`)
	key, _, _ := strings.Cut(rest, `"`)
	return key
}
