package tfvalidate

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/coder-eks/coder-eks/test/toolcache"
)

// OpenTofu is the module and version the harness builds when the machine
// has no Terraform-compatible CLI, so that `go test ./...` needs nothing
// but Go and the module proxy.
const (
	openTofuModule  = "github.com/opentofu/opentofu"
	OpenTofuVersion = "v1.10.6"
)

// openTofuPath is where the built OpenTofu of OpenTofuVersion is cached.
func openTofuPath() (string, error) {
	cache, err := toolcache.Dir()
	if err != nil {
		return "", err
	}
	return filepath.Join(cache, "opentofu", OpenTofuVersion, "tofu"), nil
}

// BuildOpenTofu returns the cached OpenTofu binary, building it once from
// the Go module proxy (`go build ./cmd/tofu` in the module, GOFLAGS=-mod=mod)
// when it is not there. Concurrent test binaries wait for one build: a
// lock file beside the binary serializes them.
func BuildOpenTofu() (string, error) {
	bin, err := openTofuPath()
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	}
	if err := os.MkdirAll(filepath.Dir(bin), 0o755); err != nil {
		return "", err
	}
	lock, err := os.OpenFile(bin+".lock", os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return "", err
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return "", fmt.Errorf("lock %s: %w", lock.Name(), err)
	}
	if _, err := os.Stat(bin); err == nil {
		return bin, nil // another test binary built it meanwhile
	}
	dir, err := openTofuSource()
	if err != nil {
		return "", err
	}
	tmp := bin + ".tmp"
	cmd := exec.Command("go", "build", "-trimpath", "-o", tmp, "./cmd/tofu")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build OpenTofu %s in %s: %w\n%s", OpenTofuVersion, dir, err, strings.TrimSpace(string(out)))
	}
	return bin, os.Rename(tmp, bin)
}

// openTofuSource downloads the OpenTofu module and returns its directory
// in the module cache.
func openTofuSource() (string, error) {
	mod := openTofuModule + "@" + OpenTofuVersion
	out, err := exec.Command("go", "mod", "download", "-json", mod).Output()
	if err != nil {
		return "", fmt.Errorf("go mod download %s: %w", mod, err)
	}
	var m struct{ Dir, Error string }
	if err := json.Unmarshal(out, &m); err != nil {
		return "", fmt.Errorf("go mod download %s: %w", mod, err)
	}
	if m.Error != "" {
		return "", fmt.Errorf("go mod download %s: %s", mod, m.Error)
	}
	return m.Dir, nil
}
