package write

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/sys/unix"
)

// workspace is where a transaction on an output directory keeps its
// lock and staging directories: beside the directory, named after it, so
// runs on different output directories never touch each other's.
type workspace struct {
	parent, base string
}

func workspaceOf(dir string) workspace {
	return workspace{parent: filepath.Dir(dir), base: filepath.Base(dir)}
}

// prefix starts the name of everything the workspace creates.
func (w workspace) prefix() string { return ".coder-eks-" + w.base + "-" }

// lock takes the workspace's exclusive lock, waiting for a run that holds
// it: only the holder may complete or remove staging directories.
func (w workspace) lock() (func(), error) {
	path := filepath.Join(w.parent, w.prefix()+"lock")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return func() { f.Close() }, nil
}

// legacyAge is how old a staging directory of an earlier generator version
// (which took no lock) must be before it counts as abandoned.
const legacyAge = 10 * time.Minute

// recoverLocked completes every transaction an interrupted run committed
// and removes what interrupted runs left: staging directories without a
// journal, and temporary files beside the managed files under root.
func (w workspace) recoverLocked(root string, managed []string) error {
	stagings, _ := filepath.Glob(filepath.Join(w.parent, w.prefix()+"new-*"))
	for _, s := range stagings {
		j, err := readJournal(s)
		switch {
		case err == nil:
			if err := j.apply(); err != nil {
				return fmt.Errorf("complete the interrupted run in %s: %w", s, err)
			}
		case !errors.Is(err, os.ErrNotExist):
			return err
		}
		if err := w.finish(s); err != nil {
			return err
		}
	}
	legacy, _ := filepath.Glob(filepath.Join(w.parent, ".coder-eks-new-*"))
	old, _ := filepath.Glob(filepath.Join(w.parent, ".coder-eks-old-*"))
	for _, l := range append(legacy, old...) {
		if fi, err := os.Lstat(l); err == nil && fi.IsDir() && time.Since(fi.ModTime()) > legacyAge {
			os.RemoveAll(l)
		}
	}
	for _, p := range managed {
		full := filepath.Join(root, filepath.FromSlash(p))
		temps, _ := filepath.Glob(filepath.Join(filepath.Dir(full), tempPrefix+filepath.Base(full)+"-*"))
		for _, t := range temps {
			os.Remove(t)
		}
	}
	return nil
}

// finish removes a staging directory whose transaction is complete: the
// journal first, so a kill part-way leaves litter, not a transaction.
func (w workspace) finish(staging string) error {
	if err := before("cleanup", staging); err != nil {
		return err
	}
	if err := os.Remove(filepath.Join(staging, journalName)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("clean up %s: %w", staging, err)
	}
	if err := os.RemoveAll(staging); err != nil {
		return fmt.Errorf("clean up %s: %w", staging, err)
	}
	return nil
}

// Recover completes or removes what an interrupted run on dir left, as
// every Commit does first. root and managed are the Plan's.
func Recover(dir, root string, managed []string) error {
	ws := workspaceOf(filepath.Clean(dir))
	if _, err := os.Stat(ws.parent); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	unlock, err := ws.lock()
	if err != nil {
		return err
	}
	defer unlock()
	return ws.recoverLocked(root, managed)
}

// Interrupted reports whether a run on dir was killed after committing
// its change and before completing it: what is on disk is then part old,
// part new until the next run (or Recover) completes it.
func Interrupted(dir string) bool {
	ws := workspaceOf(filepath.Clean(dir))
	stagings, _ := filepath.Glob(filepath.Join(ws.parent, ws.prefix()+"new-*"))
	for _, s := range stagings {
		if _, err := os.Stat(filepath.Join(s, journalName)); err == nil {
			return true
		}
	}
	return false
}
