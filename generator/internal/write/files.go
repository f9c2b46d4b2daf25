package write

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// SyncFiles makes the managed paths under root hold exactly the tree:
// files of the tree are written, managed paths the tree lacks are
// removed, and every other file is left alone. It is for generated files
// that live beside hand-written ones (docs/). Every file is written to a
// temporary name in its directory first and renamed into place only once
// all are written, so a failed write changes nothing and no file is ever
// half written.
func SyncFiles(root string, t Tree, managed []string) error {
	var temps []string
	defer func() {
		for _, tmp := range temps {
			os.Remove(tmp)
		}
	}()
	renames := map[string]string{}
	for _, p := range t.Paths() {
		if strings.Contains(p, "..") || filepath.IsAbs(p) {
			return fmt.Errorf("write %s: path escapes the repository", p)
		}
		full := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return fmt.Errorf("write %s: %w", p, err)
		}
		tmp, err := writeTemp(full, t[p])
		if err != nil {
			return fmt.Errorf("write %s: %w", p, err)
		}
		temps = append(temps, tmp)
		renames[tmp] = full
	}
	for _, tmp := range temps {
		if err := os.Rename(tmp, renames[tmp]); err != nil {
			return fmt.Errorf("write %s: %w", renames[tmp], err)
		}
	}
	for _, p := range managed {
		if _, keep := t[p]; keep {
			continue
		}
		err := os.Remove(filepath.Join(root, filepath.FromSlash(p)))
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("remove %s: %w", p, err)
		}
	}
	return nil
}

func writeTemp(full string, data []byte) (string, error) {
	f, err := os.CreateTemp(filepath.Dir(full), ".coder-eks-"+filepath.Base(full)+"-")
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
