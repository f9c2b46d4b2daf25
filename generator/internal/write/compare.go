package write

import (
	"fmt"
	"sort"
	"strings"

	"github.com/google/go-cmp/cmp"
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
	diff := cmp.Diff(strings.Split(string(c.Old), "\n"), strings.Split(string(c.New), "\n"))
	return fmt.Sprintf("stale: %s (- committed, + rendered)\n%s", c.Path, diff)
}
