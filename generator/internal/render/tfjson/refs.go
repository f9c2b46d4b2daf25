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
	m, nodes, err := parseModule(files)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, n := range nodes {
		if n.kind == "variable" {
			continue // type constraints are not templates
		}
		for _, t := range n.refs {
			if ref, ok := m.resolve(t); !ok {
				out = append(out, n.file+": "+ref)
			}
		}
	}
	sort.Strings(out)
	return out, nil
}

// Unused returns every local, data source and variable of a module that
// nothing live reads, as "file: reference": live are resources, outputs,
// providers, checks and module calls, and whatever they read, directly or
// through other locals and data sources. A declaration only dead ones read
// is dead too.
func Unused(files map[string][]byte) ([]string, error) {
	m, nodes, err := parseModule(files)
	if err != nil {
		return nil, err
	}
	byName := map[string][]node{}
	var queue []string
	live := map[string]bool{}
	for _, n := range nodes {
		byName[n.name] = append(byName[n.name], n)
		switch n.kind {
		case "resource", "output", "provider", "check", "module":
			if !live[n.name] {
				live[n.name] = true
				queue = append(queue, n.name)
			}
		}
	}
	for len(queue) > 0 {
		name := queue[0]
		queue = queue[1:]
		for _, n := range byName[name] {
			for _, t := range n.refs {
				if ref, ok := m.resolve(t); ok && !live[ref] {
					live[ref] = true
					queue = append(queue, ref)
				}
			}
		}
	}
	var out []string
	for _, n := range nodes {
		switch n.kind {
		case "local", "data", "variable":
			if !live[n.name] {
				out = append(out, n.file+": "+n.name)
			}
		}
	}
	sort.Strings(out)
	return out, nil
}

// node is one declaration (a block, or one local) and what it reads.
type node struct {
	file, kind, name string
	refs             []hcl.Traversal
}

// parseModule declares everything the files declare and lists each
// declaration's references.
func parseModule(files map[string][]byte) (*refModule, []node, error) {
	m := &refModule{declared: map[string]bool{}}
	var bodies []namedBody
	for _, name := range slices.Sorted(maps.Keys(files)) {
		f, diags := hcljson.Parse(files[name], name)
		if diags.HasErrors() {
			return nil, nil, fmt.Errorf("parse %s: %w", name, diags)
		}
		content, _, diags := f.Body.PartialContent(moduleSchema)
		if diags.HasErrors() {
			return nil, nil, fmt.Errorf("decode %s: %w", name, diags)
		}
		for _, blk := range content.Blocks {
			if err := m.declare(blk); err != nil {
				return nil, nil, fmt.Errorf("%s: %w", name, err)
			}
			if blk.Type != "terraform" {
				bodies = append(bodies, namedBody{name, files[name], blk})
			}
		}
	}
	var nodes []node
	for _, b := range bodies {
		ns, err := m.nodes(b)
		if err != nil {
			return nil, nil, err
		}
		nodes = append(nodes, ns...)
	}
	return m, nodes, nil
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

// nodes returns one block's declarations with their references: one per
// local in a locals block, else the block itself.
func (m *refModule) nodes(b namedBody) ([]node, error) {
	attrs, diags := b.blk.Body.JustAttributes()
	if diags.HasErrors() {
		return nil, fmt.Errorf("%s: %w", b.file, diags)
	}
	whole := node{file: b.file, kind: b.blk.Type, name: blockName(b.blk)}
	var out []node
	for _, name := range slices.Sorted(maps.Keys(attrs)) {
		a := attrs[name]
		var raw any
		r := a.Expr.Range()
		if err := json.Unmarshal(b.src[r.Start.Byte:r.End.Byte], &raw); err != nil {
			return nil, fmt.Errorf("%s: %s: %w", b.file, name, err)
		}
		var traversals []hcl.Traversal
		var err error
		switch {
		case b.blk.Type == "locals":
			traversals, err = templateTraversals(raw, b.file)
		case name == "depends_on":
			traversals, err = bareTraversals(raw, b.file)
		case name == "lifecycle":
			traversals, err = lifecycleTraversals(raw, b.file)
		case name == "provider":
			continue
		default:
			traversals, err = templateTraversals(raw, b.file)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %s %s: %w", b.file, strings.Join(append([]string{b.blk.Type}, b.blk.Labels...), "."), name, err)
		}
		if b.blk.Type == "locals" {
			out = append(out, node{file: b.file, kind: "local", name: "local." + name, refs: traversals})
			continue
		}
		whole.refs = append(whole.refs, traversals...)
	}
	if b.blk.Type != "locals" {
		out = append(out, whole)
	}
	return out, nil
}

// blockName is how references name a block ("data.aws_vpc.this",
// "aws_subnet.a", "var.v"); outputs, providers and checks get a name of
// their own no reference uses.
func blockName(blk *hcl.Block) string {
	switch blk.Type {
	case "resource":
		return blk.Labels[0] + "." + blk.Labels[1]
	case "variable":
		return "var." + blk.Labels[0]
	}
	return strings.Join(append([]string{blk.Type}, blk.Labels...), ".")
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
