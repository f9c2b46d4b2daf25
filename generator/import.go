package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"cuelang.org/go/cue/cuecontext"

	"github.com/coder-eks/coder-eks/generator/internal/envimport"
	"github.com/coder-eks/coder-eks/generator/internal/load"
	"github.com/coder-eks/coder-eks/generator/internal/tfvars"
	"github.com/coder-eks/coder-eks/generator/internal/write"
)

// importOptions are import-tfvars' command line.
type importOptions struct {
	root         string
	file         string
	env          string
	allowUnknown bool
	force        bool
}

func parseImport(args []string, stderr io.Writer) (importOptions, error) {
	var o importOptions
	fs := flag.NewFlagSet("import-tfvars", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: generator import-tfvars FILE.tfvars [-env NAME] [-root DIR] [-allow-unknown] [-force]")
		fs.PrintDefaults()
	}
	fs.StringVar(&o.root, "root", ".", "repository root (holds schema/, environments/, ...)")
	fs.StringVar(&o.env, "env", "", "environment name (default: the file's environment variable)")
	fs.BoolVar(&o.allowUnknown, "allow-unknown", false, "skip variables the schema does not have instead of failing")
	fs.BoolVar(&o.force, "force", false, "overwrite an existing environment file")
	// The file may come before or after the flags.
	var files []string
	for {
		if err := fs.Parse(args); err != nil {
			return o, err
		}
		if fs.NArg() == 0 {
			break
		}
		files = append(files, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(files) != 1 {
		fs.Usage()
		return o, fmt.Errorf("import-tfvars takes one tfvars file, got %d", len(files))
	}
	o.file = files[0]
	return o, nil
}

// runImport writes environments/<env>.cue from a seed tfvars file: the
// values that differ from the schema's defaults. Exit 2, writing nothing,
// on any variable it cannot import.
func runImport(args []string, stdout, stderr io.Writer) int {
	o, err := parseImport(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		fmt.Fprintln(stderr, "generator:", err)
		return exitError
	}
	res, target, err := importFile(&o)
	for _, w := range res.Warnings {
		fmt.Fprintln(stderr, "warning:", w)
	}
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitError
	}
	rel := filepath.ToSlash(filepath.Join(load.EnvironmentsDir, o.env+".cue"))
	if err := write.WriteFile(o.root, rel, res.File); err != nil {
		fmt.Fprintln(stderr, "generator:", err)
		return exitError
	}
	fmt.Fprintf(stdout, "wrote %s: %d value(s) that differ from the schema's defaults; %d equal to them left out\n",
		target, len(res.Set), len(res.Defaulted))
	if len(res.Missing) > 0 {
		var names []string
		for _, f := range res.Missing {
			names = append(names, f.Name)
		}
		fmt.Fprintf(stdout, "before rendering, set the required field(s) %s does not have: %s (see the TODO in %s)\n",
			filepath.Base(o.file), strings.Join(names, ", "), target)
	}
	return exitOK
}

// importFile reads and converts the tfvars file; o.env is filled in from
// the file when -env was not given.
func importFile(o *importOptions) (envimport.Result, string, error) {
	src, err := load.ReadInput(o.file)
	if err != nil {
		return envimport.Result{}, "", fmt.Errorf("generator: %s: %w", o.file, err)
	}
	vars, err := tfvars.Parse(o.file, src)
	if err != nil {
		return envimport.Result{}, "", err
	}
	if o.env == "" {
		o.env = environmentOf(vars)
		if o.env == "" {
			return envimport.Result{}, "", fmt.Errorf("generator: %s does not set environment: pass -env NAME", o.file)
		}
	}
	target := filepath.Join(o.root, load.EnvironmentsDir, o.env+".cue")
	if _, err := os.Stat(target); err == nil && !o.force {
		return envimport.Result{}, "", fmt.Errorf("generator: %s exists: pass -force to overwrite it", target)
	}
	schema, err := load.LoadSchema(cuecontext.New(), o.root)
	if err != nil {
		return envimport.Result{}, "", err
	}
	res, err := envimport.Import(schema, vars, envimport.Options{
		Name: o.env, Source: filepath.Base(o.file), AllowUnknown: o.allowUnknown,
	})
	return res, target, err
}

func environmentOf(vars []tfvars.Variable) string {
	for _, v := range vars {
		if s, ok := v.Value.(string); ok && v.Name == load.NameField {
			return s
		}
	}
	return ""
}
