package write

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// BeforeStep, when set, is called before every change a Commit makes to
// the disk ("journal", "place", "remove", "cleanup") with the path it
// changes; an error it returns fails the step. Tests use it to fail or
// kill a run at each step.
var BeforeStep func(op, path string) error

func before(op, path string) error {
	if BeforeStep == nil {
		return nil
	}
	return BeforeStep(op, path)
}

const (
	opPlace  = "place"  // put Src at Dst: a rename, or an exchange for a directory
	opRemove = "remove" // delete the file Dst
)

// step is one change of a transaction. A place step records the identity
// (device and inode) of what it puts in place, so replaying it can tell
// whether it was already done.
type step struct {
	Op  string `json:"op"`
	Src string `json:"src,omitempty"`
	Dst string `json:"dst"`
	Dir bool   `json:"dir,omitempty"`
	Dev uint64 `json:"dev,omitempty"`
	Ino uint64 `json:"ino,omitempty"`
}

// journal is a transaction's steps, in the order they are applied.
type journal struct {
	Steps []step `json:"steps"`
}

// journalName is the journal's name inside the staging directory; its
// presence means the transaction is committed and must be completed.
const journalName = "journal.json"

func (j *journal) place(src, dst string) error {
	dev, ino, isDir, err := identity(src)
	if err != nil {
		return fmt.Errorf("replace %s: %w", dst, err)
	}
	j.Steps = append(j.Steps, step{Op: opPlace, Src: src, Dst: dst, Dir: isDir, Dev: dev, Ino: ino})
	return nil
}

// commit writes the journal into the staging directory with a rename, the
// point after which the transaction is completed rather than dropped.
func (j *journal) commit(staging string) error {
	data, err := json.MarshalIndent(j, "", "  ")
	if err != nil {
		return err
	}
	tmp := filepath.Join(staging, journalName+".tmp")
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := before("journal", staging); err != nil {
		return err
	}
	if err := os.Rename(tmp, filepath.Join(staging, journalName)); err != nil {
		return err
	}
	return syncDir(staging)
}

// apply performs the steps; each one already done is skipped, so apply
// also completes a journal an interrupted run left.
func (j *journal) apply() error {
	for _, s := range j.Steps {
		if err := s.apply(); err != nil {
			return err
		}
	}
	return nil
}

func (s step) apply() error {
	switch s.Op {
	case opRemove:
		if err := before(opRemove, s.Dst); err != nil {
			return err
		}
		if err := os.Remove(s.Dst); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("remove %s: %w", s.Dst, err)
		}
		return nil
	case opPlace:
		if dev, ino, _, err := identity(s.Dst); err == nil && dev == s.Dev && ino == s.Ino {
			return nil // done
		}
		if err := before(opPlace, s.Dst); err != nil {
			return err
		}
		if _, err := os.Lstat(s.Dst); s.Dir && err == nil {
			return exchange(s.Src, s.Dst)
		}
		if err := os.Rename(s.Src, s.Dst); err != nil {
			return fmt.Errorf("place %s: %w", s.Dst, err)
		}
		return nil
	}
	return fmt.Errorf("journal: unknown step %q", s.Op)
}

// exchange swaps the directories src and dst in one step. Where the
// file system cannot (renameat2 unsupported), it moves dst aside and src
// in: two renames, between which a kill leaves dst absent until the next
// run replays the journal and completes the swap.
func exchange(src, dst string) error {
	err := renameExchange(src, dst)
	if err == nil {
		return nil
	}
	if !errors.Is(err, errNoExchange) {
		return fmt.Errorf("exchange %s: %w", dst, err)
	}
	old := src + ".old"
	if err := os.Rename(dst, old); err != nil {
		return fmt.Errorf("replace %s: %w", dst, err)
	}
	if err := before(opPlace, dst); err != nil {
		return err
	}
	if err := os.Rename(src, dst); err != nil {
		return fmt.Errorf("replace %s: %w", dst, err)
	}
	return nil
}

func identity(path string) (dev, ino uint64, isDir bool, err error) {
	fi, err := os.Lstat(path)
	if err != nil {
		return 0, 0, false, err
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, 0, false, fmt.Errorf("stat %s: no inode", path)
	}
	return uint64(st.Dev), uint64(st.Ino), fi.IsDir(), nil
}

func readJournal(staging string) (*journal, error) {
	data, err := os.ReadFile(filepath.Join(staging, journalName))
	if err != nil {
		return nil, err
	}
	j := &journal{}
	if err := json.Unmarshal(data, j); err != nil {
		return nil, fmt.Errorf("read journal %s: %w", staging, err)
	}
	return j, nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
