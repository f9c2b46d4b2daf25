package tfjson

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	hcljson "github.com/hashicorp/hcl/v2/json"
)

// moduleSchema is the top level of a Terraform module, as far as checking
// references needs it.
var moduleSchema = &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{
	{Type: "terraform"},
	{Type: "provider", LabelNames: []string{"name"}},
	{Type: "variable", LabelNames: []string{"name"}},
	{Type: "locals"},
	{Type: "output", LabelNames: []string{"name"}},
	{Type: "module", LabelNames: []string{"name"}},
	{Type: "resource", LabelNames: []string{"type", "name"}},
	{Type: "data", LabelNames: []string{"type", "name"}},
	{Type: "check", LabelNames: []string{"name"}},
}}

// builtinRoots are references that need no declaration.
var builtinRoots = map[string]bool{"count": true, "each": true, "path": true, "terraform": true, "self": true}

// Unresolved parses a module's .tf.json files with hcl/v2's JSON parser and
// returns every reference that names nothing the module declares, as
// "file: reference". Every string is parsed as a Terraform template, so a
// malformed interpolation is an error too.
func Unresolved(files map[string][]byte) ([]string, error) {
	m := &refModule{declared: map[string]bool{}}
	var bodies []namedBody
	for _, name := range slices.Sorted(maps.Keys(files)) {
		f, diags := hcljson.Parse(files[name], name)
		if diags.HasErrors() {
			return nil, fmt.Errorf("parse %s: %w", name, diags)
		}
		content, _, diags := f.Body.PartialContent(moduleSchema)
		if diags.HasErrors() {
			return nil, fmt.Errorf("decode %s: %w", name, diags)
		}
		for _, blk := range content.Blocks {
			if err := m.declare(blk); err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			if blk.Type != "terraform" && blk.Type != "variable" {
				bodies = append(bodies, namedBody{name, files[name], blk})
			}
		}
	}
	var out []string
	for _, b := range bodies {
		refs, err := m.check(b)
		if err != nil {
			return nil, err
		}
		out = append(out, refs...)
	}
	sort.Strings(out)
	return out, nil
}

type refModule struct{ declared map[string]bool }

type namedBody struct {
	file string
	src  []byte
	blk  *hcl.Block
}

func (m *refModule) declare(blk *hcl.Block) error {
	switch blk.Type {
	case "resource":
		m.declared[blk.Labels[0]+"."+blk.Labels[1]] = true
	case "data":
		m.declared["data."+blk.Labels[0]+"."+blk.Labels[1]] = true
	case "variable":
		m.declared["var."+blk.Labels[0]] = true
	case "module":
		m.declared["module."+blk.Labels[0]] = true
	case "locals":
		attrs, diags := blk.Body.JustAttributes()
		if diags.HasErrors() {
			return diags
		}
		for name := range attrs {
			m.declared["local."+name] = true
		}
	}
	return nil
}

// check returns the unresolved references of one block.
func (m *refModule) check(b namedBody) ([]string, error) {
	attrs, diags := b.blk.Body.JustAttributes()
	if diags.HasErrors() {
		return nil, fmt.Errorf("%s: %w", b.file, diags)
	}
	var out []string
	for _, name := range slices.Sorted(maps.Keys(attrs)) {
		a := attrs[name]
		var raw any
		r := a.Expr.Range()
		if err := json.Unmarshal(b.src[r.Start.Byte:r.End.Byte], &raw); err != nil {
			return nil, fmt.Errorf("%s: %s: %w", b.file, name, err)
		}
		var traversals []hcl.Traversal
		var err error
		switch name {
		case "depends_on":
			traversals, err = bareTraversals(raw, b.file)
		case "lifecycle":
			traversals, err = lifecycleTraversals(raw, b.file)
		case "provider":
			continue
		default:
			traversals, err = templateTraversals(raw, b.file)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %s %s: %w", b.file, strings.Join(append([]string{b.blk.Type}, b.blk.Labels...), "."), name, err)
		}
		for _, t := range traversals {
			if ref, ok := m.resolve(t); !ok {
				out = append(out, b.file+": "+ref)
			}
		}
	}
	return out, nil
}

// resolve reports whether a traversal's subject is declared.
func (m *refModule) resolve(t hcl.Traversal) (string, bool) {
	root := t.RootName()
	if builtinRoots[root] {
		return root, true
	}
	n := 2
	if root == "data" {
		n = 3
	}
	parts := []string{root}
	for _, step := range t[1:] {
		if len(parts) == n {
			break
		}
		a, ok := step.(hcl.TraverseAttr)
		if !ok {
			break
		}
		parts = append(parts, a.Name)
	}
	ref := strings.Join(parts, ".")
	return ref, len(parts) == n && m.declared[ref]
}

// templateTraversals parses every string in a JSON value as a template.
func templateTraversals(v any, file string) ([]hcl.Traversal, error) {
	var out []hcl.Traversal
	var walk func(v any) error
	walk = func(v any) error {
		switch x := v.(type) {
		case string:
			expr, diags := hclsyntax.ParseTemplate([]byte(x), file, hcl.InitialPos)
			if diags.HasErrors() {
				return fmt.Errorf("template %q: %w", x, diags)
			}
			out = append(out, expr.Variables()...)
		case []any:
			for _, e := range x {
				if err := walk(e); err != nil {
					return err
				}
			}
		case map[string]any:
			for _, k := range slices.Sorted(maps.Keys(x)) {
				if err := walk(x[k]); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return out, walk(v)
}

// bareTraversals parses a list of references written without "${}"
// (depends_on, replace_triggered_by).
func bareTraversals(v any, file string) ([]hcl.Traversal, error) {
	list, _ := v.([]any)
	var out []hcl.Traversal
	for _, e := range list {
		s, _ := e.(string)
		t, diags := hclsyntax.ParseTraversalAbs([]byte(s), file, hcl.InitialPos)
		if diags.HasErrors() {
			return nil, fmt.Errorf("reference %q: %w", s, diags)
		}
		out = append(out, t)
	}
	return out, nil
}

// lifecycleTraversals are the references of replace_triggered_by;
// ignore_changes names attributes, not objects.
func lifecycleTraversals(v any, file string) ([]hcl.Traversal, error) {
	blocks, _ := v.([]any)
	if m, ok := v.(map[string]any); ok {
		blocks = []any{m}
	}
	var out []hcl.Traversal
	for _, b := range blocks {
		m, _ := b.(map[string]any)
		t, err := bareTraversals(m["replace_triggered_by"], file)
		if err != nil {
			return nil, err
		}
		out = append(out, t...)
	}
	return out, nil
}
