package main

import (
	"fmt"
	"math/big"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Plan mode: enough of a provider for `terraform plan` (and apply) of a
// configuration without the cloud behind it, which is what coderd's
// template import runs. It mirrors what every provider does with the
// schema alone and no more:
//   - a resource's plan is Terraform's proposed new state with each
//     computed attribute the configuration left null unknown (as a
//     provider that cannot predict it plans it);
//   - an apply turns the unknowns into placeholders;
//   - a data source answers its configuration with each computed null
//     attribute a placeholder of its type: a string "placeholder", the
//     number 1, false, a one-element list or set (so an index or
//     element() of it works), an empty map;
//   - the provider configuration is accepted as given, and state reads
//     and upgrades return the state unchanged.
// Placeholders are deliberately dull: a template that depends on a real
// value of a data source (an AMI's architecture, a subnet's AZ) is
// exercised by test/tfplan's mocks, not here.

const placeholderString = "placeholder"

// fill returns v with each computed attribute of block b that is null
// replaced by with(type), recursing into nested blocks.
func fill(b *tfprotov6.SchemaBlock, v tftypes.Value, with func(tftypes.Type) tftypes.Value) (tftypes.Value, error) {
	if v.IsNull() || !v.IsKnown() {
		return v, nil
	}
	var fields map[string]tftypes.Value
	if err := v.As(&fields); err != nil {
		return v, err
	}
	for _, a := range b.Attributes {
		if f, ok := fields[a.Name]; ok && a.Computed && f.IsNull() {
			fields[a.Name] = with(a.ValueType())
		}
	}
	for _, nb := range b.BlockTypes {
		f, ok := fields[nb.TypeName]
		if !ok || f.IsNull() || !f.IsKnown() {
			continue
		}
		var err error
		if fields[nb.TypeName], err = fillNested(nb, f, with); err != nil {
			return v, fmt.Errorf("%s: %w", nb.TypeName, err)
		}
	}
	return tftypes.NewValue(v.Type(), fields), nil
}

// fillNested applies fill to each element of a nested block's value.
func fillNested(nb *tfprotov6.SchemaNestedBlock, v tftypes.Value, with func(tftypes.Type) tftypes.Value) (tftypes.Value, error) {
	switch nb.Nesting {
	case tfprotov6.SchemaNestedBlockNestingModeSingle, tfprotov6.SchemaNestedBlockNestingModeGroup:
		return fill(nb.Block, v, with)
	case tfprotov6.SchemaNestedBlockNestingModeMap:
		var elems map[string]tftypes.Value
		if err := v.As(&elems); err != nil {
			return v, err
		}
		for k, e := range elems {
			var err error
			if elems[k], err = fill(nb.Block, e, with); err != nil {
				return v, err
			}
		}
		return tftypes.NewValue(v.Type(), elems), nil
	default: // list, set
		var elems []tftypes.Value
		if err := v.As(&elems); err != nil {
			return v, err
		}
		for i, e := range elems {
			var err error
			if elems[i], err = fill(nb.Block, e, with); err != nil {
				return v, err
			}
		}
		return tftypes.NewValue(v.Type(), elems), nil
	}
}

// unknown is what a provider plans for a value it cannot predict.
func unknown(t tftypes.Type) tftypes.Value { return tftypes.NewValue(t, tftypes.UnknownValue) }

// placeholder is a known value of type t (see the package comment).
func placeholder(t tftypes.Type) tftypes.Value {
	switch {
	case t.Is(tftypes.String):
		return tftypes.NewValue(t, placeholderString)
	case t.Is(tftypes.Number):
		return tftypes.NewValue(t, big.NewFloat(1))
	case t.Is(tftypes.Bool):
		return tftypes.NewValue(t, false)
	case t.Is(tftypes.List{}):
		return tftypes.NewValue(t, []tftypes.Value{placeholder(t.(tftypes.List).ElementType)})
	case t.Is(tftypes.Set{}):
		return tftypes.NewValue(t, []tftypes.Value{placeholder(t.(tftypes.Set).ElementType)})
	case t.Is(tftypes.Map{}):
		return tftypes.NewValue(t, map[string]tftypes.Value{})
	case t.Is(tftypes.Object{}):
		fields := map[string]tftypes.Value{}
		for name, at := range t.(tftypes.Object).AttributeTypes {
			fields[name] = placeholder(at)
		}
		return tftypes.NewValue(t, fields)
	case t.Is(tftypes.Tuple{}):
		var elems []tftypes.Value
		for _, et := range t.(tftypes.Tuple).ElementTypes {
			elems = append(elems, placeholder(et))
		}
		return tftypes.NewValue(t, elems)
	}
	return tftypes.NewValue(t, nil) // dynamic: null
}

// known replaces every unknown in v (at any depth) with a placeholder.
func known(v tftypes.Value) (tftypes.Value, error) {
	return tftypes.Transform(v, func(_ *tftypes.AttributePath, v tftypes.Value) (tftypes.Value, error) {
		if !v.IsKnown() {
			return placeholder(v.Type()), nil
		}
		return v, nil
	})
}

// decode unmarshals a request's value with the schema's type.
func decode(s *tfprotov6.Schema, dv *tfprotov6.DynamicValue) (tftypes.Value, tftypes.Type, error) {
	t := s.ValueType()
	if dv == nil {
		return tftypes.NewValue(t, nil), t, nil
	}
	v, err := dv.Unmarshal(t)
	return v, t, err
}

func encode(t tftypes.Type, v tftypes.Value) (*tfprotov6.DynamicValue, error) {
	dv, err := tfprotov6.NewDynamicValue(t, v)
	return &dv, err
}

// planResource plans a change: the proposed new state, computed nulls unknown.
func planResource(s *tfprotov6.Schema, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	proposed, t, err := decode(s, req.ProposedNewState)
	if err != nil {
		return nil, fmt.Errorf("plan %s: %w", req.TypeName, err)
	}
	planned, err := fill(s.Block, proposed, unknown)
	if err != nil {
		return nil, fmt.Errorf("plan %s: %w", req.TypeName, err)
	}
	dv, err := encode(t, planned)
	return &tfprotov6.PlanResourceChangeResponse{PlannedState: dv, PlannedPrivate: req.PriorPrivate}, err
}

// applyResource applies a planned change: unknowns become placeholders.
func applyResource(s *tfprotov6.Schema, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	planned, t, err := decode(s, req.PlannedState)
	if err != nil {
		return nil, fmt.Errorf("apply %s: %w", req.TypeName, err)
	}
	if planned, err = known(planned); err != nil {
		return nil, fmt.Errorf("apply %s: %w", req.TypeName, err)
	}
	dv, err := encode(t, planned)
	return &tfprotov6.ApplyResourceChangeResponse{NewState: dv, Private: req.PlannedPrivate}, err
}

// readData answers a data source: its configuration, computed nulls filled.
func readData(s *tfprotov6.Schema, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	config, t, err := decode(s, req.Config)
	if err != nil {
		return nil, fmt.Errorf("read data %s: %w", req.TypeName, err)
	}
	state, err := fill(s.Block, config, placeholder)
	if err != nil {
		return nil, fmt.Errorf("read data %s: %w", req.TypeName, err)
	}
	dv, err := encode(t, state)
	return &tfprotov6.ReadDataSourceResponse{State: dv}, err
}

// upgradeState decodes stored state (JSON) with today's schema unchanged.
func upgradeState(s *tfprotov6.Schema, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	t := s.ValueType()
	if req.RawState == nil {
		dv, err := encode(t, tftypes.NewValue(t, nil))
		return &tfprotov6.UpgradeResourceStateResponse{UpgradedState: dv}, err
	}
	v, err := req.RawState.UnmarshalWithOpts(t, tfprotov6.UnmarshalOpts{ValueFromJSONOpts: tftypes.ValueFromJSONOpts{IgnoreUndefinedAttributes: true}})
	if err != nil {
		return nil, fmt.Errorf("upgrade state %s: %w", req.TypeName, err)
	}
	dv, err := encode(t, v)
	return &tfprotov6.UpgradeResourceStateResponse{UpgradedState: dv}, err
}
