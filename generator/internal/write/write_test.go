package write

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestReplace(t *testing.T) {
	tests := []struct {
		name   string
		before Tree
		write  Tree
		scope  []string
		after  Tree
	}{
		{
			name:   "full replace drops stale files and environments",
			before: Tree{"prod/a": []byte("old"), "prod/stale": []byte("x"), "gone/b": []byte("y")},
			write:  Tree{"prod/a": []byte("new"), "staging/c": []byte("z")},
			after:  Tree{"prod/a": []byte("new"), "staging/c": []byte("z")},
		},
		{
			name:   "scoped replace leaves other environments",
			before: Tree{"prod/a": []byte("old"), "prod/stale": []byte("x"), "staging/c": []byte("keep")},
			write:  Tree{"prod/a": []byte("new")},
			scope:  []string{"prod"},
			after:  Tree{"prod/a": []byte("new"), "staging/c": []byte("keep")},
		},
		{
			name:  "into a missing directory",
			write: Tree{"prod/x/y/z.json": []byte("{}")},
			after: Tree{"prod/x/y/z.json": []byte("{}")},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "rendered")
			if tc.before != nil {
				if err := writeAll(dir, tc.before); err != nil {
					t.Fatal(err)
				}
			}
			if err := Replace(dir, tc.write, tc.scope); err != nil {
				t.Fatal(err)
			}
			got, err := Read(dir, nil)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.after, got); diff != "" {
				t.Fatalf("tree (-want +got):\n%s", diff)
			}
			leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(dir), ".coder-eks-*-new-*"))
			if len(leftovers) > 0 {
				t.Fatalf("staging directories left behind: %v", leftovers)
			}
		})
	}
}

// TestReplaceFailureLeavesTree: a write that fails part-way must leave the
// existing tree byte for byte as it was.
func TestReplaceFailureLeavesTree(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "rendered")
	before := Tree{"prod/a": []byte("old")}
	if err := writeAll(dir, before); err != nil {
		t.Fatal(err)
	}
	bad := Tree{"prod/a": []byte("new"), "prod/../../escape": []byte("x")}
	if err := Replace(dir, bad, nil); err == nil || !strings.Contains(err.Error(), "escapes") {
		t.Fatalf("Replace() = %v, want an escape error", err)
	}
	got, _ := Read(dir, nil)
	if diff := cmp.Diff(before, got); diff != "" {
		t.Fatalf("tree changed (-before +after):\n%s", diff)
	}
}

func TestCompare(t *testing.T) {
	disk := Tree{"a": []byte("1"), "b": []byte("2"), "d": []byte("4")}
	rendered := Tree{"a": []byte("1"), "b": []byte("two"), "c": []byte("3")}
	var got []string
	for _, c := range Compare(disk, rendered) {
		got = append(got, c.Kind+" "+c.Path)
	}
	want := []string{"stale b", "missing c", "extra d"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("changes (-want +got):\n%s", diff)
	}
	// A unified diff of the file, not a dump of Go strings.
	old := Tree{"f": []byte("one\ntwo\nthree\nfour\nfive\nsix\nseven\n")}
	new := Tree{"f": []byte("one\ntwo\nthree\n4\nfive\nsix\nseven\n")}
	wantDiff := `stale: f (- committed, + rendered)
--- a/f (committed)
+++ b/f (rendered)
@@ -1,7 +1,7 @@
 one
 two
 three
-four
+4
 five
 six
 seven`
	if diff := cmp.Diff(wantDiff, Compare(old, new)[0].String()); diff != "" {
		t.Fatalf("stale change (-want +got):\n%s", diff)
	}
}
