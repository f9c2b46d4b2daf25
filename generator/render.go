package main

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/coder-eks/coder-eks/generator/internal/write"
	"github.com/coder-eks/coder-eks/generator/pipeline"
)

// runRender renders and commits the result: the output directory and the
// generated docs, in one transaction.
func runRender(o options, stdout, stderr io.Writer) int {
	r, err := renderTree(o, o.docs, stderr)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitError
	}
	tree, scope, docs := r.tree, r.scope, r.docs
	plan := write.Plan{Dir: o.out, Tree: tree, Scope: scope}
	if o.docs {
		plan.Root, plan.Files, plan.Managed = o.root, docs, pipeline.DocPaths()
	}
	// One transaction: rendered/ and the pages under docs/ change together
	// or not at all.
	if err := write.Commit(plan); err != nil {
		fmt.Fprintln(stderr, "generator:", err)
		return exitError
	}
	fmt.Fprintf(stdout, "rendered %d files for %d environment(s) into %s", len(tree), len(envNames(tree, scope)), o.out)
	if o.docs {
		fmt.Fprintf(stdout, " and %d reference page(s) into docs/", len(docs))
	}
	fmt.Fprintln(stdout)
	return exitOK
}

// rendering is a run held in memory.
type rendering struct {
	tree  write.Tree // keyed "<env>/<path>"
	scope []string   // environments rendered; nil for all
	docs  write.Tree // the reference pages, keyed by repository path
}

// renderTree renders the selected environments (all when -env is not
// given) into one tree keyed by "<env>/<path>", printing their warnings
// to stderr, and with docs the reference pages too, from the same
// evaluation of the schema. The scope is nil when every environment was
// rendered, so the whole output directory is replaced and removed
// environments disappear.
func renderTree(o options, docs bool, stderr io.Writer) (rendering, error) {
	names := o.envs
	var scope []string
	if len(names) == 0 {
		all, err := pipeline.Environments(o.root)
		if err != nil {
			return rendering{}, err
		}
		names = all
	} else {
		names = dedupe(names)
		scope = names
	}
	out, err := pipeline.Generate(o.root, names, pipeline.Options{Today: o.today, Docs: docs})
	if err != nil {
		return rendering{}, err
	}
	tree := write.Tree{}
	for _, env := range names {
		for _, w := range out.Envs[env].Warnings {
			// The environment first: with several environments the
			// position alone may be a schema line they all share.
			fmt.Fprintf(stderr, "warning: %s: %s\n", env, w)
		}
		for p, data := range out.Envs[env].Files {
			tree[env+"/"+p] = data
		}
	}
	return rendering{tree: tree, scope: scope, docs: write.Tree(out.Docs)}, nil
}

func dedupe(names []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, n := range names {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

func envNames(t write.Tree, scope []string) []string {
	if scope != nil {
		return scope
	}
	seen := map[string]bool{}
	var out []string
	for p := range t {
		env, _, _ := strings.Cut(p, "/")
		if !seen[env] {
			seen[env] = true
			out = append(out, env)
		}
	}
	return out
}
