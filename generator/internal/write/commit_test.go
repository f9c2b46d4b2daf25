package write

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// repo is a scratch repository with rendered/ and docs/.
type repo struct {
	t    *testing.T
	root string
}

func newRepo(t *testing.T, rendered, docs Tree) repo {
	t.Helper()
	r := repo{t: t, root: t.TempDir()}
	if err := writeAll(r.dir(), rendered); err != nil {
		t.Fatal(err)
	}
	if err := writeAll(r.root, docs); err != nil {
		t.Fatal(err)
	}
	return r
}

func (r repo) dir() string { return filepath.Join(r.root, "rendered") }

func (r repo) read() (rendered, docs Tree) {
	r.t.Helper()
	rendered, err := Read(r.dir(), nil)
	if err != nil {
		r.t.Fatal(err)
	}
	docs, err = ReadFiles(r.root, managedDocs)
	if err != nil {
		r.t.Fatal(err)
	}
	return rendered, docs
}

// litter is every entry in the repository root the generator made
// besides rendered/, docs/ and its lock file.
func (r repo) litter() []string {
	r.t.Helper()
	var out []string
	for _, pattern := range []string{".coder-eks-*", "docs/*/.coder-eks-*", "docs/.coder-eks-*"} {
		m, _ := filepath.Glob(filepath.Join(r.root, pattern))
		for _, p := range m {
			if !strings.HasSuffix(p, "-lock") {
				out = append(out, p)
			}
		}
	}
	return out
}

var managedDocs = []string{"docs/a.md", "docs/b.md", "docs/sub/c.md"}

func TestCommitFiles(t *testing.T) {
	r := newRepo(t, Tree{"prod/x": []byte("old")}, Tree{"docs/a.md": []byte("old a"), "docs/b.md": []byte("old b"), "docs/README.md": []byte("hand-written")})
	files := Tree{"docs/a.md": []byte("new a"), "docs/sub/c.md": []byte("new c")}
	if err := Commit(Plan{Dir: r.dir(), Tree: Tree{"prod/x": []byte("new")}, Root: r.root, Files: files, Managed: managedDocs}); err != nil {
		t.Fatal(err)
	}
	got, err := Read(filepath.Join(r.root, "docs"), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := Tree{"a.md": []byte("new a"), "sub/c.md": []byte("new c"), "README.md": []byte("hand-written")} // b.md: managed, no longer generated
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("docs after Commit (-want +got):\n%s", diff)
	}
	if l := r.litter(); len(l) > 0 {
		t.Errorf("left behind: %v", l)
	}
}

func TestCommitRefusesEscapingPaths(t *testing.T) {
	r := newRepo(t, Tree{"prod/x": []byte("old")}, nil)
	err := Commit(Plan{Dir: r.dir(), Tree: Tree{"prod/x": []byte("new")}, Root: r.root, Files: Tree{"../x.md": []byte("x")}})
	if err == nil {
		t.Fatal("Commit wrote outside the root")
	}
	if got, _ := r.read(); string(got["prod/x"]) != "old" {
		t.Errorf("rendered/ changed although the docs could not be written")
	}
}

// TestCommitDocsFailureChangesNothing: when a generated page cannot be
// written, rendered/ must not have been replaced either (it was, before
// docs/ and rendered/ were one transaction).
func TestCommitDocsFailureChangesNothing(t *testing.T) {
	r := newRepo(t, Tree{"prod/x": []byte("old")}, Tree{"docs/a.md/blocker": []byte("a directory where a page goes")})
	err := Commit(Plan{Dir: r.dir(), Tree: Tree{"prod/x": []byte("new")}, Root: r.root, Files: Tree{"docs/a.md": []byte("new a")}, Managed: managedDocs})
	if err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Fatalf("Commit() = %v, want a not-a-regular-file error", err)
	}
	if got, _ := Read(r.dir(), nil); string(got["prod/x"]) != "old" {
		t.Errorf("rendered/prod/x = %q after a failed run, want the old content", got["prod/x"])
	}
	if l := r.litter(); len(l) > 0 {
		t.Errorf("left behind: %v", l)
	}
}

// TestCommitFailsAtEveryStep injects an error before each change a
// Commit makes and checks that the tree is then old or new, and after
// Recover entirely new or entirely old, docs included, with no litter.
func TestCommitFailsAtEveryStep(t *testing.T) {
	oldR, newR := Tree{"prod/x": []byte("old"), "staging/y": []byte("old")}, Tree{"prod/x": []byte("new"), "staging/y": []byte("new")}
	oldD, newD := Tree{"docs/a.md": []byte("old a"), "docs/b.md": []byte("old b")}, Tree{"docs/a.md": []byte("new a"), "docs/sub/c.md": []byte("new c")}
	for _, scope := range [][]string{nil, {"prod", "staging"}} {
		for n := 1; ; n++ {
			r := newRepo(t, oldR, oldD)
			calls := 0
			BeforeStep = func(op, path string) error {
				if calls++; calls == n {
					return errors.New("injected")
				}
				return nil
			}
			err := Commit(Plan{Dir: r.dir(), Tree: newR, Scope: scope, Root: r.root, Files: newD, Managed: managedDocs})
			BeforeStep = nil
			if err == nil {
				if n == 1 {
					t.Fatal("no step was ever taken")
				}
				break
			}
			if rendered, _ := r.read(); !sameAs(rendered, oldR, newR, scope) {
				t.Fatalf("scope %v, failure at step %d: rendered/ is neither old nor new: %v", scope, n, rendered)
			}
			if err := Recover(r.dir(), r.root, managedDocs); err != nil {
				t.Fatal(err)
			}
			rendered, docs := r.read()
			allOld := cmp.Equal(rendered, oldR) && cmp.Equal(docs, oldD)
			allNew := cmp.Equal(rendered, newR) && cmp.Equal(docs, newD)
			if !allOld && !allNew {
				t.Fatalf("scope %v, failure at step %d, then Recover: neither all old nor all new:\nrendered %v\ndocs %v", scope, n, rendered, docs)
			}
			if l := r.litter(); len(l) > 0 {
				t.Fatalf("scope %v, failure at step %d, then Recover: left behind %v", scope, n, l)
			}
		}
	}
}

// sameAs is whether each environment of got is entirely old or entirely new.
func sameAs(got, old, new Tree, scope []string) bool {
	for _, env := range []string{"prod", "staging"} {
		p := env + "/" + map[string]string{"prod": "x", "staging": "y"}[env]
		if string(got[p]) != string(old[p]) && string(got[p]) != string(new[p]) {
			return false
		}
	}
	return len(got) == len(old)
}

// TestCommitKeepsMode: rendered/ keeps its permissions (0755 in a
// checkout); it used to become 0700, the mode of a temporary directory.
func TestCommitKeepsMode(t *testing.T) {
	for _, mode := range []os.FileMode{0o755, 0o750} {
		for _, scope := range [][]string{nil, {"prod"}} {
			r := newRepo(t, Tree{"prod/x": []byte("old")}, nil)
			d := r.dir() // a full render keeps rendered/'s mode, a scoped one rendered/prod's
			if scope != nil {
				d = filepath.Join(r.dir(), "prod")
			}
			must(t, os.Chmod(d, mode))
			must(t, Replace(r.dir(), Tree{"prod/x": []byte("new")}, scope))
			fi, err := os.Stat(d)
			must(t, err)
			if fi.Mode().Perm() != mode {
				t.Errorf("scope %v: %s has mode %v, want %v", scope, d, fi.Mode().Perm(), mode)
			}
		}
	}
	fresh := filepath.Join(t.TempDir(), "out")
	must(t, Replace(fresh, Tree{"prod/x": []byte("new")}, nil))
	if fi, _ := os.Stat(fresh); fi.Mode().Perm() != 0o755 {
		t.Errorf("a new output directory has mode %v, want 0755", fi.Mode().Perm())
	}
}

// TestCommitRefusesSymlink: with rendered a link to another directory,
// a scoped render used to replace prod/ inside the link's target.
func TestCommitRefusesSymlink(t *testing.T) {
	elsewhere := t.TempDir()
	must(t, writeAll(elsewhere, Tree{"prod/x": []byte("outside")}))
	r := newRepo(t, nil, nil)
	must(t, os.Symlink(elsewhere, r.dir()))
	for _, scope := range [][]string{nil, {"prod"}} {
		err := Replace(r.dir(), Tree{"prod/x": []byte("new")}, scope)
		if err == nil || !strings.Contains(err.Error(), "symbolic link") {
			t.Errorf("scope %v: Replace() = %v, want a symbolic link error", scope, err)
		}
		if got, _ := os.ReadFile(filepath.Join(elsewhere, "prod/x")); string(got) != "outside" {
			t.Errorf("scope %v: wrote through the link: %q", scope, got)
		}
	}
	// An environment directory that is a link is refused too.
	r2 := newRepo(t, Tree{"staging/y": []byte("keep")}, nil)
	must(t, os.Symlink(filepath.Join(elsewhere, "prod"), filepath.Join(r2.dir(), "prod")))
	if err := Replace(r2.dir(), Tree{"prod/x": []byte("new")}, []string{"prod"}); err == nil {
		t.Error("Replace wrote through rendered/prod, a link")
	}
}

// TestCommitCleansLitter: staging directories an interrupted run left
// (this version's without a journal, and an earlier version's once
// abandoned) are removed; a recent one of an earlier version, which may
// belong to a run still going, is not.
func TestCommitCleansLitter(t *testing.T) {
	r := newRepo(t, Tree{"prod/x": []byte("old")}, nil)
	mk := func(name string, age time.Duration) string {
		p := filepath.Join(r.root, name)
		must(t, writeAll(p, Tree{"old/prod/x": []byte("old")}))
		at := time.Now().Add(-age)
		must(t, os.Chtimes(p, at, at))
		return p
	}
	ours := mk(".coder-eks-rendered-new-123", 0)
	abandoned := mk(".coder-eks-old-456", time.Hour)
	abandonedNew := mk(".coder-eks-new-457", time.Hour)
	recent := mk(".coder-eks-new-789", 0)
	must(t, writeAll(r.root, Tree{"docs/.coder-eks-a.md-111": []byte("half")}))
	must(t, Commit(Plan{Dir: r.dir(), Tree: Tree{"prod/x": []byte("new")}, Root: r.root, Files: Tree{"docs/a.md": []byte("a")}, Managed: managedDocs}))
	for _, p := range []string{ours, abandoned, abandonedNew, filepath.Join(r.root, "docs/.coder-eks-a.md-111")} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s left behind", filepath.Base(p))
		}
	}
	if _, err := os.Stat(recent); err != nil {
		t.Errorf("a recent staging directory of another run was removed")
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
