package diag

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/errors"
)

// missing starts the message for a required field that has no value.
const missing = "required field is missing"

// rule rewrites one CUE error so that it says which rule the value broke,
// in the words a user of the environment file needs.
func (s source) rule(path string, e errors.Error) string {
	f, args := msg(e)
	switch {
	case f == "invalid value %v (out of bound %s)":
		return s.boundMessage(path, args[0], args[1], e)
	case f == "invalid value %s (does not satisfy %s)" && args[0] == "[]" &&
		strings.HasPrefix(args[1], "list.MinItems") && !s.touchesEnvFile(e):
		return fmt.Sprintf(missing+": give at least one item (rule: %s, declared at %s)", args[1], s.schemaPosition(e))
	case f == "invalid value %s (does not satisfy %s)" && strings.HasPrefix(args[1], "struct.MaxFields("):
		m := fmt.Sprintf("too many entries (rule: %s)", args[1])
		if path == "tags" {
			m += "; AWS allows 50 tags per resource and the generator sets 4 (Project, Environment, Owner, ManagedBy)"
		}
		return m
	case f == "invalid value %s (does not satisfy %s)" && args[1] == "list.UniqueItems" && !sensitive(path):
		if dups := duplicates(args[0]); len(dups) > 0 {
			return fmt.Sprintf("%s listed more than once (rule: %s: each item once)", strings.Join(dups, ", "), args[1])
		}
		return fmt.Sprintf("%s has an item more than once (rule: %s)", args[0], args[1])
	case f == "invalid value %s (does not satisfy %s)":
		return fmt.Sprintf("%s does not satisfy %s (rule: %s)", s.show(path, args[0]), args[1], args[1])
	case strings.HasPrefix(f, "unresolved disjunction"):
		return fmt.Sprintf("has no value: its default does not fit the other settings and the file gives none (rule: one of %s)", args[0])
	case strings.HasPrefix(f, "incomplete value"):
		return fmt.Sprintf(missing+": it has no default (declared at %s)", s.schemaPosition(e))
	}
	if sensitive(path) {
		return fmt.Sprintf("the value given breaks the schema's rule at %s", s.schemaPosition(e))
	}
	return format(e)
}

// longPattern is the length past which a regular expression is not worth
// printing: its position in the schema says where to read it.
const longPattern = 60

// boundMessage words a failed bound: a range, a pattern or an exclusion.
func (s source) boundMessage(path, value, bound string, e errors.Error) string {
	value = s.show(path, value)
	if f, ok := s.formAt(s.schemaPosition(e)); ok && strings.HasPrefix(bound, "=~") {
		return fmt.Sprintf("%s does not have the form of a %s: expected %s, e.g. %s (rule: the pattern defined at %s)",
			value, f.Name, f.Form, f.Example, s.schemaPosition(e))
	}
	switch {
	case strings.HasPrefix(bound, "=~") && len(bound) > longPattern:
		return fmt.Sprintf("%s does not match the pattern (rule: the pattern defined at %s)", value, s.schemaPosition(e))
	case strings.HasPrefix(bound, "=~"):
		return fmt.Sprintf("%s does not match the pattern (rule: %s)", value, bound)
	case strings.HasPrefix(bound, "!~"):
		return fmt.Sprintf("%s matches a forbidden pattern (rule: %s)", value, bound)
	case strings.HasPrefix(bound, "!="):
		return fmt.Sprintf("%s is not allowed here (rule: %s)", value, bound)
	}
	return fmt.Sprintf("%s is out of range (rule: %s)", value, bound)
}

// show is how a message quotes the value given: not at all for a field
// that may hold a secret pasted by mistake, whose value must not reach a
// terminal or a CI log.
func (s source) show(path, value string) string {
	if sensitive(path) {
		return "the value given"
	}
	return value
}

// sensitive reports whether a field may hold a secret: a word of its
// name is token, password or secret, and it is not an ARN that refers to
// one (oidc_client_secret_arn) nor a version (external_secrets_version
// says "secrets").
func sensitive(path string) bool {
	name := path[strings.LastIndex(path, ".")+1:]
	words := strings.FieldsFunc(name, func(r rune) bool { return r == '_' || r == '-' })
	if len(words) == 0 || words[len(words)-1] == "arn" {
		return false
	}
	for _, w := range words {
		if w == "token" || w == "password" || w == "secret" {
			return true
		}
	}
	return false
}

func (s source) touchesEnvFile(e errors.Error) bool {
	for _, p := range e.InputPositions() {
		if p.IsValid() && p.Filename() == s.envFile {
			return true
		}
	}
	return false
}

// unknownField words a field the schema does not have, with the nearest
// name it does have at the same place.
func (s source) unknownField(path string) string {
	parts := strings.Split(path, ".")
	fields := s.fieldsAt(parts[:len(parts)-1])
	if len(fields) == 0 && len(parts) > 1 && !isIndex(parts[len(parts)-2]) {
		// A map (tags, idp_group_mappings): the key broke the key rule.
		m := fmt.Sprintf("key %s is not allowed (rule: the keys of %s must match the schema's key pattern)", parts[len(parts)-1], strings.Join(parts[:len(parts)-1], "."))
		if names := s.hints.keyNames(strings.Join(parts[:len(parts)-1], ".")); len(names) > 0 {
			m = fmt.Sprintf("key %s is not allowed (rule: one of %s)", parts[len(parts)-1], strings.Join(names, ", "))
			if near, ok := Nearest(strings.Trim(parts[len(parts)-1], `"`), names); ok {
				m += fmt.Sprintf("; did you mean %s?", near)
			}
		}
		if parts[0] == "tags" {
			m += "; AWS reserves the aws: prefix and allows 1-128 characters of letters, digits, spaces and ._:/=+@-"
		}
		return m
	}
	return UnknownField(parts[len(parts)-1], fields)
}

// UnknownField is the message for a field named name where only fields
// could be: it names the rule (the schema is closed) and the nearest
// valid name.
func UnknownField(name string, fields []string) string {
	m := "unknown field (rule: only the schema's fields are allowed)"
	if near, ok := Nearest(name, fields); ok {
		m += fmt.Sprintf("; did you mean %s?", near)
	}
	return m
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
			for _, f := range FieldNames(alt) {
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
	c := v.FillPath(p, v.Context().CompileString("_")).LookupPath(p)
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
	if !s.def.Exists() || path == "" {
		return cue.Value{}, false
	}
	v := s.def
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

func article(kind string) string {
	if strings.ContainsAny(kind[:1], "aeiou") {
		return "an " + kind
	}
	return "a " + kind
}

func isIndex(s string) bool {
	_, err := strconv.Atoi(s)
	return err == nil
}

// duplicates are the items a list, as CUE prints it (["a","a"]), holds
// more than once, as they are written.
func duplicates(list string) []string {
	var items []any
	if err := json.Unmarshal([]byte(list), &items); err != nil {
		return nil
	}
	count := map[string]int{}
	var out []string
	for _, it := range items {
		b, _ := json.Marshal(it)
		if count[string(b)]++; count[string(b)] == 2 {
			out = append(out, string(b))
		}
	}
	return out
}

// keyNames are the keys allowed in the map at path: those of the
// KeyNames entry path ends with.
func (h Hints) keyNames(path string) []string {
	for suffix, names := range h.KeyNames {
		if path == suffix || strings.HasSuffix(path, "."+suffix) {
			return names
		}
	}
	return nil
}
