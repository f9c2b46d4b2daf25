package main

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/coder-eks/coder-eks/generator/internal/write"
)

// repoRoot is the repository this test binary was built from.
const repoRoot = ".."

// testRepo is a scratch copy of the repository's CUE inputs (schema,
// module, template layers and environments), so a test can break an
// environment without touching the real one.
type testRepo struct {
	t    *testing.T
	root string
}

func newTestRepo(t *testing.T) *testRepo {
	t.Helper()
	root := t.TempDir()
	for _, dir := range []string{"cue.mod", "schema", "toolchains", "bases", "environments"} {
		copyDir(t, filepath.Join(repoRoot, dir), filepath.Join(root, dir))
	}
	return &testRepo{t: t, root: root}
}

// writeEnv writes environments/<name>.cue.
func (r *testRepo) writeEnv(name, content string) {
	r.t.Helper()
	if err := os.WriteFile(filepath.Join(r.root, "environments", name+".cue"), []byte(content), 0o644); err != nil {
		r.t.Fatal(err)
	}
}

// readEnv returns environments/<name>.cue.
func (r *testRepo) readEnv(name string) string {
	r.t.Helper()
	b, err := os.ReadFile(filepath.Join(r.root, "environments", name+".cue"))
	if err != nil {
		r.t.Fatal(err)
	}
	return string(b)
}

// run runs the CLI against the scratch repository.
func (r *testRepo) run(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(append([]string{"-root", r.root}, args...), &out, &errb)
	return code, out.String(), errb.String()
}

// rendered reads the scratch repository's rendered/ tree.
func (r *testRepo) rendered() write.Tree {
	r.t.Helper()
	tree, err := write.Read(filepath.Join(r.root, "rendered"), nil)
	if err != nil {
		r.t.Fatal(err)
	}
	return tree
}

func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if os.IsNotExist(err) && path == src {
			return filepath.SkipDir // a layer that does not exist yet
		}
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		t.Fatalf("copy %s: %v", src, err)
	}
}
