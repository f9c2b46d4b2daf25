// Package tfhcl writes the native-syntax (.tf) view of a Terraform JSON
// (.tf.json) file the generator rendered, for IaC scanners and for people.
//
// Scanners such as Trivy cannot tell a nested block from an attribute in
// JSON syntax, because JSON carries no schema: `"metadata_options": [{...}]`
// may be either. The native syntax says which. The generator's model (package
// tfjson) writes every nested block of a resource, data source or provider
// as a list of objects and every object-valued attribute as an object, so a
// list of objects there is a block sequence, except the list-of-objects
// attributes tfjson.ListAttributes names. Terraform's own language
// (terraform, variable, output, check, lifecycle, provisioner) is known here.
package tfhcl

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/coder-eks/coder-eks/generator/internal/render/tfjson"
)

// FileName is the native-syntax name of a JSON-syntax file:
// main.tf.json → main.tf.
func FileName(jsonName string) string { return strings.TrimSuffix(jsonName, ".json") }

// Convert returns the native syntax of one .tf.json file. The output is a
// function of the input alone: keys are written sorted.
func Convert(src []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(src))
	dec.UseNumber()
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("decode terraform JSON: %w", err)
	}
	f := hclwrite.NewEmptyFile()
	body := f.Body()
	if h, ok := doc["//"].(string); ok {
		body.AppendUnstructuredTokens(hclwrite.Tokens{
			{Type: hclsyntax.TokenComment, Bytes: []byte("# " + h + "\n")},
			{Type: hclsyntax.TokenComment, Bytes: []byte("# Native-syntax view of the rendered .tf.json, for scanners and review; the JSON is what is applied.\n")},
			{Type: hclsyntax.TokenNewline, Bytes: []byte("\n")},
		})
	}
	for _, top := range slices.Sorted(maps.Keys(doc)) {
		if top == "//" {
			continue
		}
		if err := writeTop(body, top, doc[top]); err != nil {
			return nil, fmt.Errorf("%s: %w", top, err)
		}
	}
	return hclwrite.Format(f.Bytes()), nil
}

func writeTop(body *hclwrite.Body, top string, v any) error {
	if top == "moved" || top == "removed" || top == "import" {
		return writeRefactoring(body, top, v)
	}
	m, ok := v.(map[string]any)
	if !ok {
		return fmt.Errorf("want an object, got %T", v)
	}
	switch top {
	case "terraform":
		return writeTerraform(topBlock(body, "terraform", nil).Body(), m)
	case "locals":
		b := topBlock(body, "locals", nil).Body()
		for _, k := range slices.Sorted(maps.Keys(m)) {
			if err := setExpr(b, k, m[k], exprText); err != nil {
				return err
			}
		}
		return nil
	case "provider":
		for _, name := range slices.Sorted(maps.Keys(m)) {
			for i, cfg := range objects(m[name]) {
				if err := writeBody(topBlock(body, "provider", []string{name}).Body(), "provider."+name, cfg); err != nil {
					return fmt.Errorf("%s[%d]: %w", name, i, err)
				}
			}
		}
		return nil
	case "resource", "data":
		return eachLabelled2(m, func(typ, name string, b map[string]any) error {
			return writeBody(topBlock(body, top, []string{typ, name}).Body(), typ, b)
		})
	case "variable", "output", "check":
		for _, name := range slices.Sorted(maps.Keys(m)) {
			b, ok := m[name].(map[string]any)
			if !ok {
				return fmt.Errorf("%s: want an object", name)
			}
			if err := writeMeta(topBlock(body, top, []string{name}).Body(), top, b); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
		}
		return nil
	}
	return fmt.Errorf("top-level %q is not supported by the native-syntax view", top)
}

// writeRefactoring writes moved, removed and import blocks, whose
// addresses (from, to) are references.
func writeRefactoring(body *hclwrite.Body, top string, v any) error {
	objs := objects(v)
	if objs == nil {
		return fmt.Errorf("want a list of objects, got %T", v)
	}
	for i, o := range objs {
		b := topBlock(body, top, nil).Body()
		attrs := map[string]any{}
		for _, k := range slices.Sorted(maps.Keys(o)) {
			var err error
			switch k {
			case "from", "to":
				err = setExpr(b, k, o[k], traversalText)
			case "lifecycle":
				for _, l := range objects(o[k]) {
					if err = writeAttrs(b.AppendNewBlock("lifecycle", nil).Body(), l); err != nil {
						break
					}
				}
			default:
				attrs[k] = o[k]
			}
			if err != nil {
				return fmt.Errorf("[%d]: %w", i, err)
			}
		}
		if err := writeAttrs(b, attrs); err != nil {
			return fmt.Errorf("[%d]: %w", i, err)
		}
	}
	return nil
}

func eachLabelled2(m map[string]any, fn func(typ, name string, b map[string]any) error) error {
	for _, typ := range slices.Sorted(maps.Keys(m)) {
		byName, ok := m[typ].(map[string]any)
		if !ok {
			return fmt.Errorf("%s: want an object", typ)
		}
		for _, name := range slices.Sorted(maps.Keys(byName)) {
			b, ok := byName[name].(map[string]any)
			if !ok {
				return fmt.Errorf("%s.%s: want an object", typ, name)
			}
			if err := fn(typ, name, b); err != nil {
				return fmt.Errorf("%s.%s: %w", typ, name, err)
			}
		}
	}
	return nil
}

func writeTerraform(b *hclwrite.Body, m map[string]any) error {
	for _, k := range slices.Sorted(maps.Keys(m)) {
		switch k {
		case "required_providers":
			rp, ok := m[k].(map[string]any)
			if !ok {
				return fmt.Errorf("required_providers: want an object")
			}
			rb := b.AppendNewBlock("required_providers", nil).Body()
			for _, name := range slices.Sorted(maps.Keys(rp)) {
				if err := setExpr(rb, name, rp[name], requirementText); err != nil {
					return err
				}
			}
		case "backend", "cloud":
			kinds, ok := m[k].(map[string]any)
			if !ok {
				return fmt.Errorf("%s: want an object", k)
			}
			for _, kind := range slices.Sorted(maps.Keys(kinds)) {
				cfg, _ := kinds[kind].(map[string]any)
				labels := []string{kind}
				if k == "cloud" {
					labels = nil
				}
				if err := writeAttrs(b.AppendNewBlock(k, labels).Body(), cfg); err != nil {
					return err
				}
			}
		default:
			if err := setExpr(b, k, m[k], exprText); err != nil {
				return err
			}
		}
	}
	return nil
}

// requirementText is a required_providers entry, whose
// configuration_aliases are references.
func requirementText(v any) (string, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return exprText(v)
	}
	var b strings.Builder
	b.WriteString("{\n")
	for _, k := range slices.Sorted(maps.Keys(m)) {
		conv := exprText
		if k == "configuration_aliases" {
			conv = traversalText
		}
		s, err := conv(m[k])
		if err != nil {
			return "", err
		}
		b.WriteString(k + " = " + s + "\n")
	}
	b.WriteString("}")
	return b.String(), nil
}

// writeMeta writes a variable, output or check block.
func writeMeta(b *hclwrite.Body, kind string, m map[string]any) error {
	attrs := map[string]any{}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		v := m[k]
		switch {
		case kind == "variable" && k == "type":
			if err := setExpr(b, k, v, traversalText); err != nil {
				return err
			}
		case kind == "variable" && k == "default":
			if err := setExpr(b, k, v, literalText); err != nil {
				return err
			}
		case k == "depends_on":
			if err := setExpr(b, k, v, traversalText); err != nil {
				return err
			}
		case k == "validation" || k == "precondition" || k == "assert":
			for _, o := range objects(v) {
				if err := writeAttrs(b.AppendNewBlock(k, nil).Body(), o); err != nil {
					return err
				}
			}
		case kind == "check" && k == "data":
			dm, ok := v.(map[string]any)
			if !ok {
				return fmt.Errorf("data: want an object")
			}
			if err := eachLabelled2(dm, func(typ, name string, db map[string]any) error {
				return writeBody(b.AppendNewBlock("data", []string{typ, name}).Body(), typ, db)
			}); err != nil {
				return err
			}
		default:
			attrs[k] = v
		}
	}
	return writeAttrs(b, attrs)
}

// writeBody writes a resource, data source, provider or nested block body;
// path ("aws_instance", "aws_instance.metadata_options") names it for
// tfjson.ListAttributes. Meta-arguments are those of a resource or data
// source itself (a path without a dot): a nested block may be called
// "provider" (aws_eks_cluster's encryption_config).
func writeBody(b *hclwrite.Body, path string, m map[string]any) error {
	type block struct {
		key  string
		objs []map[string]any
	}
	var blocks []block
	for _, k := range slices.Sorted(maps.Keys(m)) {
		v := m[k]
		switch meta := !strings.Contains(path, "."); {
		case meta && (k == "depends_on" || k == "provider"):
			if err := setExpr(b, k, v, traversalText); err != nil {
				return err
			}
			continue
		case meta && (k == "lifecycle" || k == "provisioner" || k == "connection") || k == "dynamic":
			blocks = append(blocks, block{k, objects(v)})
			continue
		}
		if _, isList := v.([]any); isList && objects(v) != nil && !tfjson.ListAttributes[path+"."+k] {
			objs := objects(v)
			blocks = append(blocks, block{k, objs})
			continue
		}
		if err := setExpr(b, k, v, exprText); err != nil {
			return err
		}
	}
	for _, blk := range blocks {
		for i, o := range blk.objs {
			var err error
			switch blk.key {
			case "lifecycle":
				err = writeLifecycle(b.AppendNewBlock("lifecycle", nil).Body(), o)
			case "provisioner", "dynamic":
				err = eachLabelled1(o, func(label string, pb map[string]any) error {
					return writeBody(b.AppendNewBlock(blk.key, []string{label}).Body(), path+"."+blk.key+"."+label, pb)
				})
			default:
				err = writeBody(b.AppendNewBlock(blk.key, nil).Body(), path+"."+blk.key, o)
			}
			if err != nil {
				return fmt.Errorf("%s[%d]: %w", blk.key, i, err)
			}
		}
	}
	return nil
}

func eachLabelled1(m map[string]any, fn func(label string, b map[string]any) error) error {
	for _, label := range slices.Sorted(maps.Keys(m)) {
		for _, o := range objects(m[label]) {
			if err := fn(label, o); err != nil {
				return fmt.Errorf("%s: %w", label, err)
			}
		}
	}
	return nil
}

func writeLifecycle(b *hclwrite.Body, m map[string]any) error {
	attrs := map[string]any{}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		switch k {
		case "ignore_changes", "replace_triggered_by":
			if err := setExpr(b, k, m[k], traversalText); err != nil {
				return err
			}
		case "precondition", "postcondition":
			for _, o := range objects(m[k]) {
				if err := writeAttrs(b.AppendNewBlock(k, nil).Body(), o); err != nil {
					return err
				}
			}
		default:
			attrs[k] = m[k]
		}
	}
	return writeAttrs(b, attrs)
}

func writeAttrs(b *hclwrite.Body, m map[string]any) error {
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if err := setExpr(b, k, m[k], exprText); err != nil {
			return err
		}
	}
	return nil
}

// objects returns v as a block sequence: a list whose elements are all
// objects, or a single object (Terraform's JSON syntax allows both); nil
// otherwise.
func objects(v any) []map[string]any {
	switch v := v.(type) {
	case map[string]any:
		return []map[string]any{v}
	case []any:
		if len(v) == 0 {
			return nil
		}
		out := make([]map[string]any, len(v))
		for i, e := range v {
			o, ok := e.(map[string]any)
			if !ok {
				return nil
			}
			out[i] = o
		}
		return out
	}
	return nil
}

// setExpr converts v with conv and sets it as attribute name, going
// through hclwrite's parser so the tokens are the native syntax's own.
func setExpr(b *hclwrite.Body, name string, v any, conv func(any) (string, error)) error {
	text, err := conv(v)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	src := "v = " + text + "\n"
	f, diags := hclwrite.ParseConfig([]byte(src), name, hclPos)
	if diags.HasErrors() {
		return fmt.Errorf("%s: native syntax %q: %s", name, text, diags.Error())
	}
	attr := f.Body().GetAttribute("v")
	if attr == nil {
		return fmt.Errorf("%s: native syntax %q is not one attribute", name, text)
	}
	b.SetAttributeRaw(name, attr.Expr().BuildTokens(nil))
	return nil
}

// topBlock appends a top-level block, a blank line after the previous one.
func topBlock(body *hclwrite.Body, typ string, labels []string) *hclwrite.Block {
	if len(body.Blocks()) > 0 {
		body.AppendNewline()
	}
	return body.AppendNewBlock(typ, labels)
}
