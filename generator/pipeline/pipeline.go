// Package pipeline is coder-eks as a library: it renders environments into
// in-memory file sets, running the generator's steps in order
//
//	load (CUE → Go) → validate → model → render
//
// and leaves writing to the caller (the CLI writes atomically). Everything
// it uses lives in generator/internal/, one package per step.
package pipeline

import (
	"errors"
	"fmt"
	"runtime"
	"sort"
	"sync"

	"github.com/coder-eks/coder-eks/generator/internal/load"
	fluxm "github.com/coder-eks/coder-eks/generator/internal/model/flux"
	helmm "github.com/coder-eks/coder-eks/generator/internal/model/helm"
	infram "github.com/coder-eks/coder-eks/generator/internal/model/infra"
	k8sm "github.com/coder-eks/coder-eks/generator/internal/model/k8s"
	bootstrapr "github.com/coder-eks/coder-eks/generator/internal/render/bootstrap"
	fluxr "github.com/coder-eks/coder-eks/generator/internal/render/flux"
	helmr "github.com/coder-eks/coder-eks/generator/internal/render/helm"
	infrar "github.com/coder-eks/coder-eks/generator/internal/render/infra"
	k8sr "github.com/coder-eks/coder-eks/generator/internal/render/k8s"
	"github.com/coder-eks/coder-eks/generator/internal/validate"
)

// FileSet is one environment's rendered files, keyed by slash-separated
// path relative to rendered/<env>/.
type FileSet map[string][]byte

// Paths returns the set's paths in sorted order.
func (fs FileSet) Paths() []string {
	paths := make([]string, 0, len(fs))
	for p := range fs {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	return paths
}

// Environments lists the environments defined under root (the repository
// root), one per environments/*.cue file.
func Environments(root string) ([]string, error) { return load.Discover(root) }

// Render renders one environment.
func Render(root, name string) (FileSet, error) {
	env, err := load.Load(root, name)
	if err != nil {
		return nil, err
	}
	checked, err := validate.Environment(env)
	if err != nil {
		return nil, err
	}
	infra, err := infram.Build(checked)
	if err != nil {
		return nil, err
	}
	releases, err := helmm.Build(checked)
	if err != nil {
		return nil, fmt.Errorf("render %s: %w", name, err)
	}
	fs := FileSet{}
	parts := []func() (map[string][]byte, error){
		func() (map[string][]byte, error) { return infrar.Render(infra) },
		func() (map[string][]byte, error) { return bootstrapr.Render(infra) },
		func() (map[string][]byte, error) { return helmr.Render(releases) },
		func() (map[string][]byte, error) { return k8sr.Render(k8sm.Build(checked)) },
		func() (map[string][]byte, error) { return fluxr.Render(fluxm.Build(checked, releases)) },
	}
	for _, part := range parts {
		files, err := part()
		if err != nil {
			return nil, fmt.Errorf("render %s: %w", name, err)
		}
		for p, data := range files {
			if _, dup := fs[p]; dup {
				return nil, fmt.Errorf("render %s: %s rendered twice", name, p)
			}
			fs[p] = data
		}
	}
	if err := fluxr.GuardSubstitution(fs); err != nil {
		return nil, fmt.Errorf("render %s: %w", name, err)
	}
	return fs, nil
}

// RenderAll renders the named environments concurrently, at most one per
// CPU, each in its own CUE context. Errors of all environments are
// returned together, in name order, so one run reports every mistake.
func RenderAll(root string, names []string) (map[string]FileSet, error) {
	results := make([]FileSet, len(names))
	errs := make([]error, len(names))
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for i, name := range names {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			results[i], errs[i] = Render(root, name)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	out := make(map[string]FileSet, len(names))
	for i, name := range names {
		out[name] = results[i]
	}
	return out, nil
}
