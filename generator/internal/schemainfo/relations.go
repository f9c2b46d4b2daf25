package schemainfo

import (
	"strconv"
	"strings"

	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/token"
)

// Relation is a cross-field constraint as the schema writes it: a bound
// on one field whose operand is another field (control_node_max_size:
// >=control_node_min_size).
type Relation struct {
	Field string // the field the bound is written on
	Op    string // ">=", "<=", ">", "<" or "!="
	Other string // the field the bound refers to
	// OtherOuter is whether Other is a field of the enclosing definition
	// rather than a sibling: a list element's bound on the environment
	// (secondary_regions' region: !=_primary.region).
	OtherOuter bool
	Pos        token.Pos // the bound in the schema
}

// Rule is the relation as a reader states it: "a >= b".
func (r Relation) Rule() string { return r.Field + " " + r.Op + " " + r.Other }

// Conditional is a field a rule applies to only when a condition holds
// (if eks_endpoint_public_access { eks_public_access_cidrs: ... }): the
// condition's fields are where a user who set them has to look.
type Conditional struct {
	Field     string
	Condition string   // as written
	Refs      []string // the fields the condition reads
	Pos       token.Pos
}

// Relations lists the cross-field bounds of the struct literals named
// label in files (a definition may be written in several files), in
// source order. Hidden helper structs whose fields only alias other
// fields (_primary: {region: aws_region}) are followed, so a bound on
// _primary.region names aws_region.
func Relations(files []*ast.File, label string) []Relation {
	var out []Relation
	for _, lit := range definitions(files, label) {
		out = append(out, structRelations(lit, lit, false)...)
	}
	return out
}

// ElementRelations lists, for each list field of the definition whose
// elements are constrained by definitions or hidden structs
// (secondary_regions: [...#SecondaryRegion & _secondaryDefaults]), the
// relations those put on every element, keyed by the list field's name.
func ElementRelations(files []*ast.File, label string) map[string][]Relation {
	out := map[string][]Relation{}
	for _, lit := range definitions(files, label) {
		for name, ids := range elementTypes(lit) {
			for _, id := range ids {
				if strings.HasPrefix(id, "#") {
					for _, def := range definitions(files, id) {
						out[name] = append(out[name], structRelations(def, def, false)...)
					}
				} else if hidden, ok := fieldStruct(lit, id); ok {
					out[name] = append(out[name], structRelations(hidden, lit, true)...)
				}
			}
		}
	}
	return out
}

// ElementTypes lists, for each list field of the definition whose
// elements unify named values ([...#SecondaryRegion & _secondaryDefaults]),
// those names.
func ElementTypes(files []*ast.File, label string) map[string][]string {
	out := map[string][]string{}
	for _, lit := range definitions(files, label) {
		for name, ids := range elementTypes(lit) {
			out[name] = append(out[name], ids...)
		}
	}
	return out
}

func elementTypes(lit *ast.StructLit) map[string][]string {
	out := map[string][]string{}
	for name, f := range namedFields(lit) {
		for _, d := range disjuncts(f.Value) {
			l, ok := d.(*ast.ListLit)
			if !ok || len(l.Elts) != 1 {
				continue
			}
			if e, ok := l.Elts[0].(*ast.Ellipsis); ok && e.Type != nil {
				out[name] = append(out[name], conjunctIdents(e.Type)...)
			}
		}
	}
	return out
}

// Conditionals lists the fields the definition constrains inside "if"
// comprehensions, with the fields each condition reads.
func Conditionals(files []*ast.File, label string) []Conditional {
	var out []Conditional
	for _, lit := range definitions(files, label) {
		for _, elt := range lit.Elts {
			c, ok := elt.(*ast.Comprehension)
			if !ok {
				continue
			}
			var conds []string
			var refs []string
			for _, cl := range c.Clauses {
				if ifc, ok := cl.(*ast.IfClause); ok {
					conds = append(conds, source(ifc.Condition))
					refs = append(refs, idents(ifc.Condition)...)
				}
			}
			body, ok := c.Value.(*ast.StructLit)
			if !ok || len(conds) == 0 {
				continue
			}
			for _, e := range body.Elts {
				if f, ok := e.(*ast.Field); ok {
					name, _, _ := ast.LabelName(f.Label)
					out = append(out, Conditional{Field: name, Condition: strings.Join(conds, " && "), Refs: refs, Pos: f.Pos()})
				}
			}
		}
	}
	return out
}

// definitions are every top-level struct literal named label, each with
// the definitions it embeds by name (#NodeGroups) written into it.
func definitions(files []*ast.File, label string) []*ast.StructLit {
	var out []*ast.StructLit
	for _, f := range files {
		for _, d := range f.Decls {
			field, ok := d.(*ast.Field)
			if !ok {
				continue
			}
			if name, _, _ := ast.LabelName(field.Label); name == label {
				if s, ok := field.Value.(*ast.StructLit); ok {
					out = append(out, inlineEmbedded(files, s))
				}
			}
		}
	}
	return out
}

// inlineEmbedded is lit with each embedded definition replaced by its
// elements (positions kept: they point into the embedded definition). lit
// itself is not changed.
func inlineEmbedded(files []*ast.File, lit *ast.StructLit) *ast.StructLit {
	var elts []ast.Decl
	changed := false
	for _, elt := range lit.Elts {
		if e, ok := elt.(*ast.EmbedDecl); ok {
			if defs := embeddedDefinitions(files, e); len(defs) > 0 {
				changed = true
				for _, d := range defs {
					elts = append(elts, d.Elts...)
				}
				continue
			}
		}
		elts = append(elts, elt)
	}
	if !changed {
		return lit
	}
	out := *lit
	out.Elts = elts
	return &out
}

// structRelations collects the relational bounds on lit's regular fields
// whose operand names a field: of lit itself, or (outer) of scope through
// one of scope's hidden alias structs.
func structRelations(lit, scope *ast.StructLit, outer bool) []Relation {
	var out []Relation
	for _, elt := range lit.Elts {
		f, ok := elt.(*ast.Field)
		if !ok {
			continue
		}
		name, _, err := ast.LabelName(f.Label)
		if err != nil || strings.HasPrefix(name, "_") || strings.HasPrefix(name, "#") {
			continue
		}
		ast.Walk(f.Value, func(n ast.Node) bool {
			u, ok := n.(*ast.UnaryExpr)
			if !ok || !relational(u.Op) {
				return true
			}
			if other, ok := operandField(u.X, scope); ok {
				out = append(out, Relation{Field: name, Op: u.Op.String(), Other: other, OtherOuter: outer, Pos: u.Pos()})
			}
			return false
		}, nil)
	}
	return out
}

func relational(op token.Token) bool {
	switch op {
	case token.GEQ, token.LEQ, token.GTR, token.LSS, token.NEQ:
		return true
	}
	return false
}

// operandField is the field a bound's operand names: an identifier of a
// regular field, or a selector into a hidden alias struct of scope
// (_primary.region, where _primary: {region: aws_region}).
func operandField(x ast.Expr, scope *ast.StructLit) (string, bool) {
	switch x := x.(type) {
	case *ast.Ident:
		if strings.HasPrefix(x.Name, "_") || strings.HasPrefix(x.Name, "#") {
			return "", false
		}
		return x.Name, true
	case *ast.SelectorExpr:
		base, ok := x.X.(*ast.Ident)
		if !ok {
			return "", false
		}
		alias, ok := fieldStruct(scope, base.Name)
		if !ok {
			return "", false
		}
		sel, _, _ := ast.LabelName(x.Sel)
		for _, elt := range alias.Elts {
			if f, ok := elt.(*ast.Field); ok {
				if n, _, _ := ast.LabelName(f.Label); n == sel {
					if id, ok := f.Value.(*ast.Ident); ok {
						return id.Name, true
					}
				}
			}
		}
	}
	return "", false
}

// fieldStruct is the struct literal lit's field name holds, if it does.
func fieldStruct(lit *ast.StructLit, name string) (*ast.StructLit, bool) {
	for _, elt := range lit.Elts {
		if f, ok := elt.(*ast.Field); ok {
			if n, _, _ := ast.LabelName(f.Label); n == name {
				s, ok := f.Value.(*ast.StructLit)
				return s, ok
			}
		}
	}
	return nil, false
}

// conjunctIdents are the identifiers x unifies: #A & _b gives both.
func conjunctIdents(x ast.Expr) []string {
	switch x := x.(type) {
	case *ast.Ident:
		return []string{x.Name}
	case *ast.BinaryExpr:
		if x.Op == token.AND {
			return append(conjunctIdents(x.X), conjunctIdents(x.Y)...)
		}
	case *ast.ParenExpr:
		return conjunctIdents(x.X)
	}
	return nil
}

// idents are the regular field names an expression reads, in order,
// each once; the function names of calls (strings.HasPrefix) are not.
func idents(x ast.Expr) []string {
	seen := map[string]bool{}
	var out []string
	ast.Walk(x, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			return false // a package's function or a field of a struct
		case *ast.CallExpr:
			for _, a := range n.Args {
				out = append(out, idents(a)...)
			}
			return false
		case *ast.Ident:
			if !strings.HasPrefix(n.Name, "_") && !strings.HasPrefix(n.Name, "#") && !seen[n.Name] {
				seen[n.Name] = true
				out = append(out, n.Name)
			}
		}
		return true
	}, nil)
	return dedup(out)
}

func dedup(s []string) []string {
	seen := map[string]bool{}
	out := s[:0]
	for _, v := range s {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

// ElementDefaultSources lists, for each list field of the definition, the
// element fields whose default is another field of the definition, read
// through a hidden alias struct (secondary_regions' prov_node_min_size:
// *_primary.pmin | _, where _primary: {pmin: prov_node_min_size}).
func ElementDefaultSources(files []*ast.File, label string) map[string]map[string]string {
	out := map[string]map[string]string{}
	for _, lit := range definitions(files, label) {
		for list, ids := range elementTypes(lit) {
			for _, id := range ids {
				hidden, ok := fieldStruct(lit, id)
				if !ok {
					continue
				}
				for name, f := range namedFields(hidden) {
					for _, d := range disjuncts(f.Value) {
						if u, ok := d.(*ast.UnaryExpr); ok && u.Op == token.MUL {
							if src, ok := operandField(u.X, lit); ok {
								if out[list] == nil {
									out[list] = map[string]string{}
								}
								out[list][name] = src
							}
						}
					}
				}
			}
		}
	}
	return out
}

// References lists, for each regular field of the definition, the other
// regular fields its expression reads (cluster_autoscaler_image_tag reads
// cluster_autoscaler_version and eks_cluster_version), in source order.
func References(files []*ast.File, label string) map[string][]string {
	out := map[string][]string{}
	for _, lit := range definitions(files, label) {
		fields := map[string]bool{}
		for _, elt := range lit.Elts {
			if f, ok := elt.(*ast.Field); ok {
				name, _, _ := ast.LabelName(f.Label)
				fields[name] = true
			}
		}
		for name, f := range namedFields(lit) {
			for _, id := range allIdents(f.Value) {
				if id != name && fields[id] && !strings.HasPrefix(id, "_") && !strings.HasPrefix(id, "#") {
					out[name] = append(out[name], id)
				}
			}
			out[name] = dedup(out[name])
		}
	}
	return out
}

// allIdents are every identifier x uses, selectors' operands included
// (components["x"].charts[v] reads v).
func allIdents(x ast.Expr) []string {
	var out []string
	ast.Walk(x, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			out = append(out, allIdents(n.X)...)
			return false
		case *ast.Ident:
			out = append(out, n.Name)
		}
		return true
	}, nil)
	return out
}

// Form is how a value of a named schema type is written, from the type's
// @form(FORM, example=EXAMPLE) attribute: messages about a value that
// does not match the type's pattern show these instead of the pattern.
type Form struct {
	Name, Form, Example string
	Start, End          token.Pos // of the type's expression
}

// Forms lists the top-level fields of files that carry a @form attribute.
func Forms(files []*ast.File) []Form {
	var out []Form
	for _, f := range files {
		for _, d := range f.Decls {
			field, ok := d.(*ast.Field)
			if !ok {
				continue
			}
			for _, a := range field.Attrs {
				body, ok := strings.CutPrefix(a.Text, "@form(")
				if !ok {
					continue
				}
				body = strings.TrimSuffix(body, ")")
				form, example, _ := strings.Cut(body, ", example=")
				name, _, _ := ast.LabelName(field.Label)
				out = append(out, Form{Name: name, Form: unquote(form), Example: unquote(example),
					Start: field.Value.Pos(), End: field.Value.End()})
			}
		}
	}
	return out
}

func unquote(s string) string {
	s = strings.TrimSpace(s)
	if u, err := strconv.Unquote(s); err == nil {
		return u
	}
	return s
}
