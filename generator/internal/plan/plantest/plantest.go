// Package plantest is test support for the steps after plan: it loads a
// shipped environment and derives it, as the pipeline does before model
// and render, so that their tests start from the same plan.Environment.
package plantest

import (
	"testing"

	"github.com/coder-eks/coder-eks/generator/internal/load"
	"github.com/coder-eks/coder-eks/generator/internal/plan"
)

// Derive loads environments/<name>.cue under the repository root and
// derives it. A load or derive error, or any problem the derivation
// records, fails tb: a shipped environment has none, and a model or render
// test of an environment that would be refused proves nothing.
func Derive(tb testing.TB, root, name string) *plan.Environment {
	tb.Helper()
	env, err := load.Load(root, name)
	if err != nil {
		tb.Fatal(err)
	}
	derived, err := plan.Derive(env)
	if err != nil {
		tb.Fatalf("derive %s: %v", name, err)
	}
	if p := derived.Problems(); len(p) > 0 {
		tb.Fatalf("derive %s: %v", name, p)
	}
	return derived
}
