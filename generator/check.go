package main

import (
	"fmt"
	"io"

	"github.com/coder-eks/coder-eks/generator/internal/write"
)

// runCheck renders in memory and compares with the output directory,
// writing nothing. Exit 1 lists every stale, missing or extra file.
func runCheck(o options, stdout, stderr io.Writer) int {
	tree, scope, err := renderTree(o, stderr)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitError
	}
	onDisk, err := write.Read(o.out, scope)
	if err != nil {
		fmt.Fprintln(stderr, "generator:", err)
		return exitError
	}
	changes := write.Compare(onDisk, tree)
	if len(changes) == 0 {
		fmt.Fprintf(stdout, "%s is up to date (%d files)\n", o.out, len(tree))
		return exitOK
	}
	for _, c := range changes {
		fmt.Fprintln(stdout, c)
	}
	fmt.Fprintf(stdout, "%d file(s) differ from what the generator renders: run `go run ./generator` and commit %s\n", len(changes), o.out)
	return exitDiff
}
