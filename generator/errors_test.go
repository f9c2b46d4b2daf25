package main

import (
	"errors"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/coder-eks/coder-eks/generator/internal/diag"
	"github.com/coder-eks/coder-eks/generator/internal/diag/cueerr"
	"github.com/coder-eks/coder-eks/generator/internal/load"
)

// TestErrorCases runs the CLI over each bad environment in
// testdata/errors/*.txtar. An archive's sections:
//
//	-- args --               the command line (after -root); several
//	                         lines are several runs, each checked alike,
//	                         "(none)" a run without arguments (the
//	                         default when the section is absent)
//	-- replace ENV.cue --    "old" and "new" text, split by a line "=>"
//	-- replace DIR/F.cue --  the same in another input file (toolchains/...)
//	-- append ENV.cue --     lines added to the end of the file
//	-- rename ENV.cue --     the file's new name
//	-- stderr --             lines stderr must contain, each whole
//	-- not-stderr --         text stderr must not contain
//	-- kinds --              CUE message kinds (cueerr.Kinds) the
//	                         translation must recognise in the errors
//	                         of the environments named by -env
//
// Every case must exit 2 and leave the committed rendered/ tree (copied
// in) as it was. SHOW_KINDS=1 logs the kinds each case produces. The expected lines were read and checked by hand against
// the environment files and the schema.
func TestErrorCases(t *testing.T) {
	files, err := filepath.Glob("testdata/errors/*.txtar")
	must(t, err)
	if len(files) == 0 {
		t.Fatal("no cases in testdata/errors")
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			// Each case has a repository of its own; CPU-bound, so they
			// share the cores.
			t.Parallel()
			a, err := txtar.ParseFile(file)
			must(t, err)
			r := newTestRepo(t)
			copyDir(t, filepath.Join(repoRoot, "rendered"), filepath.Join(r.root, "rendered"))
			before := r.rendered()
			runs := [][]string{nil}
			var want, notWant, kinds []string
			for _, f := range a.Files {
				kind, target, _ := strings.Cut(f.Name, " ")
				env := strings.TrimSuffix(target, ".cue")
				switch kind {
				case "args":
					runs = commandLines(f.Data)
				case "replace":
					old, new, ok := strings.Cut(string(f.Data), "\n=>\n")
					if !ok {
						t.Fatalf("replace %s: no => line", target)
					}
					// ENV.cue is an environment; a path (toolchains/x.cue)
					// any other input file.
					file := filepath.Join(r.root, "environments", target)
					if strings.Contains(target, "/") {
						file = filepath.Join(r.root, filepath.FromSlash(target))
					}
					b, err := os.ReadFile(file)
					must(t, err)
					src := string(b)
					if !strings.Contains(src, strings.TrimSuffix(old, "\n")) {
						t.Fatalf("replace %s: %q not in the file", target, old)
					}
					must(t, os.WriteFile(file, []byte(strings.Replace(src, strings.TrimSuffix(old, "\n"), strings.TrimSuffix(new, "\n"), 1)), 0o644))
				case "append":
					r.writeEnv(env, r.readEnv(env)+string(f.Data))
				case "rename":
					to := strings.TrimSuffix(strings.TrimSpace(string(f.Data)), ".cue")
					r.writeEnv(to, r.readEnv(env))
					must(t, os.Remove(filepath.Join(r.root, "environments", env+".cue")))
				case "stderr":
					want = lines(f.Data)
				case "not-stderr":
					notWant = lines(f.Data)
				case "kinds":
					kinds = strings.Fields(string(f.Data))
				default:
					t.Fatalf("unknown section %q", f.Name)
				}
			}
			var stderr string
			for _, args := range runs {
				var code int
				code, _, stderr = r.run(args...)
				if code != exitError {
					t.Errorf("%v: exit %d, want %d", args, code, exitError)
				}
				if !reflect.DeepEqual(before, r.rendered()) {
					t.Errorf("%v: rendered/ changed on a failed run", args)
				}
				for _, w := range want {
					if !containsLine(stderr, w) {
						t.Errorf("%v: stderr lacks the line\n  %s", args, w)
					}
				}
				for _, w := range notWant {
					if strings.Contains(stderr, w) {
						t.Errorf("%v: stderr contains %q", args, w)
					}
				}
				if t.Failed() {
					break
				}
			}
			args := runs[0]
			if os.Getenv("SHOW_KINDS") != "" {
				t.Logf("kinds: %s", strings.Join(slices.Sorted(maps.Keys(recognisedKinds(t, r.root, args))), " "))
			}
			if len(kinds) > 0 {
				seen := recognisedKinds(t, r.root, args)
				for _, k := range kinds {
					if !seen[k] {
						t.Errorf("the translation did not recognise a CUE message of kind %s (recognised: %s): "+
							"CUE words it differently now, or the case no longer produces it", k, strings.Join(slices.Sorted(maps.Keys(seen)), " "))
					}
				}
			}
			if t.Failed() || os.Getenv("SHOW_STDERR") != "" {
				t.Logf("stderr:\n%s", stderr)
			}
		})
	}
}

// recognisedKinds loads the environments args name (-env, else all) in
// the case's repository and returns the kinds of CUE message their
// diagnostics were translated from.
func recognisedKinds(t *testing.T, root string, args []string) map[string]bool {
	t.Helper()
	var envs []string
	for i, a := range args {
		if a == "-env" && i+1 < len(args) {
			envs = append(envs, strings.Split(args[i+1], ",")...)
		}
	}
	if len(envs) == 0 {
		all, err := load.Discover(root)
		must(t, err)
		envs = all
	}
	seen := map[string]bool{}
	for _, env := range envs {
		_, err := load.Load(root, env)
		var l diag.List
		if !errors.As(err, &l) {
			continue
		}
		for _, d := range l {
			for _, k := range strings.Fields(d.Kinds) {
				seen[k] = true
			}
		}
	}
	return seen
}

// TestCUEKindsPinned proves every kind of CUE message the translation
// recognises is named by an error case, whose run then proves the
// translation still recognises it (TestErrorCases): a CUE upgrade that
// words a message differently fails that case instead of degrading the
// message silently.
func TestCUEKindsPinned(t *testing.T) {
	files, err := filepath.Glob("testdata/errors/*.txtar")
	must(t, err)
	pinned := map[string][]string{} // kind → cases
	for _, file := range files {
		a, err := txtar.ParseFile(file)
		must(t, err)
		for _, f := range a.Files {
			if f.Name == "kinds" {
				for _, k := range strings.Fields(string(f.Data)) {
					pinned[k] = append(pinned[k], strings.TrimSuffix(filepath.Base(file), ".txtar"))
				}
			}
		}
	}
	known := map[string]bool{}
	for _, k := range cueerr.Kinds {
		known[k.Name] = true
		if len(pinned[k.Name]) == 0 {
			t.Errorf("kind %s (CUE: %s) is pinned by no error case: name it in the kinds section of a case in testdata/errors that produces it", k.Name, k.CUE)
		}
	}
	for k, cases := range pinned {
		if !known[k] {
			t.Errorf("%s name the kind %s, which cueerr.Kinds does not have", strings.Join(cases, ", "), k)
		}
	}
}

// commandLines are the runs of an args section: a line each, split at
// spaces; "(none)" is a run without arguments.
func commandLines(b []byte) [][]string {
	var out [][]string
	for _, l := range lines(b) {
		if strings.TrimSpace(l) == "(none)" {
			out = append(out, nil)
			continue
		}
		out = append(out, strings.Fields(l))
	}
	if len(out) == 0 {
		return [][]string{nil}
	}
	return out
}

func lines(b []byte) []string {
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}

// containsLine is whether one line of s is exactly line.
func containsLine(s, line string) bool {
	for _, l := range strings.Split(s, "\n") {
		if l == line {
			return true
		}
	}
	return false
}
