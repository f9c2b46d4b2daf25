package write

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Plan is everything one run writes: the output directory (all of it, or
// only the environments in Scope) and, optionally, generated files that
// live beside hand-written ones under Root (the pages under docs/).
type Plan struct {
	Dir   string   // the output directory, e.g. <root>/rendered
	Tree  Tree     // its new content, keyed "<env>/<path>"
	Scope []string // environments replaced; nil replaces all of Dir

	Root    string   // repository root the Files are relative to; "" for none
	Files   Tree     // generated files under Root
	Managed []string // every path under Root the generator owns: removed when not in Files
}

// Commit makes the plan true on disk as one transaction: a failure while
// preparing (a write error, a symbolic link, a directory where a file
// goes) changes nothing; a kill at any point leaves each tree old or new
// and a journal the next Commit (or Recover) completes before anything
// else. Only an I/O error in the final renames (in directories already
// shown writable) can leave a change for the next run to complete, and
// the error says so.
//
// Everything new is written first, aside: the output tree into a staging
// directory beside Dir, each file under Root into a temporary file in its
// own directory. Then a journal naming every step is committed with a
// rename, and the steps are applied: each file renamed over its old self,
// each tree exchanged with the old one in a single renameat2
// (RENAME_EXCHANGE) call. Every step can tell whether it was done, so
// replaying the journal after a kill completes the run.
func Commit(p Plan) error {
	dir := filepath.Clean(p.Dir)
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return fmt.Errorf("replace %s: %w", dir, err)
	}
	ws := workspaceOf(dir)
	unlock, err := ws.lock()
	if err != nil {
		return err
	}
	defer unlock()
	if err := ws.recoverLocked(p.Root, p.Managed); err != nil {
		return err
	}
	if refuseLink(dir) == nil && current(dir, p) {
		return nil
	}
	staging, j, err := prepare(ws, dir, p)
	if err != nil {
		if staging != "" {
			os.RemoveAll(staging)
		}
		removeTemps(j)
		return err
	}
	if err := j.commit(staging); err != nil {
		os.RemoveAll(staging)
		removeTemps(j)
		return fmt.Errorf("replace %s: %w", dir, err)
	}
	if err := j.apply(); err != nil {
		return fmt.Errorf("replace %s: %w (the next run completes the interrupted change)", dir, err)
	}
	return ws.finish(staging)
}

// prepare writes everything new aside and returns the staging directory
// and the journal of steps that put it in place. Nothing visible changes.
func prepare(ws workspace, dir string, p Plan) (string, *journal, error) {
	j := &journal{}
	if err := refuseLink(dir); err != nil {
		return "", j, err
	}
	for _, name := range p.Scope {
		if err := refuseLink(filepath.Join(dir, name)); err != nil {
			return "", j, err
		}
	}
	staging, err := os.MkdirTemp(ws.parent, ws.prefix()+"new-")
	if err != nil {
		return "", j, fmt.Errorf("replace %s: %w", dir, err)
	}
	tree := filepath.Join(staging, "tree")
	if err := writeAll(tree, p.Tree); err != nil {
		return staging, j, fmt.Errorf("replace %s: %w", dir, err)
	}
	if p.Root != "" {
		if err := prepareFiles(j, p.Root, p.Files, p.Managed); err != nil {
			return staging, j, err
		}
	}
	if len(p.Scope) == 0 {
		if err := keepMode(tree, dir); err != nil {
			return staging, j, err
		}
		return staging, j, j.place(tree, dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return staging, j, fmt.Errorf("replace %s: %w", dir, err)
	}
	for _, name := range p.Scope {
		src, dst := filepath.Join(tree, name), filepath.Join(dir, name)
		if err := os.MkdirAll(src, 0o755); err != nil {
			return staging, j, fmt.Errorf("replace %s: %w", dst, err)
		}
		if err := keepMode(src, dst); err != nil {
			return staging, j, err
		}
		if err := j.place(src, dst); err != nil {
			return staging, j, err
		}
	}
	return staging, j, nil
}

// prepareFiles writes each file under root to a temporary file beside it
// (so its directory is known to be writable) and adds the steps that
// rename them into place and remove the managed files no longer produced.
func prepareFiles(j *journal, root string, files Tree, managed []string) error {
	for _, p := range files.Paths() {
		if strings.Contains(p, "..") || filepath.IsAbs(p) {
			return fmt.Errorf("write %s: path escapes the repository", p)
		}
		full := filepath.Join(root, filepath.FromSlash(p))
		if fi, err := os.Lstat(full); err == nil && !fi.Mode().IsRegular() {
			return fmt.Errorf("write %s: it is not a regular file (%s); the generator replaces only files it wrote", p, fi.Mode().Type())
		}
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return fmt.Errorf("write %s: %w", p, err)
		}
		tmp, err := writeTemp(full, files[p])
		if err != nil {
			return fmt.Errorf("write %s: %w", p, err)
		}
		if err := j.place(tmp, full); err != nil {
			os.Remove(tmp)
			return err
		}
	}
	for _, p := range managed {
		if _, keep := files[p]; !keep {
			j.Steps = append(j.Steps, step{Op: opRemove, Dst: filepath.Join(root, filepath.FromSlash(p))})
		}
	}
	return nil
}

// refuseLink fails when path is a symbolic link: replacing it would
// write into wherever it points, possibly outside the repository.
func refuseLink(path string) error {
	fi, err := os.Lstat(path)
	if err != nil || fi.Mode()&os.ModeSymlink == 0 {
		return nil
	}
	target, _ := os.Readlink(path)
	return fmt.Errorf("replace %s: it is a symbolic link (to %s); the generator writes only a real directory: replace the link with a directory, or pass -out with the directory you mean", path, target)
}

// keepMode gives the new directory src the permissions of the one it
// replaces (0755 when there is none), as a checkout has them.
func keepMode(src, dst string) error {
	mode := os.FileMode(0o755)
	if fi, err := os.Stat(dst); err == nil {
		mode = fi.Mode().Perm()
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("replace %s: %w", dst, err)
	}
	if err := os.Chmod(src, mode); err != nil {
		return fmt.Errorf("replace %s: %w", dst, err)
	}
	return nil
}

// tempPrefix starts the name of a temporary file written beside the file
// it replaces.
const tempPrefix = ".coder-eks-"

func writeTemp(full string, data []byte) (string, error) {
	f, err := os.CreateTemp(filepath.Dir(full), tempPrefix+filepath.Base(full)+"-")
	if err != nil {
		return "", err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(f.Name())
		return "", err
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return "", err
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}

// removeTemps deletes the temporary files a journal that was never
// committed would have renamed into place.
func removeTemps(j *journal) {
	if j == nil {
		return
	}
	for _, s := range j.Steps {
		if s.Op == opPlace && !s.Dir {
			os.Remove(s.Src)
		}
	}
}

// ReadFiles loads the files at paths (slash-separated, relative to root)
// that exist; a missing one is left out of the tree.
func ReadFiles(root string, paths []string) (Tree, error) {
	t := Tree{}
	for _, p := range paths {
		data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(p)))
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", p, err)
		}
		t[p] = data
	}
	return t, nil
}

// Replace commits a plan that writes only the output directory.
func Replace(dir string, t Tree, scope []string) error {
	return Commit(Plan{Dir: dir, Tree: t, Scope: scope})
}

// WriteFile writes one file under root atomically: a temporary file beside
// it, renamed over it.
func WriteFile(root, rel string, data []byte) error {
	if strings.Contains(rel, "..") || filepath.IsAbs(rel) {
		return fmt.Errorf("write %s: path escapes the repository", rel)
	}
	full := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		return fmt.Errorf("write %s: %w", rel, err)
	}
	tmp, err := writeTemp(full, data)
	if err != nil {
		return fmt.Errorf("write %s: %w", rel, err)
	}
	if err := os.Rename(tmp, full); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", rel, err)
	}
	return nil
}
