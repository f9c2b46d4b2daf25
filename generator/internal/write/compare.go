package write

import (
	"fmt"
	"sort"
	"strings"

	"github.com/pmezard/go-difflib/difflib"
)

// Change is one file that differs between the rendered tree and disk.
type Change struct {
	Path string
	Kind string // "stale" (content differs), "missing" (not on disk), "extra" (on disk only)
	Old  []byte
	New  []byte
}

// Compare lists the differences between what is on disk and what was
// rendered, sorted by path.
func Compare(onDisk, rendered Tree) []Change {
	var out []Change
	for _, p := range rendered.Paths() {
		old, ok := onDisk[p]
		switch {
		case !ok:
			out = append(out, Change{Path: p, Kind: "missing", New: rendered[p]})
		case string(old) != string(rendered[p]):
			out = append(out, Change{Path: p, Kind: "stale", Old: old, New: rendered[p]})
		}
	}
	for _, p := range onDisk.Paths() {
		if _, ok := rendered[p]; !ok {
			out = append(out, Change{Path: p, Kind: "extra", Old: onDisk[p]})
		}
	}
	sortChanges(out)
	return out
}

func sortChanges(c []Change) {
	sort.Slice(c, func(i, j int) bool { return c[i].Path < c[j].Path })
}

// String describes the change for a reviewer: what to do about it and, for
// a stale file, a line diff (- committed, + rendered).
func (c Change) String() string {
	switch c.Kind {
	case "missing":
		return fmt.Sprintf("missing: %s (rendered, not committed)", c.Path)
	case "extra":
		return fmt.Sprintf("extra: %s (committed, no longer rendered)", c.Path)
	}
	return fmt.Sprintf("stale: %s (- committed, + rendered)\n%s", c.Path, UnifiedDiff(c.Path, c.Old, c.New))
}

// UnifiedDiff is the unified diff (three lines of context) from old to
// new of the file at path, as diff -u and git print it.
func UnifiedDiff(path string, old, new []byte) string {
	d, err := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
		A:        difflib.SplitLines(string(old)),
		B:        difflib.SplitLines(string(new)),
		FromFile: "a/" + path + " (committed)",
		ToFile:   "b/" + path + " (rendered)",
		Context:  3,
	})
	if err != nil {
		return err.Error()
	}
	return strings.TrimSuffix(d, "\n")
}
