package tfvalidate

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
)

// TestResult is what `terraform test -json` reported for one test file.
type TestResult struct {
	// Runs maps each run block's name to its status: pass, fail, error or skip.
	Runs map[string]string
	// Diagnostics are the errors Terraform reported, each with the run it
	// belongs to (empty for the file as a whole).
	Diagnostics []RunDiagnostic
	// Status is the file's overall status (pass, fail, error).
	Status string
}

// RunDiagnostic is an error of one run block.
type RunDiagnostic struct {
	Run string
	Diagnostic
}

// Failed reports whether any run did not pass.
func (r *TestResult) Failed() bool {
	if r.Status != "pass" {
		return true
	}
	for _, status := range r.Runs {
		if status != "pass" {
			return true
		}
	}
	return false
}

// Test runs `terraform test` on the root module in moduleDir, with files
// (paths relative to the module, such as tests/plan.tftest.hcl and the mock
// data it names) added to a scratch copy of it; moduleDir itself is never
// written to. The copy keeps the module's backend: `terraform test` runs on
// in-memory state and never initialises a backend, so none is configured
// and no credentials are needed.
//
// The error result is for failures to run Terraform at all; a failing run
// is reported in the result.
func (h *Harness) Test(moduleDir string, files map[string][]byte) (*TestResult, error) {
	stdout, stderr, runErr, err := h.runOnCopy(moduleDir, files, "test")
	if err != nil {
		return nil, err
	}
	result, err := parseTestOutput(stdout)
	if err != nil {
		return nil, fmt.Errorf("terraform test in %s: %v (exit: %v)\n%s%s", moduleDir, err, runErr, stdout, stderr)
	}
	// Exit status and JSON must agree, or something other than the
	// configuration went wrong.
	if (runErr != nil) != result.Failed() {
		return nil, fmt.Errorf("terraform test in %s: exit %v but the runs say %v\n%s%s", moduleDir, runErr, result.Runs, stdout, stderr)
	}
	return result, nil
}

// parseTestOutput reads the JSON lines `terraform test -json` prints.
func parseTestOutput(stdout []byte) (*TestResult, error) {
	result := &TestResult{Runs: map[string]string{}}
	sc := bufio.NewScanner(bytes.NewReader(stdout))
	sc.Buffer(make([]byte, 0, 1<<20), 16<<20)
	for sc.Scan() {
		var msg struct {
			Type    string `json:"type"`
			Run     string `json:"@testrun"`
			TestRun *struct {
				Run      string `json:"run"`
				Progress string `json:"progress"`
				Status   string `json:"status"`
			} `json:"test_run"`
			TestFile *struct {
				Progress string `json:"progress"`
				Status   string `json:"status"`
			} `json:"test_file"`
			Diagnostic *struct {
				Severity string `json:"severity"`
				Summary  string `json:"summary"`
				Detail   string `json:"detail"`
				Range    *struct {
					Filename string `json:"filename"`
					Start    struct {
						Line int `json:"line"`
					} `json:"start"`
				} `json:"range"`
			} `json:"diagnostic"`
		}
		if err := json.Unmarshal(sc.Bytes(), &msg); err != nil {
			return nil, fmt.Errorf("not terraform test -json output: %w", err)
		}
		switch {
		case msg.TestRun != nil && msg.TestRun.Progress == "complete":
			result.Runs[msg.TestRun.Run] = msg.TestRun.Status
		case msg.TestFile != nil && msg.TestFile.Progress == "complete":
			result.Status = msg.TestFile.Status
		case msg.Diagnostic != nil && msg.Diagnostic.Severity == "error":
			d := RunDiagnostic{Run: msg.Run, Diagnostic: Diagnostic{Summary: msg.Diagnostic.Summary, Detail: msg.Diagnostic.Detail}}
			if r := msg.Diagnostic.Range; r != nil {
				d.Filename, d.Line = r.Filename, r.Start.Line
			}
			result.Diagnostics = append(result.Diagnostics, d)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if result.Status == "" {
		return nil, fmt.Errorf("no test file completed")
	}
	return result, nil
}
