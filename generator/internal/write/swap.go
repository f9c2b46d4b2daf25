package write

import (
	"fmt"
	"os"
	"path/filepath"
)

// Replace makes dir hold exactly the tree. With a scope (environment
// names), only dir/<name> for those names is replaced and the rest of dir
// is left alone; without one, all of dir is, so directories of removed
// environments disappear. The new content is written completely in a
// sibling directory first and then renamed into place, so a failure while
// writing leaves dir as it was.
func Replace(dir string, t Tree, scope []string) error {
	dir = filepath.Clean(dir)
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("replace %s: %w", dir, err)
	}
	staging, err := os.MkdirTemp(parent, ".coder-eks-new-")
	if err != nil {
		return fmt.Errorf("replace %s: %w", dir, err)
	}
	defer os.RemoveAll(staging)
	if err := writeAll(staging, t); err != nil {
		return fmt.Errorf("replace %s: %w", dir, err)
	}
	if len(scope) == 0 {
		return swap(staging, dir, parent)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("replace %s: %w", dir, err)
	}
	for _, name := range scope {
		src := filepath.Join(staging, name)
		if err := os.MkdirAll(src, 0o755); err != nil {
			return fmt.Errorf("replace %s: %w", dir, err)
		}
		if err := swap(src, filepath.Join(dir, name), parent); err != nil {
			return err
		}
	}
	return nil
}

// swap renames src to dst, moving an existing dst out of the way first and
// deleting it only once src is in place.
func swap(src, dst, parent string) error {
	old := ""
	if _, err := os.Stat(dst); err == nil {
		tmp, err := os.MkdirTemp(parent, ".coder-eks-old-")
		if err != nil {
			return fmt.Errorf("replace %s: %w", dst, err)
		}
		old = filepath.Join(tmp, "old")
		if err := os.Rename(dst, old); err != nil {
			os.RemoveAll(tmp)
			return fmt.Errorf("replace %s: %w", dst, err)
		}
		defer os.RemoveAll(tmp)
	}
	if err := os.Rename(src, dst); err != nil {
		if old != "" {
			_ = os.Rename(old, dst)
		}
		return fmt.Errorf("replace %s: %w", dst, err)
	}
	return nil
}
