package tfvalidate

import (
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// RootModules returns every directory under renderedDir (itself included)
// holding a *.tf or *.tf.json file, except those inside a folder named
// "modules", which hold child modules, validated through the roots calling
// them, and hidden folders such as .terraform. Paths start with renderedDir
// and are sorted.
func RootModules(renderedDir string) ([]string, error) {
	seen := map[string]bool{}
	var roots []string
	err := filepath.WalkDir(renderedDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != renderedDir && (d.Name() == "modules" || strings.HasPrefix(d.Name(), ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		name := d.Name()
		if strings.HasSuffix(name, ".tf") || strings.HasSuffix(name, ".tf.json") {
			// A directory's files and subdirectories interleave in walk order.
			if dir := filepath.Dir(path); !seen[dir] {
				seen[dir] = true
				roots = append(roots, dir)
			}
		}
		return nil
	})
	sort.Strings(roots)
	return roots, err
}

// EachRootModule runs fn in a parallel subtest, named by the path relative
// to dir, for every root module under dir (RootModules), with the test
// binary's shared Harness. No root module fails t: a walk over nothing
// cannot fail.
func EachRootModule(t *testing.T, dir string, fn func(t *testing.T, h *Harness, root string)) {
	t.Helper()
	roots, err := RootModules(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(roots) == 0 {
		t.Fatalf("no Terraform root modules (*.tf.json or *.tf outside modules/) under %s: render them first", dir)
	}
	h := Setup(t)
	for _, root := range roots {
		rel, err := filepath.Rel(dir, root)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(filepath.ToSlash(rel), func(t *testing.T) {
			t.Parallel()
			fn(t, h, root)
		})
	}
}
