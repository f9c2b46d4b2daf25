package cueerr

import (
	"strings"

	"cuelang.org/go/cue/errors"

	"github.com/coder-eks/coder-eks/generator/internal/diag"
)

// Kind is one CUE error message the translation recognises, by the format
// and arguments CUE gives it. Every branch of the translation that reads a
// CUE message goes through a Kind, so the messages the generator depends
// on are listed in one place. Each kind is pinned by an error case
// (generator/testdata/errors/*.txtar, section "kinds"): when a CUE upgrade
// words a message differently, the kind no longer matches and that case
// fails, instead of the message silently falling back to CUE's own words.
type Kind struct {
	Name string // as the cases name it
	// CUE is the message as CUE words it, for the reader.
	CUE   string
	match func(m message) bool
}

// message is a CUE error's message: its format, its arguments as text
// and the two put together.
type message struct {
	f    string
	a    []string
	text string
}

func (k *Kind) is(e errors.Error) bool {
	f, args := msg(e)
	return k.match(message{f: f, a: args, text: format(e)})
}

const (
	outOfBound   = "invalid value %v (out of bound %s)"
	doesNotSatis = "invalid value %s (does not satisfy %s)"
)

// The kinds, in the order the translation tries them.
var (
	// The header of a failed disjunction; its branches follow as errors
	// of their own.
	kindEmptyDisjunction = &Kind{Name: "empty-disjunction", CUE: "N errors in empty disjunction:",
		match: func(m message) bool { return strings.HasSuffix(m.f, "errors in empty disjunction:") }}
	kindMismatchedTypes = &Kind{Name: "mismatched-types", CUE: "conflicting values %s and %s (mismatched types %s and %s)",
		match: func(m message) bool {
			return m.f == "conflicting values %s and %s (mismatched types %s and %s)" && len(m.a) == 4
		}}
	kindConflict = &Kind{Name: "conflicting-values", CUE: "conflicting values %s and %s",
		match: func(m message) bool { return m.f == "conflicting values %s and %s" && len(m.a) == 2 }}
	kindNotAllowed = &Kind{Name: "field-not-allowed", CUE: "field not allowed",
		match: func(m message) bool { return m.f == "field not allowed" }}
	// Consequences of another error: an operand that is already an error
	// (_|_), an interpolation of a rejected value, a list compared with
	// its default list after failing a constraint.
	kindBottom = &Kind{Name: "bottom-operand", CUE: "... _|_ ...",
		match: func(m message) bool { return strings.Contains(m.text, "_|_") }}
	kindInterpolation = &Kind{Name: "invalid-interpolation", CUE: "invalid interpolation: ...",
		match: func(m message) bool { return strings.HasPrefix(m.f, "invalid interpolation") }}
	kindListLengths = &Kind{Name: "incompatible-list-lengths", CUE: "incompatible list lengths (%d and %d)",
		match: func(m message) bool { return strings.HasPrefix(m.f, "incompatible list lengths") }}
	// A bound, by the operator CUE prints before it.
	kindPattern = &Kind{Name: "out-of-bound-pattern", CUE: `invalid value %v (out of bound =~"...")`,
		match: func(m message) bool { return m.f == outOfBound && len(m.a) == 2 && strings.HasPrefix(m.a[1], "=~") }}
	kindForbiddenPattern = &Kind{Name: "out-of-bound-forbidden-pattern", CUE: `invalid value %v (out of bound !~"...")`,
		match: func(m message) bool { return m.f == outOfBound && len(m.a) == 2 && strings.HasPrefix(m.a[1], "!~") }}
	kindNotEqual = &Kind{Name: "out-of-bound-not-equal", CUE: `invalid value %v (out of bound !=...)`,
		match: func(m message) bool { return m.f == outOfBound && len(m.a) == 2 && strings.HasPrefix(m.a[1], "!=") }}
	kindRange = &Kind{Name: "out-of-bound-range", CUE: "invalid value %v (out of bound <=N)",
		match: func(m message) bool {
			return m.f == outOfBound && len(m.a) == 2 && (strings.HasPrefix(m.a[1], "<") || strings.HasPrefix(m.a[1], ">"))
		}}
	// A validator, by the name CUE prints for it.
	kindMinItems = &Kind{Name: "min-items", CUE: "invalid value [] (does not satisfy list.MinItems(N))",
		match: func(m message) bool {
			return m.f == doesNotSatis && len(m.a) == 2 && m.a[0] == "[]" && strings.HasPrefix(m.a[1], "list.MinItems")
		}}
	kindMaxFields = &Kind{Name: "max-fields", CUE: "invalid value %s (does not satisfy struct.MaxFields(N))",
		match: func(m message) bool {
			return m.f == doesNotSatis && len(m.a) == 2 && strings.HasPrefix(m.a[1], "struct.MaxFields(")
		}}
	kindUniqueItems = &Kind{Name: "unique-items", CUE: "invalid value %s (does not satisfy list.UniqueItems)",
		match: func(m message) bool { return m.f == doesNotSatis && len(m.a) == 2 && m.a[1] == "list.UniqueItems" }}
	kindValidator = &Kind{Name: "does-not-satisfy", CUE: "invalid value %s (does not satisfy %s)",
		match: func(m message) bool { return m.f == doesNotSatis && len(m.a) == 2 }}
	kindUnresolved = &Kind{Name: "unresolved-disjunction", CUE: "unresolved disjunction %v (type %s)",
		match: func(m message) bool { return strings.HasPrefix(m.f, "unresolved disjunction") && len(m.a) > 0 }}
	kindIncomplete = &Kind{Name: "incomplete-value", CUE: "incomplete value %v",
		match: func(m message) bool { return strings.HasPrefix(m.f, "incomplete value") }}
	kindReference = &Kind{Name: "reference-not-found", CUE: "reference %q not found",
		match: func(m message) bool { return m.f == "reference %q not found" }}
)

// Kinds are the CUE messages the translation recognises.
var Kinds = []*Kind{
	kindEmptyDisjunction, kindMismatchedTypes, kindConflict, kindNotAllowed,
	kindBottom, kindInterpolation, kindListLengths,
	kindPattern, kindForbiddenPattern, kindNotEqual, kindRange,
	kindMinItems, kindMaxFields, kindUniqueItems, kindValidator,
	kindUnresolved, kindIncomplete, kindReference,
}

// kindsOf names the kinds errs are of, for Diagnostic.Kinds.
func kindsOf(errs ...errors.Error) string {
	var names []string
	for _, e := range errs {
		for _, k := range Kinds {
			if k.is(e) {
				names = append(names, k.Name)
				break
			}
		}
	}
	return diag.JoinKinds(names...)
}
