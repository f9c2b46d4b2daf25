// Package schemainfo reads the schema as it is written: the fields of a
// definition in source order with their sections ("// ---- VPC ----"),
// doc comments, defaults and constraints as expressions. The reference
// docs are generated from it and import-tfvars orders the fields it
// writes by it.
package schemainfo

import (
	"iter"
	"regexp"
	"sort"
	"strings"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/format"
	"cuelang.org/go/cue/token"
)

// Field is one field of a definition, as written in the schema.
type Field struct {
	Name       string
	Section    string // from the nearest "// ---- Section ----" comment above
	Doc        string // doc comment, one paragraph
	Type       string // string, int, number, bool, list, map, struct
	Default    string // CUE expression of the default; "" when none
	Constraint string // CUE expression without the default
	Conditions []string
	Required   bool
	Patterns   string // the field's @pattern(...) attribute, if any
}

// sectionRE matches a section heading comment: "// ---- VPC ----".
var sectionRE = regexp.MustCompile(`^----\s*(.+?)\s*----$`)

// Definition finds the top-level field label (e.g. "#Environment") in
// files and returns its struct literal and file; nil when the label is
// absent or not a struct.
func Definition(files []*ast.File, label string) (*ast.StructLit, *ast.File) {
	for _, f := range files {
		if field := TopField(f, label); field != nil {
			if s, ok := field.Value.(*ast.StructLit); ok {
				return s, f
			}
		}
	}
	return nil, nil
}

// TopField is f's top-level field label, nil if there is none.
func TopField(f *ast.File, label string) *ast.Field {
	for _, d := range f.Decls {
		field, ok := d.(*ast.Field)
		if !ok {
			continue
		}
		if name, _, _ := ast.LabelName(field.Label); name == label {
			return field
		}
	}
	return nil
}

// Fields lists the fields of the definition's struct literal in source
// order, each described from the AST (expressions, comments, sections)
// and from the evaluated value (type, whether it is required). A
// definition embedded by name (#NodeGroups in #Environment) lists its
// fields where it is embedded, under the section of the embedding; a
// field the literal declares again after the embedding (to give it a
// default: control_node_min_size: *2 | _) adds its default, and its doc
// comment if it has one, to the embedded field's entry.
func Fields(files []*ast.File, lit *ast.StructLit, file *ast.File, def cue.Value) []Field {
	sections := sectionLines(file, lit)
	conditions := conditionalRules(lit)
	var out []Field
	embedded := map[string]int{} // fields from embedded definitions, by name
	for _, m := range members(files, lit) {
		f := m.field
		name, _, err := ast.LabelName(f.Label)
		if err != nil || strings.HasPrefix(name, "_") || strings.HasPrefix(name, "#") {
			continue
		}
		// An optional field (name?:) is absent unless set: looked up as
		// such, and never required.
		optional := f.Constraint == token.OPTION
		sel := cue.Str(name)
		if optional {
			sel = sel.Optional()
		}
		v := def.LookupPath(cue.MakePath(sel))
		constraint, dflt := splitDefault(f.Value, defaultIsExtra(v))
		if i, ok := embedded[name]; ok {
			out[i].merge(DocComment(f), constraint, dflt)
			continue
		}
		if m.embedded {
			embedded[name] = len(out)
		}
		out = append(out, Field{
			Name:       name,
			Section:    sectionAt(sections, m.line),
			Doc:        DocComment(f),
			Type:       typeName(v, f.Value),
			Default:    dflt,
			Constraint: constraint,
			Conditions: conditions[name],
			Required:   !optional && dflt == "" && !v.IsConcrete(),
			Patterns:   patterns(v),
		})
	}
	return out
}

// merge adds a later declaration of the field to it: its default, its
// doc comment when it has one, and whatever it constrains beyond "_".
func (f *Field) merge(doc, constraint, dflt string) {
	if doc != "" {
		f.Doc = doc
	}
	if dflt != "" {
		f.Default = dflt
		f.Required = false
	}
	var rest []string
	for _, c := range strings.Split(constraint, " | ") {
		if c != "_" && c != "" {
			rest = append(rest, c)
		}
	}
	switch {
	case len(rest) == 0:
	case f.Constraint == "":
		f.Constraint = strings.Join(rest, " | ")
	default:
		f.Constraint += " & (" + strings.Join(rest, " | ") + ")"
	}
}

// member is a field of a definition: declared in its literal, or in a
// definition it embeds; line is where it sits in the definition's own
// file (an embedded field: the embedding's line).
type member struct {
	field    *ast.Field
	line     int
	embedded bool
}

// members lists lit's fields with those of the definitions it embeds by
// name, in source order.
func members(files []*ast.File, lit *ast.StructLit) []member {
	var out []member
	for _, elt := range lit.Elts {
		switch e := elt.(type) {
		case *ast.Field:
			out = append(out, member{field: e, line: e.Pos().Line()})
		case *ast.EmbedDecl:
			for _, embedded := range embeddedDefinitions(files, e) {
				for _, m := range members(files, embedded) {
					out = append(out, member{field: m.field, line: e.Pos().Line(), embedded: true})
				}
			}
		}
	}
	return out
}

// embeddedDefinitions are the struct literals of the definition an
// embedding names (#NodeGroups), none when it embeds anything else.
func embeddedDefinitions(files []*ast.File, e *ast.EmbedDecl) []*ast.StructLit {
	id, ok := e.Expr.(*ast.Ident)
	if !ok || !strings.HasPrefix(id.Name, "#") {
		return nil
	}
	return definitions(files, id.Name)
}

type section struct {
	line int
	name string
}

// sectionLines collects the section heading comments inside the struct
// literal lit by line. Comments are attached to whichever node the parser
// chose (often as a trailing comment of the field before), so lines are
// what is reliable.
func sectionLines(file *ast.File, lit *ast.StructLit) []section {
	first, last := lit.Lbrace.Line(), lit.Rbrace.Line()
	var out []section
	ast.Walk(file, func(n ast.Node) bool {
		for _, cg := range ast.Comments(n) {
			for _, c := range cg.List {
				line := c.Pos().Line()
				if line < first || line > last {
					continue
				}
				text := strings.TrimSpace(strings.TrimPrefix(c.Text, "//"))
				if m := sectionRE.FindStringSubmatch(text); m != nil {
					out = append(out, section{line: line, name: m[1]})
				}
			}
		}
		return true
	}, nil)
	sort.Slice(out, func(i, j int) bool { return out[i].line < out[j].line })
	return out
}

func sectionAt(sections []section, line int) string {
	name := ""
	for _, s := range sections {
		if s.line < line {
			name = s.name
		}
	}
	return name
}

// DocComment is the comment group right above the field, as one line.
func DocComment(f *ast.Field) string {
	for _, cg := range ast.Comments(f) {
		if cg.Position != 0 || !cg.Doc {
			continue
		}
		text := strings.TrimSpace(cg.Text())
		if sectionRE.MatchString(text) {
			continue
		}
		return strings.Join(strings.Fields(text), " ")
	}
	return ""
}

// splitDefault separates a field's expression into the constraint and
// the default (the disjunct marked with *). When the default is a value
// the rest of the constraint would reject (the "" of an optional ARN, one
// value of an enum), it stays in the constraint too, unmarked: the
// constraint column lists everything the field accepts.
func splitDefault(x ast.Expr, keepDefault bool) (constraint, dflt string) {
	var rest []string
	for _, d := range disjuncts(x) {
		if u, ok := d.(*ast.UnaryExpr); ok && u.Op == token.MUL {
			dflt = source(u.X)
			if !keepDefault {
				continue
			}
			d = u.X
		}
		rest = append(rest, source(d))
	}
	return strings.Join(rest, " | "), dflt
}

// defaultIsExtra is whether v's default is accepted only because it is the
// default: no other disjunct of v admits it.
func defaultIsExtra(v cue.Value) bool {
	d, ok := v.Default()
	if !ok {
		return false
	}
	op, args := v.Expr()
	if op != cue.OrOp {
		return false // CUE folded the default into the constraint
	}
	// The default as plain data: a struct default written inside a
	// definition is closed and would reject fields the other disjunct adds
	// (quota_allowance: *0).
	var data any
	if err := d.Decode(&data); err != nil {
		return false
	}
	for _, a := range args {
		if a.Equals(d) {
			continue
		}
		// FillPath at the empty path unifies a with the Go data.
		if a.FillPath(cue.Path{}, data).Validate(cue.Concrete(true)) == nil {
			return false
		}
	}
	return true
}

// patternsOnly is whether x is a struct literal declaring only pattern
// constraints ({[=~"..."]: T}): a map with keys of the user's choosing.
func patternsOnly(x ast.Expr) bool {
	s, ok := x.(*ast.StructLit)
	if !ok || len(s.Elts) == 0 {
		return false
	}
	for _, e := range s.Elts {
		f, ok := e.(*ast.Field)
		if !ok {
			return false
		}
		if _, ok := f.Label.(*ast.ListLit); !ok {
			return false
		}
	}
	return true
}

// disjuncts flattens a chain of "|" into its operands.
func disjuncts(x ast.Expr) []ast.Expr {
	if b, ok := x.(*ast.BinaryExpr); ok && b.Op == token.OR {
		return append(disjuncts(b.X), disjuncts(b.Y)...)
	}
	if p, ok := x.(*ast.ParenExpr); ok {
		if b, ok := p.X.(*ast.BinaryExpr); ok && b.Op == token.OR {
			return disjuncts(p.X)
		}
	}
	return []ast.Expr{x}
}

// conditionalRules collects the fields an "if" comprehension of the
// definition constrains, as "if <condition>: <expression>".
func conditionalRules(lit *ast.StructLit) map[string][]string {
	out := map[string][]string{}
	for _, elt := range lit.Elts {
		c, ok := elt.(*ast.Comprehension)
		if !ok {
			continue
		}
		var conds []string
		for _, cl := range c.Clauses {
			if ifc, ok := cl.(*ast.IfClause); ok {
				conds = append(conds, source(ifc.Condition))
			}
		}
		body, ok := c.Value.(*ast.StructLit)
		if !ok || len(conds) == 0 {
			continue
		}
		for name, f := range namedFields(body) {
			out[name] = append(out[name], "if "+strings.Join(conds, " && ")+": "+source(f.Value))
		}
	}
	return out
}

// source formats an expression on one line.
func source(x ast.Expr) string {
	b, err := format.Node(x)
	if err != nil {
		return "?"
	}
	return OneLine(string(b))
}

// OneLine joins a formatted multi-line expression: struct fields are
// separated by commas, brackets keep their content tight.
func OneLine(s string) string {
	var b strings.Builder
	prev := ""
	for _, l := range strings.Split(s, "\n") {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		closer := strings.HasPrefix(l, "}") || strings.HasPrefix(l, "]") || strings.HasPrefix(l, ")")
		if closer && strings.HasSuffix(prev, ",") {
			// A trailing comma before the closing bracket is only there
			// for the multi-line form.
			out := strings.TrimSuffix(b.String(), ",")
			b.Reset()
			b.WriteString(out)
		}
		if prev != "" {
			switch {
			case strings.HasSuffix(prev, "{") || strings.HasSuffix(prev, "[") || strings.HasSuffix(prev, "("):
			case closer:
			case strings.HasSuffix(prev, ","):
				b.WriteString(" ")
			default:
				b.WriteString(", ")
			}
		}
		b.WriteString(l)
		prev = l
	}
	return b.String()
}

// typeName is the kind of value a field holds, from its evaluated value,
// or from the expression when the value alone is not valid (a list with
// list.MinItems(1) has no valid value until the environment gives one).
func typeName(v cue.Value, x ast.Expr) string {
	k := v.IncompleteKind()
	switch {
	case k == cue.BottomKind:
		return exprKind(x)
	case k == cue.StructKind && exprKind(x) == "map":
		return "map"
	case k == cue.StructKind:
		return "struct"
	case k == cue.FloatKind|cue.IntKind:
		return "number"
	}
	return k.String()
}

// exprKind is the kind an expression's first list, struct or map literal
// has, looking through "|" and "&".
func exprKind(x ast.Expr) string {
	switch x := x.(type) {
	case *ast.ListLit:
		return "list"
	case *ast.StructLit:
		if patternsOnly(x) {
			return "map"
		}
		return "struct"
	case *ast.BinaryExpr:
		if k := exprKind(x.X); k != "" {
			return k
		}
		return exprKind(x.Y)
	case *ast.UnaryExpr:
		return exprKind(x.X)
	case *ast.ParenExpr:
		return exprKind(x.X)
	}
	return ""
}

// patterns is the content of the field's @pattern(...) attribute: which
// deployment patterns set the field. Patterns fill it in as they come.
func patterns(v cue.Value) string {
	a := v.Attribute("pattern")
	if a.Err() != nil {
		return ""
	}
	return a.Contents()
}

// Of lists the fields of the definition label (e.g. "#Environment") of
// the schema package: its parsed files and its evaluated value. ok is
// false when the schema has no such struct definition.
func Of(files []*ast.File, schema cue.Value, label string) (fs []Field, ok bool) {
	lit, file := Definition(files, label)
	if lit == nil {
		return nil, false
	}
	return Fields(files, lit, file, schema.LookupPath(cue.ParsePath(label))), true
}

// FieldNames lists the regular fields v declares, optional ones included.
func FieldNames(v cue.Value) []string {
	var out []string
	it, err := v.Fields(cue.Optional(true))
	if err != nil {
		return nil
	}
	for it.Next() {
		if sel := it.Selector(); sel.LabelType() == cue.StringLabel {
			out = append(out, sel.Unquoted())
		}
	}
	return out
}

// namedFields yields the fields of a struct literal with their labels'
// names (as ast.LabelName gives them), passing over what is not a field:
// embeddings, comprehensions, attributes.
func namedFields(lit *ast.StructLit) iter.Seq2[string, *ast.Field] {
	return func(yield func(string, *ast.Field) bool) {
		for _, e := range lit.Elts {
			f, ok := e.(*ast.Field)
			if !ok {
				continue
			}
			name, _, _ := ast.LabelName(f.Label)
			if !yield(name, f) {
				return
			}
		}
	}
}
