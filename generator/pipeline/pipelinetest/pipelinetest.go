// Package pipelinetest is test support for the tests that read the
// generator's whole output: every shipped environment (environments/*.cue)
// rendered once per test binary, as `go run ./generator` renders it.
package pipelinetest

import (
	"fmt"
	"sync"
	"testing"

	"github.com/coder-eks/coder-eks/generator/pipeline"
)

type rendering struct {
	once sync.Once
	sets map[string]pipeline.FileSet
	err  error
}

var (
	mu      sync.Mutex
	byRoots = map[string]*rendering{}
)

// Shipped renders every environment of the repository at root, once per
// test binary and root; callers only read the file sets. A render error,
// or no environment at all (a check over nothing cannot fail), fails tb.
func Shipped(tb testing.TB, root string) map[string]pipeline.FileSet {
	tb.Helper()
	mu.Lock()
	r := byRoots[root]
	if r == nil {
		r = &rendering{}
		byRoots[root] = r
	}
	mu.Unlock()
	r.once.Do(func() {
		names, err := pipeline.Environments(root)
		if err == nil && len(names) == 0 {
			err = fmt.Errorf("no environments under %s/environments", root)
		}
		if err != nil {
			r.err = err
			return
		}
		r.sets, r.err = pipeline.RenderAll(root, names)
	})
	if r.err != nil {
		tb.Fatal(r.err)
	}
	return r.sets
}

// EachShipped runs fn in a subtest named after each shipped environment,
// in name order, with its rendered files (Shipped).
func EachShipped(t *testing.T, root string, fn func(t *testing.T, env string, files pipeline.FileSet)) {
	t.Helper()
	sets := Shipped(t, root)
	names, err := pipeline.Environments(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, env := range names {
		t.Run(env, func(t *testing.T) { fn(t, env, sets[env]) })
	}
}
