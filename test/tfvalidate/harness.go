// Package tfvalidate runs the real `terraform validate` (or OpenTofu's) on
// Terraform root modules with no network and no cloud credentials.
//
// Terraform checks a configuration against the schemas its providers serve, so
// the providers have to run, but they cannot be downloaded here. The real
// coder/coder provider is built from the Go module proxy; every other provider
// is ../schemaprovider serving the schema recorded in
// ../testdata/provider-schemas. A CLI configuration with dev_overrides points
// Terraform at them, which is also why `terraform init` (it would query the
// registry) is never run.
package tfvalidate

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// Harness validates root modules with one Terraform binary and one set of
// providers. It is safe for concurrent use.
type Harness struct {
	terraform string
	dir       string
	cliConfig string
	providers []string
	// typeWords matches words naming a type of a schema-served provider.
	typeWords *regexp.Regexp
}

// New finds the Terraform binary (see FindTerraform) and builds the providers
// into dir, which must exist and be removed by the caller when done.
// It must run inside this Go module: it builds providers with the go command.
func New(dir string) (*Harness, error) {
	terraform, err := FindTerraform()
	if err != nil {
		return nil, err
	}
	dir, err = filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	root, err := moduleRoot()
	if err != nil {
		return nil, err
	}
	overrides, err := buildProviders(root, dir)
	if err != nil {
		return nil, err
	}
	h := &Harness{terraform: terraform, dir: dir, cliConfig: filepath.Join(dir, "terraform.rc")}
	for source := range overrides {
		h.providers = append(h.providers, source)
	}
	sort.Strings(h.providers)
	h.typeWords = typeWords(h.providers)
	if err := os.WriteFile(h.cliConfig, cliConfig(overrides), 0o644); err != nil {
		return nil, err
	}
	return h, nil
}

// Terraform returns the path of the terraform or tofu binary in use.
func (h *Harness) Terraform() string { return h.terraform }

// CLIConfig returns the path of the Terraform CLI configuration whose
// dev_overrides point at the harness's providers, for a program that runs
// Terraform itself (TF_CLI_CONFIG_FILE), such as coderd's provisioner.
func (h *Harness) CLIConfig() string { return h.cliConfig }

// Providers returns the provider sources (e.g. "hashicorp/aws") the harness
// serves. A module requiring any other provider fails validation.
func (h *Harness) Providers() []string { return h.providers }

// FindTerraform returns the binary named by $TF_BINARY if set, else terraform
// on PATH, else tofu on PATH, else OpenTofu built from the Go module proxy
// into the test cache (BuildOpenTofu; the first run builds it, a few
// minutes).
func FindTerraform() (string, error) {
	return findTerraform(exec.LookPath, BuildOpenTofu)
}

// findTerraform is FindTerraform with the PATH lookup and the build as
// parameters, so the order can be tested without building.
func findTerraform(lookPath func(string) (string, error), build func() (string, error)) (string, error) {
	if name := os.Getenv("TF_BINARY"); name != "" {
		path, err := lookPath(name)
		if err != nil {
			return "", fmt.Errorf("TF_BINARY=%s: %w", name, err)
		}
		return path, nil
	}
	for _, name := range []string{"terraform", "tofu"} {
		if path, err := lookPath(name); err == nil {
			return path, nil
		}
	}
	path, err := build()
	if err != nil {
		return "", fmt.Errorf(`neither terraform nor tofu is on PATH and TF_BINARY is not set, and building OpenTofu failed: %w
get one of:
  - Terraform >= 1.11: https://developer.hashicorp.com/terraform/install
  - OpenTofu, built from the Go module proxy: run
        go mod download -json %s@%s
    then, in the directory it prints as "Dir":
        go build -o "$(go env GOPATH)/bin/tofu" ./cmd/tofu
    and put that bin directory on PATH (or set TF_BINARY to the binary)`, err, openTofuModule, OpenTofuVersion)
	}
	return path, nil
}

// moduleRoot returns the directory of the enclosing go.mod, where the
// provider packages and the schema files are.
func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("tfvalidate must run inside the github.com/coder-eks/coder-eks module")
	}
	return filepath.Dir(gomod), nil
}
