// Package scan runs a real IaC scanner, Trivy, over the native-syntax view
// of every environment's Terraform (`go run ./generator -hcl DIR`) and holds
// the findings to the accepted ones listed in the repository's
// .trivyignore.yaml.
package scan

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"

	"github.com/coder-eks/coder-eks/test/toolcache"
)

// TrivyVersion is the Trivy BuildTrivy builds and the test
// expects; its embedded checks are the rules applied (no check update).
const TrivyVersion = "v0.74.0"

// trivyPath is where BuildTrivy caches the binary, by version.
func trivyPath() (string, error) {
	cache, err := toolcache.Dir()
	if err != nil {
		return "", err
	}
	return filepath.Join(cache, "trivy", TrivyVersion, "trivy"), nil
}

// FindTrivy returns $TRIVY_BINARY if set, else the binary BuildTrivy
// cached. It does not build: that takes 10-15 minutes on 2 cores, more
// than a test package's budget, so .ci/run builds it first
// (go run ./scripts/prebuild).
func FindTrivy() (string, error) {
	if p := os.Getenv("TRIVY_BINARY"); p != "" {
		return exec.LookPath(p)
	}
	bin, err := trivyPath()
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(bin); err != nil {
		return "", fmt.Errorf("no Trivy %s at %s: build it with `go run ./scripts/prebuild` (10-15 minutes once; .ci/run does it) or set TRIVY_BINARY: %w", TrivyVersion, bin, err)
	}
	return bin, nil
}

// BuildTrivy builds Trivy from the Go module proxy into the cache unless
// it is there, and returns its path. Trivy uses encoding/json/v2, behind
// GOEXPERIMENT=jsonv2 in Go 1.26.
func BuildTrivy() (string, error) {
	bin, err := trivyPath()
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	}
	out, err := exec.Command("go", "mod", "download", "-json", "github.com/aquasecurity/trivy@"+TrivyVersion).Output()
	if err != nil {
		return "", fmt.Errorf("go mod download trivy@%s: %w", TrivyVersion, err)
	}
	var m struct{ Dir, Error string }
	if err := json.Unmarshal(out, &m); err != nil || m.Error != "" {
		return "", fmt.Errorf("go mod download trivy@%s: %v %s", TrivyVersion, err, m.Error)
	}
	if err := os.MkdirAll(filepath.Dir(bin), 0o755); err != nil {
		return "", err
	}
	tmp := fmt.Sprintf("%s.tmp%d", bin, os.Getpid()) // concurrent builds never share a file
	cmd := exec.Command("go", "build", "-trimpath", "-o", tmp, "./cmd/trivy")
	cmd.Dir = m.Dir
	cmd.Env = append(os.Environ(), "GOEXPERIMENT=jsonv2", "GOFLAGS=-mod=mod")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build trivy %s in %s: %w\n%s", TrivyVersion, m.Dir, err, out)
	}
	return bin, os.Rename(tmp, bin)
}

// Finding is one failed check.
type Finding struct {
	ID       string // AWS-0130
	Status   string // FAIL (or PASS, from Results)
	Severity string
	Title    string
	Target   string // file, relative to the scanned directory
	Resource string // aws_launch_template.ws
	Line     int
}

func (f Finding) String() string {
	return fmt.Sprintf("%s:%d: %s %s %s: %s", f.Target, f.Line, f.Severity, f.ID, f.Resource, f.Title)
}

// Scan runs `trivy config` on dir, offline (the checks embedded in the
// binary), and returns its HIGH and CRITICAL failures.
func Scan(trivy, dir string) ([]Finding, error) {
	return scan(trivy, dir, "--severity", "HIGH,CRITICAL")
}

// Results runs every check of every severity on dir and returns each
// check ID's results (Status PASS or FAIL) with where they apply.
func Results(trivy, dir string) ([]Finding, []Finding, error) {
	all, err := scan(trivy, dir, "--include-non-failures")
	if err != nil {
		return nil, nil, err
	}
	var pass, fail []Finding
	for _, f := range all {
		if f.Status == "PASS" {
			pass = append(pass, f)
		} else {
			fail = append(fail, f)
		}
	}
	return pass, fail, nil
}

func scan(trivy, dir string, flags ...string) ([]Finding, error) {
	cache, err := os.MkdirTemp("", "trivy-cache-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(cache)
	args := append([]string{"config", "--skip-check-update", "--quiet", "--cache-dir", cache, "--format", "json"}, flags...)
	cmd := exec.Command(trivy, append(args, dir)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("trivy config %s: %w\n%s", dir, err, stderr.String())
	}
	var report struct {
		Results []struct {
			Target            string
			Misconfigurations []struct {
				ID, AVDID, Severity, Status, Title string
				CauseMetadata                      struct {
					Resource  string
					StartLine int
				}
			}
		}
	}
	if err := json.Unmarshal(stdout.Bytes(), &report); err != nil {
		return nil, fmt.Errorf("trivy's JSON report: %w", err)
	}
	var out []Finding
	for _, r := range report.Results {
		for _, m := range r.Misconfigurations {
			if m.Status != "FAIL" && m.Status != "PASS" {
				continue
			}
			id := m.AVDID
			if id == "" {
				id = m.ID
			}
			out = append(out, Finding{ID: id, Status: m.Status, Severity: m.Severity, Title: m.Title, Target: filepath.ToSlash(r.Target), Resource: m.CauseMetadata.Resource, Line: m.CauseMetadata.StartLine})
		}
	}
	return out, nil
}

// Accepted is one entry of .trivyignore.yaml's misconfigurations. Trivy
// reads id, paths and statement (and ignores resources); the test also
// requires the resources, so an accepted finding never covers a new
// resource of the same kind in the same file.
type Accepted struct {
	ID        string   `json:"id"`
	Paths     []string `json:"paths"`
	Resources []string `json:"resources"`
	Statement string   `json:"statement"`
}

// Check validates an entry: every part is required, no blanket ignores.
func (a Accepted) Check() error {
	switch {
	case a.ID == "":
		return errors.New("an entry without id")
	case len(a.Paths) == 0:
		return fmt.Errorf("%s: no paths: an ignore must name the files it applies to", a.ID)
	case len(a.Resources) == 0:
		return fmt.Errorf("%s: no resources: an ignore must name the resources it applies to", a.ID)
	case a.Statement == "":
		return fmt.Errorf("%s: no statement: say why the finding is accepted", a.ID)
	}
	return nil
}

// Matches reports whether the entry accepts f.
func (a Accepted) Matches(f Finding) bool {
	if a.ID != f.ID {
		return false
	}
	pathOK := false
	for _, p := range a.Paths {
		if ok, _ := path.Match(p, f.Target); ok {
			pathOK = true
		}
	}
	if !pathOK {
		return false
	}
	for _, r := range a.Resources {
		if r == f.Resource {
			return true
		}
	}
	return false
}
