package main

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// planSchema: a required input, a computed id, an optional+computed
// attribute and a nested list block with a computed attribute.
var planSchema = &tfprotov6.Schema{Block: &tfprotov6.SchemaBlock{
	Attributes: []*tfprotov6.SchemaAttribute{
		{Name: "name", Type: tftypes.String, Required: true},
		{Name: "id", Type: tftypes.String, Computed: true},
		{Name: "ids", Type: tftypes.List{ElementType: tftypes.String}, Computed: true},
		{Name: "size", Type: tftypes.Number, Optional: true, Computed: true},
	},
	BlockTypes: []*tfprotov6.SchemaNestedBlock{{
		TypeName: "rule", Nesting: tfprotov6.SchemaNestedBlockNestingModeList,
		Block: &tfprotov6.SchemaBlock{Attributes: []*tfprotov6.SchemaAttribute{
			{Name: "port", Type: tftypes.Number, Required: true},
			{Name: "arn", Type: tftypes.String, Computed: true},
		}},
	}},
}}

func planValue(t *testing.T, size any) tftypes.Value {
	t.Helper()
	typ := planSchema.ValueType().(tftypes.Object)
	ruleType := typ.AttributeTypes["rule"].(tftypes.List).ElementType
	rule := tftypes.NewValue(ruleType, map[string]tftypes.Value{
		"port": tftypes.NewValue(tftypes.Number, 443), "arn": tftypes.NewValue(tftypes.String, nil),
	})
	return tftypes.NewValue(typ, map[string]tftypes.Value{
		"name": tftypes.NewValue(tftypes.String, "ws"),
		"id":   tftypes.NewValue(tftypes.String, nil),
		"ids":  tftypes.NewValue(typ.AttributeTypes["ids"], nil),
		"size": tftypes.NewValue(tftypes.Number, size),
		"rule": tftypes.NewValue(typ.AttributeTypes["rule"], []tftypes.Value{rule}),
	})
}

func attr(t *testing.T, v tftypes.Value, path ...any) tftypes.Value {
	t.Helper()
	p := tftypes.NewAttributePath()
	for _, s := range path {
		switch s := s.(type) {
		case string:
			p = p.WithAttributeName(s)
		case int:
			p = p.WithElementKeyInt(s)
		}
	}
	got, _, err := tftypes.WalkAttributePath(v, p)
	if err != nil {
		t.Fatalf("%v: %v", p, err)
	}
	return got.(tftypes.Value)
}

func TestPlanMarksComputedUnknown(t *testing.T) {
	typ := planSchema.ValueType()
	proposed, _ := tfprotov6.NewDynamicValue(typ, planValue(t, nil))
	resp, err := planResource(planSchema, &tfprotov6.PlanResourceChangeRequest{TypeName: "x", ProposedNewState: &proposed})
	if err != nil {
		t.Fatal(err)
	}
	planned, err := resp.PlannedState.Unmarshal(typ)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		path  []any
		known bool
	}{
		{[]any{"name"}, true}, {[]any{"id"}, false}, {[]any{"ids"}, false}, {[]any{"size"}, false},
		{[]any{"rule", 0, "port"}, true}, {[]any{"rule", 0, "arn"}, false},
	} {
		if got := attr(t, planned, tc.path...).IsKnown(); got != tc.known {
			t.Errorf("%v known = %v, want %v", tc.path, got, tc.known)
		}
	}
	// A configured optional+computed value is kept.
	proposed, _ = tfprotov6.NewDynamicValue(typ, planValue(t, 20))
	resp, _ = planResource(planSchema, &tfprotov6.PlanResourceChangeRequest{TypeName: "x", ProposedNewState: &proposed})
	planned, _ = resp.PlannedState.Unmarshal(typ)
	if v := attr(t, planned, "size"); !v.IsKnown() || v.IsNull() {
		t.Errorf("configured size planned as %v", v)
	}
}

func TestReadDataFillsPlaceholders(t *testing.T) {
	typ := planSchema.ValueType()
	config, _ := tfprotov6.NewDynamicValue(typ, planValue(t, nil))
	resp, err := readData(planSchema, &tfprotov6.ReadDataSourceRequest{TypeName: "x", Config: &config})
	if err != nil {
		t.Fatal(err)
	}
	state, _ := resp.State.Unmarshal(typ)
	var ids []tftypes.Value
	if err := attr(t, state, "ids").As(&ids); err != nil || len(ids) != 1 {
		t.Errorf("ids = %v (%v), want one placeholder so that element() and [0] work", ids, err)
	}
	var id string
	if err := attr(t, state, "rule", 0, "arn").As(&id); err != nil || id != placeholderString {
		t.Errorf("rule[0].arn = %q (%v), want %q", id, err, placeholderString)
	}
	if attr(t, state, "name").As(&id); id != "ws" {
		t.Errorf("name = %q, want the configured ws", id)
	}
}
