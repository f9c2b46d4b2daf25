package main

import (
	"fmt"
	"io"
	"sort"

	"github.com/coder-eks/coder-eks/generator/internal/render/tfhcl"
	"github.com/coder-eks/coder-eks/generator/internal/write"
)

// runHCL renders the selected environments in memory and writes the
// native-syntax view of every Terraform module (root modules and
// templates) under o.hcl/<env>/, at the same relative paths as in
// rendered/: each *.tf.json becomes a *.tf; the other files of a module's
// directory (scripts it reads) are copied as they are. Only o.hcl/<env>
// for the rendered environments is replaced; rendered/ is not touched.
func runHCL(o options, stdout, stderr io.Writer) int {
	r, err := renderTree(o, false, stderr)
	tree := r.tree
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitError
	}
	view, err := tfhcl.View(tree)
	if err != nil {
		fmt.Fprintln(stderr, "generator:", err)
		return exitError
	}
	envs := envNames(tree, nil)
	sort.Strings(envs)
	if err := write.Replace(o.hcl, write.Tree(view), envs); err != nil {
		fmt.Fprintln(stderr, "generator:", err)
		return exitError
	}
	fmt.Fprintf(stdout, "wrote the native-syntax view of %d environment(s) (%d files) into %s\n", len(envs), len(view), o.hcl)
	return exitOK
}
