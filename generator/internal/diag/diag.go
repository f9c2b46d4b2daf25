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

// Diagnostic is one problem in one field.
type Diagnostic struct {
	Pos  Position
	Path string // CUE path of the field, e.g. "ws_node_max_size"
	Msg  string
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
	for i, d := range out {
		if i > 0 && d == out[i-1] {
			continue
		}
		dedup = append(dedup, d)
	}
	return dedup
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
