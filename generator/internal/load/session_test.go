package load

import (
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestSessionMatchesFreshLoads proves environments loaded one after
// another in one session (one schema evaluation) decode exactly as each
// does on its own: nothing of one environment leaks into the next.
func TestSessionMatchesFreshLoads(t *testing.T) {
	names, err := Discover(root)
	if err != nil {
		t.Fatal(err)
	}
	s := NewSession(root)
	for _, name := range names {
		shared, err := s.Load(name)
		if err != nil {
			t.Fatalf("session load %s: %v", name, err)
		}
		alone, err := Load(root, name)
		if err != nil {
			t.Fatalf("load %s: %v", name, err)
		}
		if diff := cmp.Diff(alone.Config, shared.Config); diff != "" {
			t.Errorf("%s: config in a session (-alone +session):\n%s", name, diff)
		}
		if diff := cmp.Diff(alone.Catalog, shared.Catalog); diff != "" {
			t.Errorf("%s: catalog in a session (-alone +session):\n%s", name, diff)
		}
		if diff := cmp.Diff(alone.Committed, shared.Committed, cmpopts.EquateComparable(netip.Prefix{})); diff != "" {
			t.Errorf("%s: committed plan in a session (-alone +session):\n%s", name, diff)
		}
	}
}

// TestSessionReportsEachBadEnvironment: a session that loaded a bad
// environment still loads the next one, and reports the bad one's error
// at its own file.
func TestSessionReportsEachBadEnvironment(t *testing.T) {
	dir := t.TempDir()
	for _, d := range []string{SchemaDir, "cue.mod", ToolchainsDir, BasesDir} {
		if err := os.CopyFS(filepath.Join(dir, d), os.DirFS(filepath.Join(root, d))); err != nil {
			t.Fatal(err)
		}
	}
	prod, err := os.ReadFile(filepath.Join(root, EnvironmentsDir, "staging.cue"))
	if err != nil {
		t.Fatal(err)
	}
	envs := filepath.Join(dir, EnvironmentsDir)
	if err := os.MkdirAll(envs, 0o755); err != nil {
		t.Fatal(err)
	}
	bad := string(prod) + "\nmax_workspaces: \"many\"\n"
	for name, src := range map[string]string{"a": bad, "b": string(prod)} {
		if err := os.WriteFile(filepath.Join(envs, name+".cue"), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s := NewSession(dir)
	if _, err := s.Load("a"); err == nil || !strings.Contains(err.Error(), "environments/a.cue") {
		t.Errorf("Load(a) = %v, want an error at environments/a.cue", err)
	}
	if _, err := s.Load("b"); err != nil {
		t.Errorf("Load(b) after a failed load: %v", err)
	}
}

// TestSessionReadsItsOwnLayers: each session evaluates the layers of its
// own root. Two roots alike but for a bases file the second cannot read
// (a link to nothing) do not share a result: the second reports the file
// by name. (The error CUE wraps from Go has an empty message; it was
// reported as "-: ".)
func TestSessionReadsItsOwnLayers(t *testing.T) {
	copyRoot := func() string {
		dir := t.TempDir()
		for _, d := range []string{SchemaDir, "cue.mod", ToolchainsDir, BasesDir, EnvironmentsDir} {
			if err := os.CopyFS(filepath.Join(dir, d), os.DirFS(filepath.Join(root, d))); err != nil {
				t.Fatal(err)
			}
		}
		return dir
	}
	good, bad := copyRoot(), copyRoot()
	if err := os.Symlink(filepath.Join(bad, "missing.cue"), filepath.Join(bad, BasesDir, "zz-unreadable.cue")); err != nil {
		t.Fatal(err)
	}
	if _, err := NewSession(good).Load("prod"); err != nil {
		t.Fatalf("Load(prod) in the good root: %v", err)
	}
	_, err := NewSession(bad).Load("prod")
	if err == nil || !strings.Contains(err.Error(), "zz-unreadable.cue") {
		t.Errorf("Load(prod) in a root with an unreadable bases file = %v, want an error naming it", err)
	}
	if err != nil && strings.Contains(err.Error(), bad) {
		t.Errorf("the error names the file by its absolute path: %v", err)
	}
}
