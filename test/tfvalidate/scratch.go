package tfvalidate

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Terraform cannot run in the source tree: providers run in its working
// directory and may write there (the real coder provider creates
// ../.coder/pprof). So the root module is copied to a scratch directory,
// together with the local child modules it calls, at the same relative
// places so that sources like ../modules/vpc still resolve.

// copyModuleTree copies moduleDir and the local module directories listed in
// the manifest `terraform get` wrote into dataDir under dst, keeping their
// layout relative to their closest common ancestor, and returns moduleDir's copy.
func copyModuleTree(moduleDir, dataDir, dst string) (string, error) {
	dirs, err := localModuleDirs(moduleDir, dataDir)
	if err != nil {
		return "", err
	}
	base := moduleDir
	for _, dir := range dirs {
		for !within(base, dir) {
			base = filepath.Dir(base)
		}
	}
	// A directory inside another one is copied with it.
	slices.Sort(dirs)
	var copied []string
	for _, dir := range dirs {
		if slices.ContainsFunc(copied, func(c string) bool { return within(c, dir) }) {
			continue
		}
		rel, err := filepath.Rel(base, dir)
		if err != nil {
			return "", err
		}
		if err := copyTree(dir, filepath.Join(dst, rel)); err != nil {
			return "", err
		}
		copied = append(copied, dir)
	}
	rel, err := filepath.Rel(base, moduleDir)
	if err != nil {
		return "", err
	}
	return filepath.Join(dst, rel), nil
}

// localModuleDirs returns the absolute directories of moduleDir and of every
// module in the manifest (.terraform/modules/modules.json) found on disk
// outside the data directory, i.e. local sources, not downloaded ones.
func localModuleDirs(moduleDir, dataDir string) ([]string, error) {
	dirs := []string{moduleDir}
	manifest, err := os.ReadFile(filepath.Join(dataDir, "modules", "modules.json"))
	if os.IsNotExist(err) {
		return dirs, nil
	}
	if err != nil {
		return nil, err
	}
	var m struct {
		Modules []struct{ Dir string }
	}
	if err := json.Unmarshal(manifest, &m); err != nil {
		return nil, fmt.Errorf("terraform get's module manifest: %w", err)
	}
	for _, mod := range m.Modules {
		dir := mod.Dir
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(moduleDir, dir)
		}
		if !within(dataDir, dir) {
			dirs = append(dirs, dir)
		}
	}
	return dirs, nil
}

// within reports whether path is dir or inside it; both are clean and absolute.
func within(dir, path string) bool {
	return path == dir || strings.HasPrefix(path, dir+string(filepath.Separator)) || dir == string(filepath.Separator)
}

// copyTree copies the regular files under src (and symlinks to files) to dst,
// skipping Terraform's data directories.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == ".terraform" {
			return filepath.SkipDir
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		info, err := os.Stat(path)
		if err != nil {
			return err
		}
		if !info.Mode().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, info.Mode().Perm()|0o200)
	})
}
