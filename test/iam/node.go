package iam

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
)

// Lint asks the evaluator to check one document against the Service
// Authorization Reference.
type Lint struct {
	ID        string `json:"id"`
	Kind      string `json:"kind"` // identity, resource, trust
	Partition string `json:"partition"`
	Account   string `json:"account"`
	Policy    Policy `json:"policy"`
}

// LintResult lists a document's problems.
type LintResult struct {
	ID       string   `json:"id"`
	Problems []string `json:"problems"`
}

// Simulation is iam-simulate's Simulation.
type Simulation struct {
	Request struct {
		Principal string `json:"principal"`
		Action    string `json:"action"`
		Resource  struct {
			Resource  string `json:"resource"`
			AccountID string `json:"accountId"`
		} `json:"resource"`
		ContextVariables map[string]any `json:"contextVariables"`
	} `json:"request"`
	IdentityPolicies        []NamedPolicy `json:"identityPolicies"`
	ServiceControlPolicies  []any         `json:"serviceControlPolicies"`
	ResourceControlPolicies []any         `json:"resourceControlPolicies"`
	ResourcePolicy          Policy        `json:"resourcePolicy,omitempty"`
}

// NamedPolicy is an identity policy with the name the report shows.
type NamedPolicy struct {
	Name   string `json:"name"`
	Policy Policy `json:"policy"`
}

// Sim is one simulation to run.
type Sim struct {
	ID         string     `json:"id"`
	Simulation Simulation `json:"simulation"`
}

// Decision is iam-simulate's answer: Allowed, ImplicitlyDenied,
// ExplicitlyDenied, or Error (invalid input: unknown action, a resource
// that fits no resource type of the action, a context key of the wrong
// type).
type Decision struct {
	ID                 string            `json:"id"`
	Decision           string            `json:"decision"`
	Errors             json.RawMessage   `json:"errors"`
	Grants             []json.RawMessage `json:"grants"`
	Denials            []json.RawMessage `json:"denials"`
	IgnoredContextKeys []string          `json:"ignoredContextKeys"`
}

// Statements names the statements that decided, for the report.
func (d Decision) Statements() string {
	var b bytes.Buffer
	for _, list := range [][]json.RawMessage{d.Grants, d.Denials} {
		for _, g := range list {
			if b.Len() > 0 {
				b.WriteString(", ")
			}
			b.Write(g)
		}
	}
	if len(d.Errors) > 0 && string(d.Errors) != "null" {
		b.Write(d.Errors)
	}
	return b.String()
}

var npmOnce sync.Once
var npmErr error

// ensureNodeModules runs `npm ci` (from the committed package-lock.json,
// offline-first from npm's cache) when node_modules is missing.
func ensureNodeModules() error {
	npmOnce.Do(func() {
		if _, err := exec.LookPath("node"); err != nil {
			npmErr = fmt.Errorf("the IAM tests need Node.js 20 or later and npm (Debian: apt-get install nodejs npm): %w", err)
			return
		}
		if _, err := os.Stat(filepath.Join("node_modules", "@cloud-copilot", "iam-simulate", "package.json")); err == nil {
			return
		}
		cmd := exec.Command("npm", "ci", "--prefer-offline", "--no-audit", "--no-fund")
		out, err := cmd.CombinedOutput()
		if err != nil {
			npmErr = fmt.Errorf("npm ci in test/iam (needs the npm registry or npm's cache): %v\n%s", err, out)
		}
	})
	return npmErr
}

// Evaluate runs eval.mjs on a batch, the simulations split across one
// Node process per CPU (at most four).
func Evaluate(lints []Lint, sims []Sim) ([]LintResult, []Decision, error) {
	if err := ensureNodeModules(); err != nil {
		return nil, nil, err
	}
	n := min(runtime.NumCPU(), 4)
	if len(sims) < 50*n {
		return evaluate(lints, sims)
	}
	type part struct {
		lints []LintResult
		sims  []Decision
		err   error
	}
	parts := make([]part, n)
	var wg sync.WaitGroup
	size := (len(sims) + n - 1) / n
	for i := range n {
		lo, hi := min(i*size, len(sims)), min((i+1)*size, len(sims))
		var l []Lint
		if i == 0 {
			l = lints
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			parts[i].lints, parts[i].sims, parts[i].err = evaluate(l, sims[lo:hi])
		}()
	}
	wg.Wait()
	var ls []LintResult
	var ds []Decision
	for _, p := range parts {
		if p.err != nil {
			return nil, nil, p.err
		}
		ls = append(ls, p.lints...)
		ds = append(ds, p.sims...)
	}
	return ls, ds, nil
}

// evaluate runs eval.mjs once.
func evaluate(lints []Lint, sims []Sim) ([]LintResult, []Decision, error) {
	in, err := json.Marshal(map[string]any{"lint": lints, "simulate": sims})
	if err != nil {
		return nil, nil, err
	}
	cmd := exec.Command("node", "eval.mjs")
	cmd.Stdin = bytes.NewReader(in)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, nil, fmt.Errorf("node eval.mjs: %v\n%s", err, stderr.String())
	}
	var out struct {
		Lint     []LintResult `json:"lint"`
		Simulate []Decision   `json:"simulate"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		return nil, nil, fmt.Errorf("eval.mjs output: %w", err)
	}
	if len(out.Lint) != len(lints) || len(out.Simulate) != len(sims) {
		return nil, nil, fmt.Errorf("eval.mjs answered %d/%d lints, %d/%d simulations", len(out.Lint), len(lints), len(out.Simulate), len(sims))
	}
	return out.Lint, out.Simulate, nil
}
