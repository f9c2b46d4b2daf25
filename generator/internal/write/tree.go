// Package write is the pipeline's last step: it puts rendered files on disk
// atomically (the whole tree is built aside, then swapped in) and compares
// rendered files with what is on disk for -check.
package write

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Tree is a set of files keyed by slash-separated path relative to the
// output directory, e.g. "prod/terraform/infra/vpc.tf.json".
type Tree map[string][]byte

// Paths returns the tree's paths, sorted.
func (t Tree) Paths() []string {
	paths := make([]string, 0, len(t))
	for p := range t {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	return paths
}

// Read loads the files under dir/<scope...> (every file under dir when
// scope is empty). A missing dir is an empty tree.
func Read(dir string, scope []string) (Tree, error) {
	t := Tree{}
	roots := []string{dir}
	if len(scope) > 0 {
		roots = roots[:0]
		for _, s := range scope {
			roots = append(roots, filepath.Join(dir, s))
		}
	}
	for _, root := range roots {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				if os.IsNotExist(err) && path == root {
					return filepath.SkipDir
				}
				return err
			}
			if d.IsDir() {
				return nil
			}
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			rel, err := filepath.Rel(dir, path)
			if err != nil {
				return err
			}
			t[filepath.ToSlash(rel)] = data
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", dir, err)
		}
	}
	return t, nil
}

// writeAll writes the tree under dir, which must be empty or absent.
func writeAll(dir string, t Tree) error {
	for _, p := range t.Paths() {
		if strings.Contains(p, "..") || filepath.IsAbs(p) {
			return fmt.Errorf("write %s: path escapes the output directory", p)
		}
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return fmt.Errorf("write %s: %w", p, err)
		}
		if err := os.WriteFile(full, t[p], 0o644); err != nil {
			return fmt.Errorf("write %s: %w", p, err)
		}
	}
	return nil
}
