package tfvalidate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"
)

// Diagnostic is one error Terraform reported, in its own words.
type Diagnostic struct {
	Summary string
	Detail  string
	// Filename is relative to the validated module directory, as Terraform
	// prints it (a child module's file starts with ../ for instance); empty,
	// like Line, when Terraform gives no location.
	Filename string
	Line     int
}

// String formats d as file:line: summary: detail.
func (d Diagnostic) String() string {
	var b strings.Builder
	if d.Filename != "" {
		fmt.Fprintf(&b, "%s:%d: ", d.Filename, d.Line)
	}
	b.WriteString(d.Summary)
	if d.Detail != "" {
		b.WriteString(": ")
		b.WriteString(d.Detail)
	}
	return b.String()
}

// Validate runs `terraform get` and `terraform validate` on the root module in
// moduleDir and returns the errors Terraform reports; none means valid.
// Warnings are dropped: Terraform always warns that dev_overrides are in effect.
// The error result is for failures to run Terraform at all, and for
// `terraform get` failing (it has no JSON output), e.g. on a missing local
// module.
//
// Nothing is written to moduleDir: Terraform runs on a scratch copy of it and
// of the local child modules it calls (see copyModuleTree). Diagnostics name
// files relative to moduleDir all the same.
func (h *Harness) Validate(moduleDir string) ([]Diagnostic, error) {
	stdout, stderr, runErr, err := h.runOnCopy(moduleDir, nil, "validate")
	if err != nil {
		return nil, err
	}
	var out tfjson.ValidateOutput
	if err := json.Unmarshal(stdout, &out); err != nil {
		return nil, fmt.Errorf("terraform validate in %s: %v (exit: %v)\n%s%s", moduleDir, err, runErr, stdout, stderr)
	}
	var diags []Diagnostic
	for _, d := range out.Diagnostics {
		if d.Severity != tfjson.DiagnosticSeverityError {
			continue
		}
		diag := Diagnostic{Summary: d.Summary, Detail: d.Detail}
		if d.Range != nil {
			diag.Filename = d.Range.Filename
			diag.Line = d.Range.Start.Line
		}
		diags = append(diags, diag)
	}
	// Exit status and JSON must agree, or something other than the
	// configuration went wrong.
	if (runErr != nil || !out.Valid) && len(diags) == 0 {
		return nil, fmt.Errorf("terraform validate in %s failed without error diagnostics (exit: %v)\n%s%s", moduleDir, runErr, stdout, stderr)
	}
	return diags, nil
}

// scratchCopy copies the root module in moduleDir, and the local child
// modules it calls, to a new scratch directory, adds files (paths relative to
// the module), and returns the copy, its initialised data directory and a
// function removing both.
func (h *Harness) scratchCopy(moduleDir, prefix string, files map[string][]byte) (workDir, dataDir string, cleanup func(), err error) {
	moduleDir, err = filepath.Abs(moduleDir)
	if err != nil {
		return "", "", nil, err
	}
	scratch, err := os.MkdirTemp(h.dir, prefix)
	if err != nil {
		return "", "", nil, err
	}
	cleanup = func() { os.RemoveAll(scratch) }
	fail := func(err error) (string, string, func(), error) {
		cleanup()
		return "", "", nil, err
	}
	// `terraform get` resolves the module tree without starting providers and
	// writes only to its data directory, so it can run in place, and says
	// which directories the copy needs.
	dataDir = filepath.Join(scratch, "data-source")
	if err := h.get(moduleDir, dataDir); err != nil {
		return fail(err)
	}
	workDir, err = copyModuleTree(moduleDir, dataDir, filepath.Join(scratch, "src"))
	if err != nil {
		return fail(err)
	}
	for _, name := range slices.Sorted(maps.Keys(files)) {
		path := filepath.Join(workDir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return fail(err)
		}
		if err := os.WriteFile(path, files[name], 0o644); err != nil {
			return fail(err)
		}
	}
	dataDir = filepath.Join(scratch, "data")
	if err := h.get(workDir, dataDir); err != nil {
		return fail(err)
	}
	return workDir, dataDir, cleanup, nil
}

// runOnCopy runs `terraform <command> -json -no-color` on a scratch copy
// of the root module in moduleDir with files added (scratchCopy), with the
// harness's environment and the provider types the copy uses, and removes
// the copy. err is for failing to set the run up; runErr is Terraform's
// exit, which the caller weighs against the JSON on stdout.
func (h *Harness) runOnCopy(moduleDir string, files map[string][]byte, command string) (stdout, stderr []byte, runErr, err error) {
	workDir, dataDir, cleanup, err := h.scratchCopy(moduleDir, command+"-", files)
	if err != nil {
		return nil, nil, nil, err
	}
	defer cleanup()
	env, err := h.withTypes(h.env(dataDir), scratchSource(dataDir))
	if err != nil {
		return nil, nil, nil, err
	}
	stdout, stderr, runErr = h.run(workDir, env, command, "-json", "-no-color")
	return stdout, stderr, runErr, nil
}

// scratchSource is the copied tree of a scratch copy (root module, local
// child modules and added files): what Terraform reads there.
func scratchSource(dataDir string) string {
	return filepath.Join(filepath.Dir(dataDir), "src")
}

func (h *Harness) get(dir, dataDir string) error {
	if stdout, stderr, err := h.run(dir, h.env(dataDir), "get", "-no-color"); err != nil {
		return fmt.Errorf("terraform get in %s: %v\n%s%s", dir, err, stdout, stderr)
	}
	return nil
}

func (h *Harness) run(dir string, env []string, args ...string) (stdout, stderr []byte, err error) {
	var outBuf, errBuf bytes.Buffer
	cmd := exec.Command(h.terraform, args...)
	cmd.Dir = dir
	cmd.Env = env
	cmd.Stdout = &outBuf
	cmd.Stderr = &errBuf
	err = cmd.Run()
	return outBuf.Bytes(), errBuf.Bytes(), err
}

// env is the caller's environment without Terraform settings that could make
// results depend on the machine (plugin caches, another CLI configuration,
// workspaces), keeping TF_LOG* for debugging, plus the harness's own.
// No cloud credentials are needed: validate never configures a provider.
func (h *Harness) env(dataDir string) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if (strings.HasPrefix(name, "TF_") && !strings.HasPrefix(name, "TF_LOG")) ||
			strings.HasPrefix(name, "TOFU_") || name == "CHECKPOINT_DISABLE" {
			continue
		}
		env = append(env, kv)
	}
	return append(env,
		"TF_CLI_CONFIG_FILE="+h.cliConfig,
		"TF_DATA_DIR="+dataDir,
		"TF_IN_AUTOMATION=1",
		"TF_INPUT=0",
		"CHECKPOINT_DISABLE=1",
	)
}

// Command runs Terraform with args in dir with the harness's providers and
// a fresh data directory under the harness's own, and returns what it
// printed. It is for tests that run other commands than validate on a
// scratch copy of their own (e.g. `terraform test` with mock providers).
func (h *Harness) Command(dir string, args ...string) (stdout, stderr []byte, err error) {
	dataDir, err := os.MkdirTemp(h.dir, "data-")
	if err != nil {
		return nil, nil, err
	}
	defer os.RemoveAll(dataDir)
	env, err := h.withTypes(h.env(dataDir), dir)
	if err != nil {
		return nil, nil, err
	}
	return h.run(dir, env, args...)
}
