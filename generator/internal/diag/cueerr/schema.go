package cueerr

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"

	"github.com/coder-eks/coder-eks/generator/internal/schemainfo"
)

// What the schema says at a field's path, for a message that names what
// the schema expects.

// fieldsAt lists the fields the schema allows at path, looking through
// disjunctions (a field with a default) and pattern constraints (maps
// such as idp_group_mappings).
func (s source) fieldsAt(path []string) []string {
	if !s.def.Exists() {
		return nil
	}
	vals := []cue.Value{s.def}
	for _, name := range path {
		var next []cue.Value
		for _, v := range vals {
			for _, alt := range disjuncts(v) {
				if c := child(alt, name); c.Exists() {
					next = append(next, c)
				}
			}
		}
		vals = next
	}
	seen := map[string]bool{}
	var out []string
	for _, v := range vals {
		for _, alt := range disjuncts(v) {
			for _, f := range schemainfo.FieldNames(alt) {
				if !seen[f] {
					seen[f] = true
					out = append(out, f)
				}
			}
		}
	}
	return out
}

// child is v's field name, or what v's constraints (a pattern such as
// idp_group_mappings' [=~"..."]: #GroupMapping, a list's element type) give
// a field or element of that name.
func child(v cue.Value, name string) cue.Value {
	if v.IncompleteKind() == cue.ListKind {
		return listElem(v, 3)
	}
	p := cue.MakePath(cue.Str(name))
	if c := v.LookupPath(p); c.Exists() {
		return c
	}
	c := v.FillPath(p, ast.NewIdent("_")).LookupPath(p)
	if c.Err() != nil {
		return cue.Value{}
	}
	return c
}

// listElem is the element type of the list v: its own, else that of the
// first operand of v's expression that has one (a list constrained by a
// pattern is list.MaxItems(0) & ([...#SecondaryRegion] | *[])).
func listElem(v cue.Value, depth int) cue.Value {
	if e := v.LookupPath(cue.MakePath(cue.AnyIndex)); e.Exists() || depth == 0 {
		return e
	}
	_, args := v.Expr()
	for _, a := range args {
		if a.IncompleteKind()&cue.ListKind == 0 {
			continue
		}
		if e := listElem(a, depth-1); e.Exists() {
			return e
		}
	}
	return cue.Value{}
}

func disjuncts(v cue.Value) []cue.Value {
	if op, args := v.Expr(); op == cue.OrOp {
		return args
	}
	return []cue.Value{v}
}

// lookup is the schema's value at a dotted path.
func (s source) lookup(path string) (cue.Value, bool) {
	return lookupIn(s.def, path)
}

// lookupIn is def's value at a dotted path.
func lookupIn(def cue.Value, path string) (cue.Value, bool) {
	if !def.Exists() || path == "" {
		return cue.Value{}, false
	}
	v := def
	for _, name := range strings.Split(path, ".") {
		v = child(v, name)
		if !v.Exists() {
			return cue.Value{}, false
		}
	}
	return v, true
}

// kindAt is the type the schema gives the field at path.
func (s source) kindAt(path string) (string, bool) {
	v, ok := s.lookup(path)
	if !ok {
		return "", false
	}
	k := v.IncompleteKind()
	if k == cue.BottomKind || k == cue.TopKind {
		return "", false
	}
	return k.String(), true
}

// concreteAt is the value the schema fixes the field at path to, if it
// does.
func (s source) concreteAt(path string) (string, bool) {
	v, ok := s.lookup(path)
	if !ok || !v.IsConcrete() || v.IncompleteKind()&(cue.StructKind|cue.ListKind) != 0 {
		return "", false
	}
	if _, hasDefault := v.Default(); hasDefault {
		return "", false
	}
	return fmt.Sprint(v), true
}

// sortValues orders allowed values numerically when they are numbers,
// else as text, so "90 | 120 | 365" reads in order.
func sortValues(v []string) {
	sort.SliceStable(v, func(i, j int) bool {
		a, aok := number(v[i])
		b, bok := number(v[j])
		if aok && bok {
			return a < b
		}
		return v[i] < v[j]
	})
}

// allowedAt lists the literal values the schema's disjunction at path
// allows (a field's enum, its default included), as CUE prints the
// evaluated disjunction; nil when the field is not an enum of literals.
func (s source) allowedAt(path string) []string {
	v, ok := s.lookup(path)
	if !ok || v.IncompleteKind()&(cue.StructKind|cue.ListKind) != 0 {
		return nil
	}
	text := fmt.Sprint(v)
	if strings.ContainsAny(text, "\n{[") {
		return nil
	}
	seen := map[string]bool{}
	var out []string
	for _, part := range strings.Split(text, " | ") {
		part = strings.TrimPrefix(strings.TrimSpace(part), "*")
		if _, err := strconv.Unquote(part); err != nil {
			if _, isNum := number(part); !isNum {
				continue
			}
		}
		if !seen[part] {
			seen[part] = true
			out = append(out, part)
		}
	}
	return out
}

func number(s string) (float64, bool) {
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil
}
