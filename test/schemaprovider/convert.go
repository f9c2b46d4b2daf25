package main

import (
	"fmt"
	"maps"
	"slices"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/zclconf/go-cty/cty"
)

// The conversions below carry everything Terraform checks a configuration
// against (types, nesting, required/optional/computed, item counts) plus
// sensitivity, deprecation and descriptions, so that warnings match too.

func convertSchema(s *tfjson.Schema) (*tfprotov6.Schema, error) {
	if s == nil {
		// A provider without configuration arguments still has to serve a block.
		return &tfprotov6.Schema{Block: &tfprotov6.SchemaBlock{}}, nil
	}
	block, err := convertBlock(s.Block)
	if err != nil {
		return nil, err
	}
	return &tfprotov6.Schema{Version: int64(s.Version), Block: block}, nil
}

func convertSchemas(in map[string]*tfjson.Schema) (map[string]*tfprotov6.Schema, error) {
	out := make(map[string]*tfprotov6.Schema, len(in))
	for name, s := range in {
		converted, err := convertSchema(s)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		out[name] = converted
	}
	return out, nil
}

func convertBlock(b *tfjson.SchemaBlock) (*tfprotov6.SchemaBlock, error) {
	out := &tfprotov6.SchemaBlock{}
	if b == nil {
		return out, nil
	}
	out.Description = b.Description
	out.DescriptionKind = convertDescriptionKind(b.DescriptionKind)
	out.Deprecated = b.Deprecated
	attrs, err := convertAttributes(b.Attributes)
	if err != nil {
		return nil, err
	}
	out.Attributes = attrs
	for _, name := range slices.Sorted(maps.Keys(b.NestedBlocks)) {
		bt := b.NestedBlocks[name]
		nesting, err := convertBlockNesting(bt.NestingMode)
		if err != nil {
			return nil, fmt.Errorf("block %s: %w", name, err)
		}
		inner, err := convertBlock(bt.Block)
		if err != nil {
			return nil, fmt.Errorf("block %s: %w", name, err)
		}
		out.BlockTypes = append(out.BlockTypes, &tfprotov6.SchemaNestedBlock{
			TypeName: name,
			Block:    inner,
			Nesting:  nesting,
			MinItems: int64(bt.MinItems),
			MaxItems: int64(bt.MaxItems),
		})
	}
	return out, nil
}

func convertAttributes(in map[string]*tfjson.SchemaAttribute) ([]*tfprotov6.SchemaAttribute, error) {
	var out []*tfprotov6.SchemaAttribute
	for _, name := range slices.Sorted(maps.Keys(in)) {
		a := in[name]
		attr := &tfprotov6.SchemaAttribute{
			Name:            name,
			Description:     a.Description,
			DescriptionKind: convertDescriptionKind(a.DescriptionKind),
			Deprecated:      a.Deprecated,
			Required:        a.Required,
			Optional:        a.Optional,
			Computed:        a.Computed,
			Sensitive:       a.Sensitive,
			WriteOnly:       a.WriteOnly,
		}
		switch {
		case a.AttributeNestedType != nil:
			nt := a.AttributeNestedType
			nesting, err := convertObjectNesting(nt.NestingMode)
			if err != nil {
				return nil, fmt.Errorf("attribute %s: %w", name, err)
			}
			nested, err := convertAttributes(nt.Attributes)
			if err != nil {
				return nil, fmt.Errorf("attribute %s: %w", name, err)
			}
			attr.NestedType = &tfprotov6.SchemaObject{Attributes: nested, Nesting: nesting}
		case a.AttributeType != cty.NilType:
			ty, err := convertType(a.AttributeType)
			if err != nil {
				return nil, fmt.Errorf("attribute %s: %w", name, err)
			}
			attr.Type = ty
		default:
			return nil, fmt.Errorf("attribute %s has neither type nor nested_type", name)
		}
		out = append(out, attr)
	}
	return out, nil
}

// convertType maps a cty type, as the schema JSON spells it, to the tftypes
// type the plugin protocol carries. Optional object attributes are kept: they
// are what lets an object-typed argument be given with only some of its fields.
func convertType(t cty.Type) (tftypes.Type, error) {
	switch {
	case t == cty.DynamicPseudoType:
		return tftypes.DynamicPseudoType, nil
	case t == cty.String:
		return tftypes.String, nil
	case t == cty.Number:
		return tftypes.Number, nil
	case t == cty.Bool:
		return tftypes.Bool, nil
	case t.IsListType(), t.IsSetType(), t.IsMapType():
		elem, err := convertType(t.ElementType())
		if err != nil {
			return nil, err
		}
		switch {
		case t.IsListType():
			return tftypes.List{ElementType: elem}, nil
		case t.IsSetType():
			return tftypes.Set{ElementType: elem}, nil
		default:
			return tftypes.Map{ElementType: elem}, nil
		}
	case t.IsObjectType():
		obj := tftypes.Object{AttributeTypes: map[string]tftypes.Type{}}
		for name, at := range t.AttributeTypes() {
			converted, err := convertType(at)
			if err != nil {
				return nil, fmt.Errorf("object attribute %s: %w", name, err)
			}
			obj.AttributeTypes[name] = converted
			if t.AttributeOptional(name) {
				if obj.OptionalAttributes == nil {
					obj.OptionalAttributes = map[string]struct{}{}
				}
				obj.OptionalAttributes[name] = struct{}{}
			}
		}
		return obj, nil
	case t.IsTupleType():
		var elems []tftypes.Type
		for i, et := range t.TupleElementTypes() {
			converted, err := convertType(et)
			if err != nil {
				return nil, fmt.Errorf("tuple element %d: %w", i, err)
			}
			elems = append(elems, converted)
		}
		return tftypes.Tuple{ElementTypes: elems}, nil
	}
	return nil, fmt.Errorf("unsupported type %s", t.FriendlyName())
}

func convertBlockNesting(m tfjson.SchemaNestingMode) (tfprotov6.SchemaNestedBlockNestingMode, error) {
	switch m {
	case tfjson.SchemaNestingModeSingle:
		return tfprotov6.SchemaNestedBlockNestingModeSingle, nil
	case tfjson.SchemaNestingModeGroup:
		return tfprotov6.SchemaNestedBlockNestingModeGroup, nil
	case tfjson.SchemaNestingModeList:
		return tfprotov6.SchemaNestedBlockNestingModeList, nil
	case tfjson.SchemaNestingModeSet:
		return tfprotov6.SchemaNestedBlockNestingModeSet, nil
	case tfjson.SchemaNestingModeMap:
		return tfprotov6.SchemaNestedBlockNestingModeMap, nil
	}
	return tfprotov6.SchemaNestedBlockNestingModeInvalid, fmt.Errorf("unknown block nesting mode %q", m)
}

func convertObjectNesting(m tfjson.SchemaNestingMode) (tfprotov6.SchemaObjectNestingMode, error) {
	switch m {
	case tfjson.SchemaNestingModeSingle:
		return tfprotov6.SchemaObjectNestingModeSingle, nil
	case tfjson.SchemaNestingModeList:
		return tfprotov6.SchemaObjectNestingModeList, nil
	case tfjson.SchemaNestingModeSet:
		return tfprotov6.SchemaObjectNestingModeSet, nil
	case tfjson.SchemaNestingModeMap:
		return tfprotov6.SchemaObjectNestingModeMap, nil
	}
	return tfprotov6.SchemaObjectNestingModeInvalid, fmt.Errorf("unknown nested attribute nesting mode %q", m)
}

func convertDescriptionKind(k tfjson.SchemaDescriptionKind) tfprotov6.StringKind {
	if k == tfjson.SchemaDescriptionKindMarkdown {
		return tfprotov6.StringKindMarkdown
	}
	return tfprotov6.StringKindPlain
}
