// Command generator renders every environment under environments/ into
// rendered/<env>/: Terraform JSON, Helm values, Coder templates and the Flux
// objects that apply them. Run it from the repository root:
//
//	go run ./generator                  render every environment
//	go run ./generator -env prod        render only prod (repeatable)
//	go run ./generator -out DIR         write under DIR instead of rendered/
//	go run ./generator -check           exit 1 if rendered/ or docs/ is not current
//	go run ./generator -diff            print what changed, semantically; exit 1 if anything did
//	go run ./generator -diff -deny-replace
//	                                    ... and exit 3 if a resource holding data or service is replaced
//	go run ./generator -today 2026-11-26  date the warnings compare with
//	go run ./generator -hcl DIR         write the native-syntax (.tf) view of every
//	                                    Terraform module into DIR/<env>/, for IaC
//	                                    scanners; rendered/ stays JSON
//	go run ./generator import-tfvars FILE.tfvars -env NAME
//	                                    write environments/NAME.cue from a seed tfvars file
//
// Warnings (an EKS version past standard support, a workspace schedule
// Coder's autostop cannot be derived from, single-type Spot workspace
// nodes) go to stderr prefixed "warning: <env>:" and never change the
// rendered files or the exit code.
//
// Besides rendered/, a run writes the reference pages generated from the
// schema (docs/configuration/variables.md, ...) and -check and -diff
// compare them. With -out the run is a scratch render: docs/ is neither
// written nor compared.
//
// Exit codes: 0 success (or nothing to change), 1 -check or -diff found
// differences, 2 an error (invalid environment, I/O; on error nothing is
// written), 3 -diff -deny-replace found a resource that holds data or
// running service replaced or destroyed.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/coder-eks/coder-eks/generator/internal/layout"
	"github.com/coder-eks/coder-eks/generator/pipeline"
)

const (
	exitOK    = 0
	exitDiff  = 1
	exitError = 2
	// exitDenied is -diff -deny-replace finding a resource that holds
	// data or running service replaced or destroyed.
	exitDenied = 3
)

func main() {
	tuneGC(os.Args[1:])
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// A run lives about a second, and at Go's default (GOGC=100) the
// collector took 15 to 18 % of a -check's CPU. Up to smallRun
// environments the collector is off below a soft limit of memoryLimit:
// the shipped environments (4; 120 MiB allocated in all) run without a
// collection. A larger run collects at gcPercent instead: its live heap
// grows with the environments (50: about 50 MiB live, 142 to 210 MiB
// peak), and a live heap near a soft limit would have the runtime collect
// back to back. GOGC or GOMEMLIMIT in the environment overrides both; see
// docs/performance.md.
const (
	smallRun    = 16
	memoryLimit = 256 << 20
	gcPercent   = 400
)

// tuneGC sets the collector for the run args ask for.
func tuneGC(args []string) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	if environmentCount(args) <= smallRun {
		debug.SetGCPercent(-1)
		debug.SetMemoryLimit(memoryLimit)
		return
	}
	debug.SetGCPercent(gcPercent)
}

// environmentCount is how many environments args render: the -env flags,
// else every environment file. A command line that does not parse (or
// import-tfvars) counts as a large run, whose setting is the safe one.
func environmentCount(args []string) int {
	o, err := parse(args, io.Discard)
	if err != nil {
		return smallRun + 1
	}
	if len(o.envs) > 0 {
		return len(o.envs)
	}
	names, err := pipeline.Environments(o.root)
	if err != nil {
		return smallRun + 1
	}
	return len(names)
}

// options are the command line, parsed.
type options struct {
	root  string
	out   string
	envs  []string
	check bool
	diff  bool
	// denyReplace makes -diff exit 3 when a resource holding data or
	// running service would be replaced or destroyed.
	denyReplace bool
	docs        bool // write and compare docs/ (not with -out)
	// hcl is where -hcl writes the native-syntax view (empty: not asked).
	hcl   string
	today time.Time
}

type envList []string

func (l *envList) String() string     { return strings.Join(*l, ",") }
func (l *envList) Set(v string) error { *l = append(*l, v); return nil }

func parse(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("generator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.root, "root", ".", "repository root (holds schema/, environments/, ...)")
	fs.StringVar(&o.out, "out", "", "output directory (default <root>/rendered)")
	fs.Var((*envList)(&o.envs), "env", "render only this environment (repeatable)")
	fs.BoolVar(&o.check, "check", false, "compare with the committed tree instead of writing; exit 1 on differences")
	fs.BoolVar(&o.diff, "diff", false, "print a semantic diff of rendered output against the committed tree; exit 1 on differences")
	fs.BoolVar(&o.denyReplace, "deny-replace", false, "with -diff: exit 3 when a resource that holds data or running service would be replaced or destroyed")
	fs.StringVar(&o.hcl, "hcl", "", "write the native-syntax (.tf) view of every Terraform module into `DIR`/<env>/ (for scanners) instead of rendering")
	today := fs.String("today", "", "date (YYYY-MM-DD) warnings compare the EKS release calendar with (default: today)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	o.today = time.Now().UTC()
	if *today != "" {
		t, err := time.Parse(time.DateOnly, *today)
		if err != nil {
			return o, fmt.Errorf("-today %q: want a date like 2026-11-26", *today)
		}
		o.today = t
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if o.check && o.diff {
		return o, fmt.Errorf("-check and -diff are exclusive")
	}
	if o.hcl != "" && (o.check || o.diff || o.out != "") {
		return o, fmt.Errorf("-hcl is exclusive with -check, -diff and -out")
	}
	if o.denyReplace && !o.diff {
		return o, fmt.Errorf("-deny-replace needs -diff")
	}
	o.docs = o.out == ""
	if o.out == "" {
		o.out = o.root + "/" + layout.Rendered
	}
	return o, nil
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "import-tfvars" {
		return runImport(args[1:], stdout, stderr)
	}
	o, err := parse(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		fmt.Fprintln(stderr, "generator:", err)
		return exitError
	}
	switch {
	case o.check:
		return runCheck(o, stdout, stderr)
	case o.diff:
		return runDiff(o, stdout, stderr)
	case o.hcl != "":
		return runHCL(o, stdout, stderr)
	}
	return runRender(o, stdout, stderr)
}
