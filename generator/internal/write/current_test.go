package write

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// inode is the inode number of path, which a Commit that replaces the
// tree changes (the new tree is exchanged in) and one that writes
// nothing keeps.
func inode(t *testing.T, path string) uint64 {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Sys().(*syscall.Stat_t).Ino
}

// TestCommitCurrentWritesNothing: a plan already true on disk leaves
// every directory and file as it was; a plan that differs in any way the
// tree or the pages can (a byte, a file more or less, a managed page no
// longer generated, a scoped environment) is written.
func TestCommitCurrentWritesNothing(t *testing.T) {
	rendered := Tree{"prod/a": []byte("a"), "prod/sub/b": []byte("b"), "staging/c": []byte("c")}
	docs := Tree{"docs/a.md": []byte("page a")}
	for _, tc := range []struct {
		name    string
		tree    Tree
		scope   []string
		files   Tree
		mutate  func(r repo) // what differs on disk before the run
		written bool
	}{
		{name: "same tree and pages", tree: rendered, files: docs},
		{name: "same environment, scoped", tree: Tree{"prod/a": []byte("a"), "prod/sub/b": []byte("b")}, scope: []string{"prod"}, files: docs},
		{name: "a byte differs", tree: Tree{"prod/a": []byte("A"), "prod/sub/b": []byte("b"), "staging/c": []byte("c")}, files: docs, written: true},
		{name: "a file is new", tree: Tree{"prod/a": []byte("a"), "prod/sub/b": []byte("b"), "staging/c": []byte("c"), "prod/d": []byte("d")}, files: docs, written: true},
		{name: "a file is gone", tree: Tree{"prod/a": []byte("a"), "staging/c": []byte("c")}, files: docs, written: true},
		{name: "a page differs", tree: rendered, files: Tree{"docs/a.md": []byte("page A")}, written: true},
		{name: "a managed page is no longer generated", tree: rendered, files: Tree{}, written: true},
		{name: "a file's mode differs", tree: rendered, files: docs, written: true, mutate: func(r repo) {
			must(t, os.Chmod(filepath.Join(r.dir(), "prod/a"), 0o600))
		}},
		{name: "a page's mode differs", tree: rendered, files: docs, written: true, mutate: func(r repo) {
			must(t, os.Chmod(filepath.Join(r.root, "docs/a.md"), 0o755))
		}},
		{name: "an empty directory is left", tree: rendered, files: docs, written: true, mutate: func(r repo) {
			must(t, os.MkdirAll(filepath.Join(r.dir(), "prod/stray/deeper"), 0o755))
		}},
		{name: "a file on disk is a link", tree: rendered, files: docs, written: true, mutate: func(r repo) {
			p := filepath.Join(r.dir(), "prod/a")
			must(t, os.Remove(p))
			must(t, os.WriteFile(p+".target", []byte("a"), 0o644))
			must(t, os.Symlink(p+".target", p))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRepo(t, rendered, docs)
			if tc.mutate != nil {
				tc.mutate(r)
			}
			dirBefore, pageBefore := inode(t, filepath.Join(r.dir(), "prod")), inode(t, filepath.Join(r.root, "docs/a.md"))
			must(t, Commit(Plan{Dir: r.dir(), Tree: tc.tree, Scope: tc.scope, Root: r.root, Files: tc.files, Managed: managedDocs}))
			got, _ := r.read()
			want := Tree{}
			for p, d := range tc.tree {
				want[p] = d
			}
			if tc.scope != nil {
				want["staging/c"] = rendered["staging/c"]
			}
			if len(got) != len(want) {
				t.Errorf("after Commit %d files, want %d", len(got), len(want))
			}
			for p, d := range want {
				if string(got[p]) != string(d) {
					t.Errorf("%s = %q, want %q", p, got[p], d)
				}
			}
			_, statErr := os.Stat(filepath.Join(r.root, "docs/a.md"))
			unchanged := statErr == nil && inode(t, filepath.Join(r.dir(), "prod")) == dirBefore && inode(t, filepath.Join(r.root, "docs/a.md")) == pageBefore
			if unchanged == tc.written {
				t.Errorf("written = %v, want %v", !unchanged, tc.written)
			}
			if l := r.litter(); len(l) > 0 {
				t.Errorf("left behind: %v", l)
			}
		})
	}
}

// TestCommitCurrentRefusesEscapingPaths: a plan with a path outside the
// output directory is an error even when the disk happens to match it.
func TestCommitCurrentRefusesEscapingPaths(t *testing.T) {
	r := newRepo(t, Tree{"prod/a": []byte("a")}, Tree{"x.md": []byte("x")})
	err := Commit(Plan{Dir: r.dir(), Tree: Tree{"prod/a": []byte("a")}, Root: r.root, Files: Tree{"docs/../x.md": []byte("x")}})
	if err == nil || !strings.Contains(err.Error(), "escapes") {
		t.Errorf("Commit = %v, want an error: the path escapes the repository", err)
	}
}
