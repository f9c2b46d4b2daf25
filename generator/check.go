package main

import (
	"fmt"
	"io"

	"github.com/coder-eks/coder-eks/generator/internal/write"
	"github.com/coder-eks/coder-eks/generator/pipeline"
)

// runCheck renders in memory and compares with the output directory and
// the generated docs, writing nothing. Exit 1 lists every stale, missing
// or extra file.
func runCheck(o options, stdout, stderr io.Writer) int {
	c, err := compare(o, stderr)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitError
	}
	changes := append(write.Compare(c.onDisk, c.tree), write.Compare(c.docsOnDisk, c.docs)...)
	where := o.out
	if o.docs {
		where += " and docs/"
	}
	if len(changes) == 0 {
		fmt.Fprintf(stdout, "%s up to date (%d files)\n", where, len(c.tree)+len(c.docs))
		return exitOK
	}
	for _, c := range changes {
		fmt.Fprintln(stdout, c)
	}
	fmt.Fprintf(stdout, "%d file(s) differ from what the generator renders: run `go run ./generator` and commit %s\n", len(changes), where)
	return exitDiff
}

// comparison is a render next to what is on disk.
type comparison struct {
	tree, onDisk write.Tree // under o.out, keyed "<env>/<path>"
	scope        []string   // environments compared; nil for all
	docs         write.Tree // generated docs, keyed by repository path
	docsOnDisk   write.Tree
}

// compare renders in memory and reads what is on disk for the same scope.
func compare(o options, stderr io.Writer) (comparison, error) {
	var c comparison
	if write.Interrupted(o.out) {
		return c, fmt.Errorf("generator: a run on %s was interrupted after it started changing files: run `go run ./generator` to complete it, then compare", o.out)
	}
	r, err := renderTree(o, o.docs, stderr)
	if err != nil {
		return c, err
	}
	c.tree, c.scope, c.docs = r.tree, r.scope, r.docs
	if c.docs == nil {
		c.docs = write.Tree{}
	}
	if c.onDisk, err = write.Read(o.out, c.scope); err != nil {
		return c, fmt.Errorf("generator: %w", err)
	}
	c.docsOnDisk = write.Tree{}
	if o.docs {
		if c.docsOnDisk, err = write.ReadFiles(o.root, pipeline.DocPaths()); err != nil {
			return c, fmt.Errorf("generator: %w", err)
		}
	}
	return c, nil
}
