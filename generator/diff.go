package main

import (
	"fmt"
	"io"
	"path"
	"sort"
	"strings"

	"github.com/coder-eks/coder-eks/generator/internal/semdiff"
	"github.com/coder-eks/coder-eks/generator/internal/write"
	"github.com/coder-eks/coder-eks/generator/pipeline"
)

// runDiff renders in memory and prints, per environment and file, how the
// rendered output differs from what is committed, by meaning: Terraform
// blocks and attribute paths, YAML key paths, lines for anything else. It
// writes nothing. Exit 1 when anything differs, like -check.
func runDiff(o options, stdout, stderr io.Writer) int {
	c, err := compare(o, stderr)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitError
	}
	rules, err := pipeline.ReplacementRules(o.root)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitError
	}
	var files int
	var dangerous []string
	for _, s := range diffSections(c) {
		n, d, err := s.write(stdout, rules)
		if err != nil {
			fmt.Fprintln(stderr, "generator:", err)
			return exitError
		}
		files += n
		dangerous = append(dangerous, d...)
	}
	if files == 0 {
		fmt.Fprintf(stdout, "no differences: the committed output matches what the generator renders (%d files)\n", len(c.tree)+len(c.docs))
		return exitOK
	}
	fmt.Fprintf(stdout, "%d file(s) differ from what the generator renders: run `go run ./generator` and commit the result\n", files)
	if len(dangerous) > 0 {
		fmt.Fprintf(stdout, "%d resource(s) holding data or running service would be replaced or destroyed:\n", len(dangerous))
		for _, d := range dangerous {
			fmt.Fprintln(stdout, "  "+d)
		}
		if o.denyReplace {
			fmt.Fprintln(stderr, "generator: -deny-replace: refusing a change that replaces or destroys the resources above; review the plan, and run without -deny-replace to accept it")
			return exitDenied
		}
	}
	return exitDiff
}

// diffSection is one environment's files (or the generated docs), before
// and after, keyed by path inside the section.
type diffSection struct {
	name     string
	old, new write.Tree
}

// diffSections splits the comparison into one section per environment,
// in name order, then one for docs.
func diffSections(c comparison) []diffSection {
	byEnv := map[string]*diffSection{}
	add := func(t write.Tree, old bool) {
		for p, data := range t {
			env, rel, _ := strings.Cut(p, "/")
			s, ok := byEnv[env]
			if !ok {
				s = &diffSection{name: env, old: write.Tree{}, new: write.Tree{}}
				byEnv[env] = s
			}
			if old {
				s.old[rel] = data
			} else {
				s.new[rel] = data
			}
		}
	}
	add(c.onDisk, true)
	add(c.tree, false)
	names := make([]string, 0, len(byEnv))
	for n := range byEnv {
		names = append(names, n)
	}
	sort.Strings(names)
	var out []diffSection
	for _, n := range names {
		out = append(out, *byEnv[n])
	}
	return append(out, diffSection{name: "docs", old: c.docsOnDisk, new: c.docs})
}

// write prints the section's differing files under a heading and returns
// how many there were and the resources holding data or running service
// that would be replaced or destroyed ("prod: terraform/infra resource
// aws_rds_cluster.this").
func (s diffSection) write(w io.Writer, rules semdiff.Rules) (int, []string, error) {
	paths := map[string]bool{}
	for p := range s.old {
		paths[p] = true
	}
	for p := range s.new {
		paths[p] = true
	}
	sorted := make([]string, 0, len(paths))
	for p := range paths {
		sorted = append(sorted, p)
	}
	sort.Strings(sorted)
	var files []*semdiff.File
	for _, p := range sorted {
		if f := semdiff.Compare(p, s.old[p], s.new[p]); f != nil {
			files = append(files, f)
		}
	}
	if len(files) == 0 {
		return 0, nil, nil
	}
	semdiff.Annotate(files, s.old, s.new, rules)
	var dangerous []string
	for _, f := range files {
		for _, it := range f.Items {
			if it.Effect.Dangerous() {
				dangerous = append(dangerous, fmt.Sprintf("%s: %s %s (%s)", s.name, path.Dir(f.Path), it.Name, it.Effect.Action))
			}
		}
	}
	if _, err := fmt.Fprintf(w, "== %s ==\n", s.heading()); err != nil {
		return 0, nil, err
	}
	whole := s.name != "docs" && (len(s.old) == 0 || len(s.new) == 0)
	for _, f := range files {
		write := semdiff.Write
		if whole {
			write = semdiff.WriteSummary
		}
		if err := write(w, f); err != nil {
			return 0, nil, err
		}
	}
	_, err := fmt.Fprintln(w)
	return len(files), dangerous, err
}

func (s diffSection) heading() string {
	switch {
	case s.name == "docs":
		return "docs (generated from the schema)"
	case len(s.new) == 0:
		return fmt.Sprintf("environment %s: removed (%d committed file(s) no longer rendered)", s.name, len(s.old))
	case len(s.old) == 0:
		return fmt.Sprintf("environment %s: added (%d file(s) not committed yet)", s.name, len(s.new))
	}
	return "environment " + s.name
}
