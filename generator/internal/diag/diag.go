// Package diag carries the errors the generator reports to a user: each one
// names a file:line:col, the field path inside the environment and what is
// wrong, so that a mistake in an environment file can be found and fixed
// without reading the generator.
package diag

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"cuelang.org/go/cue/token"
)

// Position is a place in a source file, relative to the repository root.
type Position struct {
	File string
	Line int
	Col  int
}

func (p Position) String() string {
	if p.File == "" {
		return "-"
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// FromPos converts a CUE position.
func FromPos(root string, p token.Pos) Position {
	if !p.IsValid() {
		return Position{}
	}
	return Position{File: Relative(root, p.Filename()), Line: p.Line(), Col: p.Column()}
}

// Diagnostic is one problem in one field.
type Diagnostic struct {
	Pos  Position
	Path string // CUE path of the field, e.g. "ws_node_max_size"
	Msg  string
	// Kinds names, space-separated, the kinds of CUE error message the
	// diagnostic was translated from (cueerr.Kinds); empty for the
	// generator's own checks. It is not printed: the error-case tests
	// read it to prove each kind the translation recognises still
	// matches what CUE says.
	Kinds string
}

func (d Diagnostic) String() string {
	if d.Path == "" {
		return fmt.Sprintf("%s: %s", d.Pos, d.Msg)
	}
	return fmt.Sprintf("%s: %s: %s", d.Pos, d.Path, d.Msg)
}

// List is an error made of diagnostics, printed one per line in a stable
// order so that output is the same on every run.
type List []Diagnostic

func (l List) Error() string {
	lines := make([]string, len(l))
	for i, d := range l {
		lines[i] = d.String()
	}
	return strings.Join(lines, "\n")
}

// Sorted returns the list ordered by file, line, column, path and message,
// without duplicates.
func (l List) Sorted() List {
	out := append(List(nil), l...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Pos.File != b.Pos.File {
			return a.Pos.File < b.Pos.File
		}
		if a.Pos.Line != b.Pos.Line {
			return a.Pos.Line < b.Pos.Line
		}
		if a.Pos.Col != b.Pos.Col {
			return a.Pos.Col < b.Pos.Col
		}
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		return a.Msg < b.Msg
	})
	dedup := out[:0]
	for _, d := range out {
		if n := len(dedup); n > 0 && d.String() == dedup[n-1].String() {
			dedup[n-1].Kinds = JoinKinds(dedup[n-1].Kinds, d.Kinds)
			continue
		}
		dedup = append(dedup, d)
	}
	return dedup
}

// JoinKinds is the union of space-separated kind lists, sorted.
func JoinKinds(lists ...string) string {
	var all []string
	for _, l := range lists {
		all = append(all, strings.Fields(l)...)
	}
	sort.Strings(all)
	out := all[:0]
	for i, k := range all {
		if i == 0 || k != all[i-1] {
			out = append(out, k)
		}
	}
	return strings.Join(out, " ")
}

// Relative makes an absolute file name relative to root, with forward
// slashes, so messages read the same on every machine.
func Relative(root, file string) string {
	if file == "" {
		return ""
	}
	if rel, err := filepath.Rel(root, file); err == nil && !strings.HasPrefix(rel, "..") {
		return filepath.ToSlash(rel)
	}
	return filepath.ToSlash(file)
}

// Focus drops, for every field that has a diagnostic in file, its
// diagnostics elsewhere: those are consequences in the schema of the value
// the file gave (an interpolation of a rejected value), not a second
// mistake.
func (l List) Focus(file string) List {
	inFile := map[string]bool{}
	for _, d := range l {
		if d.Pos.File == file {
			inFile[d.Path] = true
		}
	}
	var out List
	for _, d := range l {
		if d.Pos.File == file || !inFile[d.Path] {
			out = append(out, d)
		}
	}
	return out
}

// Without returns l less the diagnostics for the paths of other and what
// they hold (a list's items): a check that reported a field already needs
// no second report of it from CUE.
func (l List) Without(other List) List {
	drop := map[string]bool{}
	for _, d := range other {
		drop[d.Path] = true
	}
	var out List
	for _, d := range l {
		if !drop[d.Path] && !dropsParent(drop, d.Path) {
			out = append(out, d)
		}
	}
	return out
}

// dropsParent is whether a field holding path is in drop.
func dropsParent(drop map[string]bool, path string) bool {
	for i := strings.LastIndex(path, "."); i > 0; i = strings.LastIndex(path[:i], ".") {
		if drop[path[:i]] {
			return true
		}
	}
	return false
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
