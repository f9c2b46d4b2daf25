// Package coderd runs the real coderd, built from the coder Go module at
// the version the rendered coder chart deploys, on a throwaway
// PostgreSQL, with the environment taken from the rendered values.
package coderd

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/coder-eks/coder-eks/test/toolcache"
)

const coderModule = "github.com/coder/coder/v2"

// ModuleDir downloads the coder module at version (without "v") and
// returns its directory in the module cache.
func ModuleDir(version string) (string, error) {
	out, err := exec.Command("go", "mod", "download", "-json", coderModule+"@v"+version).Output()
	if err != nil {
		return "", fmt.Errorf("go mod download %s@v%s: %w", coderModule, version, err)
	}
	var m struct{ Dir, Error string }
	if err := json.Unmarshal(out, &m); err != nil {
		return "", fmt.Errorf("go mod download output: %w", err)
	}
	if m.Error != "" {
		return "", fmt.Errorf("go mod download %s@v%s: %s", coderModule, version, m.Error)
	}
	return m.Dir, nil
}

// CoderBinary returns the coder binary of version, building it once
// (`go build ./enterprise/cmd/coder` in the module, GOFLAGS=-mod=mod, no
// embed tag: no web UI) with the buildinfo tag set so that
// /api/v2/buildinfo reports the version.
func CoderBinary(version string) (string, error) {
	cache, err := toolcache.Dir()
	if err != nil {
		return "", err
	}
	bin := filepath.Join(cache, "coderd", "v"+version, "coder")
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	}
	dir, err := ModuleDir(version)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(filepath.Dir(bin), 0o755); err != nil {
		return "", err
	}
	// A name of its own: test/coderd and test/coderd/templates may build
	// at the same time (go test runs packages in parallel); the rename is
	// atomic, so either build's result is whole.
	tmp := fmt.Sprintf("%s.tmp%d", bin, os.Getpid())
	cmd := exec.Command("go", "build", "-trimpath",
		"-ldflags", "-s -w -X "+coderModule+"/buildinfo.tag="+version,
		"-o", tmp, "./enterprise/cmd/coder")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build coder v%s in %s: %w\n%s", version, dir, err, strings.TrimSpace(string(out)))
	}
	return bin, os.Rename(tmp, bin)
}
