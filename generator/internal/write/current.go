package write

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
)

// current reports whether plan p is already true on disk: under dir (or
// dir/<scope...>) exactly the files of p.Tree, each a regular file with
// the same bytes, and under p.Root each of p.Files the same and no other
// managed file. A run that would change nothing then writes nothing: the
// staging tree and the swap are most of a render's system time (creating
// 285 files on a copy-on-write file system), and a regenerate without a
// change is the common run. Anything unusual (a link, a missing file, a
// read error) is "not current", and Commit goes the whole way, with its
// own checks and errors.
func current(dir string, p Plan) bool {
	roots := []string{dir}
	if len(p.Scope) > 0 {
		roots = roots[:0]
		for _, s := range p.Scope {
			roots = append(roots, filepath.Join(dir, s))
		}
	}
	seen := 0
	for _, root := range roots {
		fi, err := os.Lstat(root)
		if err != nil || !fi.IsDir() {
			return false
		}
		err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				return nil
			}
			if !d.Type().IsRegular() {
				return fs.ErrInvalid
			}
			rel, err := filepath.Rel(dir, path)
			if err != nil {
				return err
			}
			want, ok := p.Tree[filepath.ToSlash(rel)]
			if !ok || !sameFile(path, want) {
				return fs.ErrInvalid
			}
			seen++
			return nil
		})
		if err != nil {
			return false
		}
	}
	if seen != len(p.Tree) {
		return false
	}
	return p.Root == "" || filesCurrent(p)
}

// filesCurrent reports whether the generated files under p.Root are
// current: each of p.Files a regular file with its bytes, and no managed
// path outside p.Files present.
func filesCurrent(p Plan) bool {
	for rel, want := range p.Files {
		full := filepath.Join(p.Root, filepath.FromSlash(rel))
		if fi, err := os.Lstat(full); err != nil || !fi.Mode().IsRegular() || !sameFile(full, want) {
			return false
		}
	}
	for _, rel := range p.Managed {
		if _, ok := p.Files[rel]; ok {
			continue
		}
		if _, err := os.Lstat(filepath.Join(p.Root, filepath.FromSlash(rel))); err == nil {
			return false
		}
	}
	return true
}

func sameFile(path string, want []byte) bool {
	got, err := os.ReadFile(path)
	return err == nil && bytes.Equal(got, want)
}
