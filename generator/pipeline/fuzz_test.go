package pipeline

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// FuzzRender feeds generated environment files through load, validate and
// render: any input may be rejected, none may panic. The seed corpus is
// the shipped environments, and the inputs that once panicked
// (testdata/fuzz/FuzzRender holds what the fuzzer found); `go test` runs
// them as a test, `go test -fuzz FuzzRender ./generator/pipeline`
// searches further.
func FuzzRender(f *testing.F) {
	names, err := Environments(repoRoot)
	if err != nil {
		f.Fatal(err)
	}
	for _, n := range names {
		src, err := os.ReadFile(filepath.Join(repoRoot, "environments", n+".cue"))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	staging, err := os.ReadFile(filepath.Join(repoRoot, "environments", "staging.cue"))
	if err != nil {
		f.Fatal(err)
	}
	// Availability zones whose letters collide across regions: two subnets
	// of one name, a panic in tfjson before the region check.
	f.Add([]byte(strings.Replace(string(staging), `availability_zones: ["us-east-1a", "us-east-1b"]`,
		`availability_zones: ["us-east-1a", "us-east-1b", "us-west-2a"]`, 1)))
	root := f.TempDir()
	for _, dir := range []string{"schema", "cue.mod", "toolchains", "bases"} {
		if err := os.CopyFS(filepath.Join(root, dir), os.DirFS(filepath.Join(repoRoot, dir))); err != nil {
			f.Fatal(err)
		}
	}
	if err := os.MkdirAll(filepath.Join(root, "environments"), 0o755); err != nil {
		f.Fatal(err)
	}
	file := filepath.Join(root, "environments", "fuzz.cue")
	today := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, src []byte) {
		if err := os.WriteFile(file, src, 0o644); err != nil {
			t.Fatal(err)
		}
		_, _ = RenderWith(root, "fuzz", Options{Today: today}) // an error is fine, a panic is not
	})
}
