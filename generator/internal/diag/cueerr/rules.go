package cueerr

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"cuelang.org/go/cue/errors"

	"github.com/coder-eks/coder-eks/generator/internal/diag"
)

// missing starts the message for a required field that has no value.
const missing = "required field is missing"

// rule rewrites one CUE error so that it says which rule the value broke,
// in the words a user of the environment file needs.
func (s source) rule(path string, e errors.Error) string {
	_, args := msg(e)
	switch {
	case kindPattern.is(e), kindForbiddenPattern.is(e), kindNotEqual.is(e), kindRange.is(e):
		return s.boundMessage(path, args[0], args[1], e)
	case kindMinItems.is(e) && !s.touchesEnvFile(e):
		return fmt.Sprintf(missing+": give at least one item (rule: %s, declared at %s)", args[1], s.schemaPosition(e))
	case kindMaxFields.is(e):
		m := fmt.Sprintf("too many entries (rule: %s)", args[1])
		if path == "tags" {
			m += "; AWS allows 50 tags per resource and the generator sets 4 (Project, Environment, Owner, ManagedBy)"
		}
		return m
	case kindUniqueItems.is(e) && !s.secret(path):
		if dups := duplicates(args[0]); len(dups) > 0 {
			return fmt.Sprintf("%s listed more than once (rule: %s: each item once)", strings.Join(dups, ", "), args[1])
		}
		return fmt.Sprintf("%s has an item more than once (rule: %s)", args[0], args[1])
	case kindValidator.is(e):
		return fmt.Sprintf("%s does not satisfy %s (rule: %s)", s.show(path, args[0]), args[1], args[1])
	case kindUnresolved.is(e):
		return fmt.Sprintf("has no value: its default does not fit the other settings and the file gives none (rule: one of %s)", args[0])
	case kindIncomplete.is(e):
		return fmt.Sprintf(missing+": it has no default (declared at %s)", s.schemaPosition(e))
	case kindReference.is(e) && s.secret(path):
		return "the value given is a name, not a value (rule: a value is a literal; a text value is quoted)"
	case kindReference.is(e):
		return format(e) + s.quoteHint(s.position(e))
	}
	if s.secret(path) {
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
		if names := s.schema.keyNames(strings.Join(parts[:len(parts)-1], ".")); len(names) > 0 {
			m = fmt.Sprintf("key %s is not allowed (rule: one of %s)", parts[len(parts)-1], strings.Join(names, ", "))
			if near, ok := diag.Nearest(strings.Trim(parts[len(parts)-1], `"`), names); ok {
				m += fmt.Sprintf("; did you mean %s?", near)
			}
		}
		if parts[0] == "tags" {
			m += "; AWS reserves the aws: prefix and allows 1-128 characters of letters, digits, spaces and ._:/=+@-"
		}
		return m
	}
	return diag.UnknownField(parts[len(parts)-1], fields)
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
func (sch Schema) keyNames(path string) []string {
	for suffix, names := range sch.KeyNames {
		if path == suffix || strings.HasSuffix(path, "."+suffix) {
			return names
		}
	}
	return nil
}
