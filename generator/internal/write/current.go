package write

import (
	"bytes"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// current reports whether plan p is already true on disk: under dir (or
// dir/<scope...>) exactly the files of p.Tree, each a regular file of mode
// 0644 with the same bytes, no directory that holds none of them, and
// under p.Root each of p.Files the same and no other managed file. A run that would change nothing then writes nothing: the
// staging tree and the swap are most of a render's system time (creating
// 285 files on a copy-on-write file system), and a regenerate without a
// change is the common run. Anything unusual (a link, a missing file, a
// read error) is "not current", and Commit goes the whole way, with its
// own checks and errors.
func current(dir string, p Plan) bool {
	if !safePaths(p.Tree) || !safePaths(p.Files) {
		return false // prepare refuses them, with its error
	}
	roots := []string{dir}
	if len(p.Scope) > 0 {
		roots = roots[:0]
		for _, s := range p.Scope {
			roots = append(roots, filepath.Join(dir, s))
		}
	}
	dirs := ancestors(p.Tree)
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
			rel, err := filepath.Rel(dir, path)
			if err != nil {
				return err
			}
			rel = filepath.ToSlash(rel)
			if d.IsDir() {
				// A directory no file of the tree lies under (an empty
				// one left by hand) goes with a full replace.
				if path != root && !dirs[rel] {
					return fs.ErrInvalid
				}
				return nil
			}
			want, ok := p.Tree[rel]
			if !ok || !sameFile(path, d, want) {
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

// safePaths reports whether every path of t stays inside its directory.
func safePaths(t Tree) bool {
	for p := range t {
		if strings.Contains(p, "..") || filepath.IsAbs(p) {
			return false
		}
	}
	return true
}

// ancestors are the directories (slash paths, relative like the tree's)
// that hold a file of t.
func ancestors(t Tree) map[string]bool {
	out := map[string]bool{}
	for p := range t {
		for d := path.Dir(p); d != "." && !out[d]; d = path.Dir(d) {
			out[d] = true
		}
	}
	return out
}

// filesCurrent reports whether the generated files under p.Root are
// current: each of p.Files a regular file with its bytes, and no managed
// path outside p.Files present.
func filesCurrent(p Plan) bool {
	for rel, want := range p.Files {
		full := filepath.Join(p.Root, filepath.FromSlash(rel))
		fi, err := os.Lstat(full)
		if err != nil || !sameFile(full, fs.FileInfoToDirEntry(fi), want) {
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

// sameFile reports whether the entry at path is what a write would make
// of want: a regular file of mode 0644 (what writeAll and writeTemp give
// every file) holding exactly want.
func sameFile(path string, d fs.DirEntry, want []byte) bool {
	if !d.Type().IsRegular() {
		return false
	}
	if fi, err := d.Info(); err != nil || fi.Mode().Perm() != 0o644 {
		return false
	}
	got, err := os.ReadFile(path)
	return err == nil && bytes.Equal(got, want)
}
