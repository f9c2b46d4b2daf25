// Package pipeline is coder-eks as a library: it renders environments into
// in-memory file sets, running the generator's steps in order
//
//	load (CUE → Go) → plan (derive) → validate → model → render
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
	"time"

	"github.com/coder-eks/coder-eks/generator/internal/cidr"
	"github.com/coder-eks/coder-eks/generator/internal/config"
	"github.com/coder-eks/coder-eks/generator/internal/layout"
	"github.com/coder-eks/coder-eks/generator/internal/load"
	coderdm "github.com/coder-eks/coder-eks/generator/internal/model/coderd"
	fluxm "github.com/coder-eks/coder-eks/generator/internal/model/flux"
	helmm "github.com/coder-eks/coder-eks/generator/internal/model/helm"
	infram "github.com/coder-eks/coder-eks/generator/internal/model/infra"
	k8sm "github.com/coder-eks/coder-eks/generator/internal/model/k8s"
	templatesm "github.com/coder-eks/coder-eks/generator/internal/model/templates"
	"github.com/coder-eks/coder-eks/generator/internal/plan"
	"github.com/coder-eks/coder-eks/generator/internal/plan/capacity"
	"github.com/coder-eks/coder-eks/generator/internal/plan/network"
	bootstrapr "github.com/coder-eks/coder-eks/generator/internal/render/bootstrap"
	coderdr "github.com/coder-eks/coder-eks/generator/internal/render/coderd"
	fluxr "github.com/coder-eks/coder-eks/generator/internal/render/flux"
	helmr "github.com/coder-eks/coder-eks/generator/internal/render/helm"
	infrar "github.com/coder-eks/coder-eks/generator/internal/render/infra"
	k8sr "github.com/coder-eks/coder-eks/generator/internal/render/k8s"
	"github.com/coder-eks/coder-eks/generator/internal/render/report"
	templatesr "github.com/coder-eks/coder-eks/generator/internal/render/templates"
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

// Options are a run's settings that belong to no environment.
type Options struct {
	// Today is the date warnings compare the EKS release calendar with.
	// Only warnings depend on it, never rendered files.
	Today time.Time
	// Docs asks Generate for the reference pages too.
	Docs bool
}

// Result is one environment's rendering.
type Result struct {
	Files FileSet
	// Warnings are advice for stderr ("file:line:col: field: message"),
	// never part of the rendered files.
	Warnings []string
	claims   []claim // what no other environment may share
}

// Render renders one environment, with warnings as of today.
func Render(root, name string) (FileSet, error) {
	r, err := RenderWith(root, name, Options{Today: time.Now()})
	return r.Files, err
}

// RenderWith renders one environment and lists its warnings.
func RenderWith(root, name string, opt Options) (Result, error) {
	return renderIn(load.NewSession(root), name, opt)
}

// renderIn renders one environment loaded in session s.
func renderIn(s *load.Session, name string, opt Options) (Result, error) {
	checked, r, err := check(s, name, opt)
	if err != nil {
		return Result{}, err
	}
	r.Files, err = render(name, checked)
	return r, err
}

// check runs the steps that read CUE values (load, plan, validate, and the
// positions of warnings and claims) for one environment in session s. The
// Result it returns has no files yet: render adds them, and reads no CUE
// value, so it may run on another goroutine than the session's.
func check(s *load.Session, name string, opt Options) (*plan.Environment, Result, error) {
	env, err := s.Load(name)
	if err != nil {
		return nil, Result{}, err
	}
	checked, err := derive(env)
	if err != nil {
		return nil, Result{}, err
	}
	var warnings []string
	for _, w := range validate.Warnings(checked, opt.Today) {
		warnings = append(warnings, w.String())
	}
	return checked, Result{Warnings: warnings, claims: claims(checked)}, nil
}

// derive runs the plan and validate steps: it derives what env implies
// and checks it, returning the derived environment only when every check
// passes.
func derive(env *load.Environment) (*plan.Environment, error) {
	derived, err := plan.Derive(env)
	if err != nil {
		return nil, err
	}
	if err := validate.Environment(derived); err != nil {
		return nil, err
	}
	return derived, nil
}

// render runs the model and render steps of a derived, checked environment.
func render(name string, checked *plan.Environment) (FileSet, error) {
	infra := infram.Build(checked)
	releases, err := helmm.Build(checked)
	if err != nil {
		return nil, fmt.Errorf("render %s: %w", name, err)
	}
	fs := FileSet{}
	templates := templatesm.Build(checked)
	parts := []func() (map[string][]byte, error){
		func() (map[string][]byte, error) { return infrar.Render(infra) },
		func() (map[string][]byte, error) { return bootstrapr.Render(infra) },
		func() (map[string][]byte, error) { return helmr.Render(releases) },
		func() (map[string][]byte, error) { return k8sr.Render(k8sm.Build(checked)) },
		func() (map[string][]byte, error) { return fluxr.Render(fluxm.Build(checked, releases)) },
		func() (map[string][]byte, error) { return templatesr.Render(templates) },
		func() (map[string][]byte, error) { return coderdr.Render(coderdm.Build(checked, templates)) },
		func() (map[string][]byte, error) { return report.Render(capacityReport(checked)), nil },
	}
	for _, r := range checked.Secondaries {
		parts = append(parts, func() (map[string][]byte, error) {
			return infrar.Render(infram.BuildRegion(checked, r))
		}, func() (map[string][]byte, error) { return renderRegionCluster(checked, r) })
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

// renderRegionCluster renders a secondary region's cluster: its Helm
// values, manifests and Flux tree.
func renderRegionCluster(checked *plan.Environment, r plan.Region) (map[string][]byte, error) {
	releases, err := helmm.BuildRegion(checked, r)
	if err != nil {
		return nil, fmt.Errorf("cluster of %s: %w", r.Config.AWSRegion, err)
	}
	out := map[string][]byte{}
	for _, part := range []func() (map[string][]byte, error){
		func() (map[string][]byte, error) { return helmr.Render(releases) },
		func() (map[string][]byte, error) { return k8sr.Render(k8sm.BuildRegion(checked, r)) },
		func() (map[string][]byte, error) { return fluxr.Render(fluxm.BuildRegion(checked, r, releases)) },
	} {
		files, err := part()
		if err != nil {
			return nil, fmt.Errorf("cluster of %s: %w", r.Config.AWSRegion, err)
		}
		for p, data := range files {
			out[p] = data
		}
	}
	return out, nil
}

// RenderAll renders the named environments, with warnings as of today
// (discarded).
func RenderAll(root string, names []string) (map[string]FileSet, error) {
	results, err := RenderAllWith(root, names, Options{Today: time.Now()})
	if err != nil {
		return nil, err
	}
	out := make(map[string]FileSet, len(results))
	for name, r := range results {
		out[name] = r.Files
	}
	return out, nil
}

// RenderAllWith renders the named environments (see Generate), without
// the reference pages.
func RenderAllWith(root string, names []string, opt Options) (map[string]Result, error) {
	out, err := Generate(root, names, opt)
	return out.Envs, err
}

// Output is a run: every environment's rendering and, when asked
// (Options.Docs), the reference pages.
type Output struct {
	Envs map[string]Result
	Docs FileSet // keyed by path relative to the repository root
}

// Generate renders the named environments and, with opt.Docs, the
// reference pages, all from one evaluation of the schema. A CUE context
// is not safe for concurrent use, so the steps that read CUE values (load,
// plan, validate) run one environment after another on this goroutine, in
// one session; the model and render steps, which read only Go values, run
// meanwhile on workers of their own. Measured against a session per CPU
// (docs/performance.md), one session costs less CPU and no more wall time,
// for 4 environments and for 50: a second session evaluates the schema,
// the layers and every composition again. Errors of all environments are
// returned together, in name order, so one run reports every mistake.
func Generate(root string, names []string, opt Options) (Output, error) {
	results := make([]Result, len(names))
	errs := make([]error, len(names))
	type job struct {
		i       int
		checked *plan.Environment
	}
	jobs := make(chan job, len(names))
	var wg sync.WaitGroup
	for range renderWorkers(len(names)) {
		wg.Go(func() {
			for j := range jobs {
				results[j.i].Files, errs[j.i] = render(names[j.i], j.checked)
			}
		})
	}
	s := load.NewSession(root)
	for i, name := range names {
		checked, r, err := check(s, name, opt)
		if err != nil {
			errs[i] = err
			continue
		}
		results[i] = r
		jobs <- job{i, checked}
	}
	var docs FileSet
	var docsErr error
	if opt.Docs {
		docs, docsErr = renderDocs(s)
	}
	close(jobs)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return Output{}, err
	}
	if docsErr != nil {
		return Output{}, docsErr
	}
	out := Output{Envs: make(map[string]Result, len(names)), Docs: docs}
	byEnv := map[string][]claim{}
	for i, name := range names {
		out.Envs[name] = results[i]
		byEnv[name] = results[i].claims
	}
	if err := checkShared(byEnv); err != nil {
		return Output{}, err
	}
	return out, nil
}

// capacityReport is the input of rendered/<env>/capacity.md: the capacity
// figures plan derived, their cost, and the workspace subnets.
func capacityReport(env *plan.Environment) report.Input {
	cat := env.Catalog
	in := report.Input{
		Env: env.Name, Source: env.RelFile(), Catalog: cat,
		Pattern: env.Config.Pattern, Summary: cat.Patterns[env.Config.Pattern].Summary,
	}
	add := func(c *config.Environment, f capacity.Figures, plan cidr.Plan, dir string) {
		in.Regions = append(in.Regions, report.Region{
			Config: c, Figures: f, RootPath: dir,
			Cost:    capacity.Estimate(f, c, cat),
			Subnets: capacity.WorkspaceSubnets(f, plan, network.TierWorkspace, cat),
		})
	}
	add(&env.Config, env.Capacity, env.Subnets, layout.Infra)
	for i := range env.Secondaries {
		r := &env.Secondaries[i]
		add(&r.Config, r.Capacity, r.Subnets, layout.RegionInfra(r.Config.AWSRegion))
	}
	return in
}

// renderWorkers is how many goroutines render while this one evaluates:
// one CPU is left to the evaluation, the longer of the two, so that
// rendering never delays it; at least one.
func renderWorkers(envs int) int {
	return max(1, min(runtime.GOMAXPROCS(0)-1, envs))
}
