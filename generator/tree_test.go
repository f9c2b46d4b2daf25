package main

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/coder-eks/coder-eks/generator/internal/write"
	"github.com/coder-eks/coder-eks/generator/pipeline"
)

// The kill test runs this test binary as the generator: with
// subprocessEnv set, TestMain runs the CLI instead of the tests, counting
// the steps the write makes (killAtEnv: SIGKILL itself before that one;
// stepsEnv: a file to list them in).
const (
	subprocessEnv = "GENERATOR_TEST_AS_CLI"
	killAtEnv     = "GENERATOR_TEST_KILL_AT_STEP"
	stepsEnv      = "GENERATOR_TEST_STEPS_FILE"
)

func TestMain(m *testing.M) {
	if os.Getenv(subprocessEnv) != "" {
		os.Exit(runAsCLI())
	}
	os.Exit(m.Run())
}

func runAsCLI() int {
	killAt, _ := strconv.Atoi(os.Getenv(killAtEnv))
	var log *os.File
	if p := os.Getenv(stepsEnv); p != "" {
		f, err := os.Create(p)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 99
		}
		defer f.Close()
		log = f
	}
	n := 0
	write.BeforeStep = func(op, path string) error {
		n++
		if log != nil {
			fmt.Fprintf(log, "%s %s\n", op, path)
		}
		if n == killAt {
			syscall.Kill(os.Getpid(), syscall.SIGKILL)
			select {}
		}
		return nil
	}
	return run(os.Args[1:], os.Stdout, os.Stderr)
}

// runSubprocess runs the generator in a subprocess.
func runSubprocess(t *testing.T, env []string, args ...string) (*exec.Cmd, error) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(append(os.Environ(), subprocessEnv+"=1"), env...)
	out, err := cmd.CombinedOutput()
	if err != nil && !killed(err) {
		t.Logf("generator %v: %v\n%s", args, err, out)
	}
	return cmd, err
}

func killed(err error) bool {
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		return false
	}
	ws, ok := ee.Sys().(syscall.WaitStatus)
	return ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL
}

// state is what a run writes: rendered/ and the generated pages.
type state struct{ rendered, docs write.Tree }

func (r *testRepo) state() state {
	r.t.Helper()
	docs, err := write.ReadFiles(r.root, pipeline.DocPaths())
	if err != nil {
		r.t.Fatal(err)
	}
	return state{r.rendered(), docs}
}

func (r *testRepo) restore(s state) {
	r.t.Helper()
	must(r.t, os.RemoveAll(filepath.Join(r.root, "rendered")))
	must(r.t, os.RemoveAll(filepath.Join(r.root, "docs")))
	for p, data := range s.rendered {
		mustWrite(r.t, filepath.Join(r.root, "rendered", p), string(data))
	}
	for p, data := range s.docs {
		mustWrite(r.t, filepath.Join(r.root, p), string(data))
	}
}

// litter lists what the generator left in the repository root besides
// its lock file.
func (r *testRepo) litter() []string {
	var out []string
	for _, pattern := range []string{".coder-eks-*", "docs/*/.coder-eks-*"} {
		m, _ := filepath.Glob(filepath.Join(r.root, pattern))
		for _, p := range m {
			if !strings.HasSuffix(p, "-lock") {
				out = append(out, filepath.Base(p))
			}
		}
	}
	return out
}

func equalState(a, b state) bool {
	return cmp.Equal(a.rendered, b.rendered) && cmp.Equal(a.docs, b.docs)
}

// TestKillAtEveryStep kills the generator (SIGKILL, in a subprocess) before
// each change it makes to the disk, for a full and a scoped render whose
// rendered/ and docs/ both change. After each kill rendered/ must exist
// and be the old tree or the new one (each environment, for -env); after
// the next run's recovery everything must be old or new together, with
// nothing left behind; and the run after that must finish the job.
func TestKillAtEveryStep(t *testing.T) {
	r := newTestRepo(t)
	for _, env := range []string{"multiregion", "pubsec"} { // two environments are enough and halve the time
		must(t, os.Remove(filepath.Join(r.root, "environments", env+".cue")))
	}
	if code, _, stderr := r.run(); code != exitOK {
		t.Fatalf("initial render: exit %d\n%s", code, stderr)
	}
	old := r.state()
	// The change: every environment's output and the reference page.
	r.writeEnv("prod", r.readEnv("prod")+"tags: {\"kill-test\": \"yes\"}\n")
	r.writeEnv("staging", strings.Replace(r.readEnv("staging"), "max_workspaces:     300", "max_workspaces:     290", 1))
	schema := filepath.Join(r.root, "schema/environment.cue")
	src, err := os.ReadFile(schema)
	must(t, err)
	must(t, os.WriteFile(schema, []byte(strings.Replace(string(src), "// Resource owner for tagging.", "// Resource owner for tagging (kill test).", 1)), 0o644))

	for _, args := range [][]string{nil, {"-env", "prod", "-env", "staging"}} {
		r.restore(old)
		stepsFile := filepath.Join(t.TempDir(), "steps")
		if _, err := runSubprocess(t, []string{stepsEnv + "=" + stepsFile}, append([]string{"-root", r.root}, args...)...); err != nil {
			t.Fatalf("%v: unkilled run failed: %v", args, err)
		}
		steps := readLines(t, stepsFile)
		next := r.state()
		if equalState(old, next) || cmp.Equal(old.docs, next.docs) {
			t.Fatalf("%v: the change changed nothing (or not the docs): the test tests nothing", args)
		}
		t.Logf("%v: %d steps: %v", args, len(steps), steps)
		for i := 1; i <= len(steps); i++ {
			r.restore(old)
			_, err := runSubprocess(t, []string{fmt.Sprintf("%s=%d", killAtEnv, i)}, append([]string{"-root", r.root}, args...)...)
			if !killed(err) {
				t.Fatalf("%v, step %d (%s): not killed: %v", args, i, steps[i-1], err)
			}
			got := r.state()
			for _, env := range []string{"prod", "staging"} {
				if o, n, g := envTree(old.rendered, env), envTree(next.rendered, env), envTree(got.rendered, env); !cmp.Equal(g, o) && !cmp.Equal(g, n) {
					t.Errorf("%v, killed before step %d (%s): rendered/%s is neither old nor new (%d files; old %d, new %d)",
						args, i, steps[i-1], env, len(g), len(o), len(n))
				}
			}
			must(t, write.Recover(filepath.Join(r.root, "rendered"), r.root, pipeline.DocPaths()))
			if got := r.state(); !equalState(got, old) && !equalState(got, next) {
				t.Errorf("%v, killed before step %d (%s), then recovered: rendered/ and docs/ are not all old or all new", args, i, steps[i-1])
			}
			if l := r.litter(); len(l) > 0 {
				t.Errorf("%v, killed before step %d (%s), then recovered: left behind %v", args, i, steps[i-1], l)
			}
		}
		if code, _, stderr := r.run(args...); code != exitOK || !equalState(r.state(), next) {
			t.Fatalf("%v: the run after the kills: exit %d, new state %v\n%s", args, code, equalState(r.state(), next), stderr)
		}
	}
}

func envTree(t write.Tree, env string) write.Tree {
	out := write.Tree{}
	for p, d := range t {
		if strings.HasPrefix(p, env+"/") {
			out[p] = d
		}
	}
	return out
}

func readLines(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	must(t, err)
	defer f.Close()
	var out []string
	s := bufio.NewScanner(f)
	for s.Scan() {
		out = append(out, s.Text())
	}
	return out
}

// TestRenderKeepsMode: a full render left rendered/ at 0700 (a temporary
// directory's mode) instead of the checkout's 0755.
func TestRenderKeepsMode(t *testing.T) {
	r := newTestRepo(t)
	dir := filepath.Join(r.root, "rendered")
	must(t, os.MkdirAll(dir, 0o755))
	must(t, os.Chmod(dir, 0o755))
	if code, _, stderr := r.run("-env", "staging"); code != exitOK {
		t.Fatalf("render: exit %d\n%s", code, stderr)
	}
	must(t, os.Remove(filepath.Join(r.root, "environments/multiregion.cue")))
	must(t, os.Remove(filepath.Join(r.root, "environments/pubsec.cue")))
	if code, _, stderr := r.run(); code != exitOK {
		t.Fatalf("render: exit %d\n%s", code, stderr)
	}
	for _, d := range []string{dir, filepath.Join(dir, "staging")} {
		fi, err := os.Stat(d)
		must(t, err)
		if fi.Mode().Perm() != 0o755 {
			t.Errorf("%s: mode %v after a render, want 0755", d, fi.Mode().Perm())
		}
	}
}

// TestRenderRefusesSymlinkedOutput: with rendered a link to a directory
// outside the repository, -env prod replaced prod/ inside the target.
func TestRenderRefusesSymlinkedOutput(t *testing.T) {
	r := newTestRepo(t)
	outside := t.TempDir()
	mustWrite(t, filepath.Join(outside, "prod/keep"), "not the generator's\n")
	must(t, os.Symlink(outside, filepath.Join(r.root, "rendered")))
	for _, args := range [][]string{{"-env", "prod"}, nil} {
		code, _, stderr := r.run(args...)
		if code != exitError || !strings.Contains(stderr, "symbolic link") {
			t.Errorf("%v: exit %d, want %d with a symbolic link error\n%s", args, code, exitError, stderr)
		}
		if b, err := os.ReadFile(filepath.Join(outside, "prod/keep")); err != nil || string(b) != "not the generator's\n" {
			t.Errorf("%v: wrote into the link's target: %v", args, err)
		}
	}
}

// TestDocsFailureChangesNothing: when the reference page cannot be
// written, the command exited 2 with rendered/ already replaced.
func TestDocsFailureChangesNothing(t *testing.T) {
	r := newTestRepo(t)
	must(t, os.Remove(filepath.Join(r.root, "environments/multiregion.cue")))
	must(t, os.Remove(filepath.Join(r.root, "environments/pubsec.cue")))
	if code, _, stderr := r.run(); code != exitOK {
		t.Fatalf("render: exit %d\n%s", code, stderr)
	}
	before := r.rendered()
	r.writeEnv("staging", strings.Replace(r.readEnv("staging"), "max_workspaces:     300", "max_workspaces:     290", 1))
	page := filepath.Join(r.root, filepath.FromSlash(pipeline.DocPaths()[0]))
	must(t, os.Remove(page))
	must(t, os.MkdirAll(filepath.Join(page, "in-the-way"), 0o755)) // a directory where the page goes
	code, _, stderr := r.run()
	if code != exitError {
		t.Fatalf("exit %d, want %d\n%s", code, exitError, stderr)
	}
	if diff := cmp.Diff(before, r.rendered()); diff != "" {
		t.Errorf("rendered/ changed although the run failed (-before +after):\n%.2000s", diff)
	}
}

// TestUnboundedInput: an environment file that is a link to /dev/zero
// grew memory without bound; one past the size limit was read whole.
func TestUnboundedInput(t *testing.T) {
	r := newTestRepo(t)
	env := filepath.Join(r.root, "environments/staging.cue")
	must(t, os.Remove(env))
	must(t, os.Symlink("/dev/zero", env))
	code, _, stderr := r.run("-env", "staging")
	if code != exitError || !strings.Contains(stderr, "environments/staging.cue:1:1: not a regular file but a device") {
		t.Errorf("link to /dev/zero: exit %d\n%s", code, stderr)
	}
	must(t, os.Remove(env))
	big := r.readEnv("prod") + "// " + strings.Repeat("x", 2<<20) + "\n"
	r.writeEnv("staging", big)
	code, _, stderr = r.run("-env", "staging")
	if code != exitError || !strings.Contains(stderr, "is too large (rule: an input file is a plain file of at most 1048576 bytes)") {
		t.Errorf("a 2 MiB environment file: exit %d\n%s", code, stderr)
	}
}
