package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestInvalidEnvironment breaks the production environment in each way the
// schema or the validate step must catch, and checks the CLI's contract:
// exit code 2, a message naming file:line:col and the field, and the
// rendered tree left exactly as it was. The expected messages were read
// and checked by hand against the schema.
func TestInvalidEnvironment(t *testing.T) {
	r := newTestRepo(t)
	if code, _, stderr := r.run(); code != exitOK {
		t.Fatalf("initial render: exit %d\n%s", code, stderr)
	}
	before := r.rendered()
	base := r.readEnv("prod")
	next := strings.Count(base, "\n") + 1 // line number of an appended line

	tests := []struct {
		name string
		env  string // prod.cue as the test writes it
		want string // expected start of the diagnostic, after file:
	}{
		{"type error", base + `max_workspaces: "lots"` + "\n",
			fmt.Sprintf("%d:17: max_workspaces: \"lots\" is a string, the field takes an int (rule: type int)", next)},
		{"out of range", base + "max_workspaces_per_user: 500\n",
			fmt.Sprintf("%d:26: max_workspaces_per_user: 500 is out of range (rule: <=100)", next)},
		{"desired above max", base + "ws_node_desired_peak: 300\n",
			fmt.Sprintf("%d:23: ws_node_desired_peak: 300 is more than ws_node_max_size 210 (set at environments/prod.cue:%d:29)", next, lineOf(base, "ws_node_max_size:"))},
		{"unknown field", base + `vpc_cidrr: "10.1.0.0/16"` + "\n",
			fmt.Sprintf("%d:1: vpc_cidrr: unknown field (rule: only the schema's fields are allowed); did you mean vpc_cidr?", next)},
		{"missing required field", strings.Replace(base, "\nowner:", "\n// owner:", 1),
			"1:1: owner: required field is missing: it has no default (declared at schema/environment.cue:"},
		{"enum value", base + `eks_cluster_version: "1.31"` + "\n",
			fmt.Sprintf(`%d:22: eks_cluster_version: "1.31" is not one of the allowed values (rule: "1.32" | "1.33" | "1.34" | "1.35"); did you mean "1.32"?`, next)},
		{"overlapping CIDRs", base + `eks_service_ipv4_cidr: "10.0.128.0/17"` + "\n",
			fmt.Sprintf("%d:24: eks_service_ipv4_cidr: 10.0.128.0/17 overlaps vpc_cidr 10.0.0.0/16, its default (environments/prod.cue does not set vpc_cidr)", next)},
		// A committed VPC's CIDR cannot change (TestSubnetReplacementRefused);
		// planning it afresh shows what a too small one lacks.
		{"VPC too small", base + `vpc_cidr: "10.0.0.0/22"` + "\nallow_subnet_replacement: true\n",
			fmt.Sprintf(`%d:1: vpc_cidr: tier "provisioner" needs a /20 subnet per AZ for 2160 addresses, larger than vpc_cidr 10.0.0.0/22`, next)},
		{"bad cron", base + `scaling_schedule_start: "61 6 * * MON-FRI"` + "\n",
			fmt.Sprintf(`%d:25: scaling_schedule_start: "61 6 * * MON-FRI" does not have the form of a #Cron: expected five fields: MINUTE(0-59) HOUR(0-23)`, next)},
		{"unknown time zone", base + `scaling_timezone: "America/Atlantis"` + "\n",
			fmt.Sprintf(`%d:1: scaling_timezone: "America/Atlantis" is not an IANA time zone`, next)},
		{"plaintext secret", base + `coder_admin_token: "s3cr3t"` + "\n",
			fmt.Sprintf(`%d:20: coder_admin_token: the value given is not allowed: the schema fixes this field to "" (rule: "", declared at schema/environment.cue:`, next)},
		{"secret that is not an ARN", strings.Replace(base, `oidc_client_secret_arn: "arn:aws:secretsmanager:us-east-1:111122223333:secret:coder/prod/oidc-client-secret-AbCdEf"`, `oidc_client_secret_arn: "hunter2"`, 1),
			fmt.Sprintf(`%d:25: oidc_client_secret_arn: "hunter2" does not have the form of a #SecretARN: expected arn:PARTITION:secretsmanager:REGION:ACCOUNT:secret:NAME, e.g. arn:aws:secretsmanager:us-east-1:111122223333:secret:`, lineOf(base, "oidc_client_secret_arn:"))},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r.writeEnv("prod", tc.env)
			defer r.writeEnv("prod", base)
			for _, args := range [][]string{nil, {"-env", "prod"}, {"-check"}} {
				code, _, stderr := r.run(args...)
				if code != exitError {
					t.Errorf("%v: exit %d, want %d\n%s", args, code, exitError, stderr)
				}
				if strings.Contains(stderr, "s3cr3t") {
					t.Errorf("%v: a secret value reached stderr:\n%s", args, stderr)
				}
				if !strings.Contains(stderr, "environments/prod.cue:"+tc.want) {
					t.Errorf("%v: stderr does not contain %q:\n%s", args, "environments/prod.cue:"+tc.want, stderr)
				}
			}
			if diff := cmp.Diff(before.Paths(), r.rendered().Paths()); diff != "" {
				t.Fatalf("rendered/ changed (-before +after):\n%s", diff)
			}
			for p, data := range r.rendered() {
				if string(data) != string(before[p]) {
					t.Fatalf("rendered/%s changed", p)
				}
			}
		})
	}
}

// TestAllErrorsReported checks one run reports every broken field of every
// environment, not just the first.
func TestAllErrorsReported(t *testing.T) {
	r := newTestRepo(t)
	prod := r.readEnv("prod")
	next := strings.Count(prod, "\n") + 1
	r.writeEnv("prod", prod+"max_workspaces_per_user: 500\nmax_workspaces: 0\n")
	r.writeEnv("staging", r.readEnv("staging")+"vpc_cidrr: \"x\"\n")
	code, _, stderr := r.run()
	if code != exitError {
		t.Fatalf("exit %d, want %d", code, exitError)
	}
	for _, want := range []string{
		fmt.Sprintf("prod.cue:%d:26: max_workspaces_per_user", next), fmt.Sprintf("prod.cue:%d:17: max_workspaces", next+1),
		"staging.cue:", "vpc_cidrr: unknown field",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
}

// TestCommittedTreeIsCurrent is the golden test of rendered/: the
// committed tree must be exactly what the generator renders now.
func TestCommittedTreeIsCurrent(t *testing.T) {
	var out, errb strings.Builder
	if code := run([]string{"-root", repoRoot, "-check"}, &out, &errb); code != exitOK {
		t.Fatalf("-check exit %d: rendered/ is stale; run `go run ./generator` and commit\n%s%s", code, out.String(), errb.String())
	}
}

// TestRenderIsDeterministic renders twice with different parallelism and
// compares every byte.
func TestRenderIsDeterministic(t *testing.T) {
	r := newTestRepo(t)
	outs := map[int]string{}
	for _, procs := range []int{1, 4} {
		prev := runtime.GOMAXPROCS(procs)
		dir := filepath.Join(r.root, fmt.Sprintf("out-%d", procs))
		code, _, stderr := r.run("-out", dir)
		runtime.GOMAXPROCS(prev)
		if code != exitOK {
			t.Fatalf("GOMAXPROCS=%d: exit %d\n%s", procs, code, stderr)
		}
		outs[procs] = dir
	}
	a, b := readTree(t, outs[1]), readTree(t, outs[4])
	if diff := cmp.Diff(a, b); diff != "" {
		t.Fatalf("renders differ (-GOMAXPROCS=1 +GOMAXPROCS=4):\n%s", diff)
	}
}

// TestCheck covers -check's exit codes and report: 0 when current, 1 with
// the stale, missing and extra files named when not.
func TestCheck(t *testing.T) {
	r := newTestRepo(t)
	if code, _, stderr := r.run(); code != exitOK {
		t.Fatalf("render: exit %d\n%s", code, stderr)
	}
	if code, stdout, _ := r.run("-check"); code != exitOK {
		t.Fatalf("-check on a fresh render: exit %d\n%s", code, stdout)
	}
	dir := filepath.Join(r.root, "rendered")
	mustWrite(t, filepath.Join(dir, "prod/terraform/infra/extra.tf.json"), "{}\n")
	must(t, os.Remove(filepath.Join(dir, "staging/terraform/infra/kms.tf.json")))
	mustWrite(t, filepath.Join(dir, "prod/terraform/infra/vpc.tf.json"), "{}\n")
	code, stdout, _ := r.run("-check")
	if code != exitDiff {
		t.Fatalf("-check: exit %d, want %d\n%s", code, exitDiff, stdout)
	}
	for _, want := range []string{
		"extra: prod/terraform/infra/extra.tf.json",
		"missing: staging/terraform/infra/kms.tf.json",
		"stale: prod/terraform/infra/vpc.tf.json",
		"3 file(s) differ",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("-check output lacks %q:\n%s", want, stdout)
		}
	}
	// A render repairs all three.
	if code, _, stderr := r.run(); code != exitOK {
		t.Fatalf("render: exit %d\n%s", code, stderr)
	}
	if code, stdout, _ := r.run("-check"); code != exitOK {
		t.Fatalf("-check after render: exit %d\n%s", code, stdout)
	}
}

// TestEnvFlag renders one environment and leaves the others' files alone,
// including a file the generator would delete in a full run.
func TestEnvFlag(t *testing.T) {
	r := newTestRepo(t)
	if code, _, stderr := r.run(); code != exitOK {
		t.Fatalf("render: exit %d\n%s", code, stderr)
	}
	dir := filepath.Join(r.root, "rendered")
	keep := filepath.Join(dir, "staging/terraform/infra/hand-edit.tf.json")
	stale := filepath.Join(dir, "prod/terraform/infra/stale.tf.json")
	mustWrite(t, keep, "{}\n")
	mustWrite(t, stale, "{}\n")
	if code, _, stderr := r.run("-env", "prod"); code != exitOK {
		t.Fatalf("-env prod: exit %d\n%s", code, stderr)
	}
	if _, err := os.Stat(keep); err != nil {
		t.Errorf("-env prod touched staging: %v", err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("-env prod kept a stale file in prod: %v", err)
	}
	// A full run deletes stale files everywhere, and removed environments.
	must(t, os.Remove(filepath.Join(r.root, "environments/staging.cue")))
	if code, _, stderr := r.run(); code != exitOK {
		t.Fatalf("render: exit %d\n%s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "staging")); !os.IsNotExist(err) {
		t.Errorf("rendered/staging survived its environment's removal: %v", err)
	}
	if code, _, stderr := r.run("-env", "nope"); code != exitError || !strings.Contains(stderr, "no environment file environments/nope.cue") {
		t.Errorf("-env nope: exit %d\n%s", code, stderr)
	}
}

// TestOutFlag writes somewhere else and leaves rendered/ alone.
func TestOutFlag(t *testing.T) {
	r := newTestRepo(t)
	out := filepath.Join(r.root, "elsewhere")
	if code, _, stderr := r.run("-out", out); code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(out, "prod/terraform/infra/versions.tf.json")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(r.root, "rendered")); !os.IsNotExist(err) {
		t.Fatalf("-out still wrote rendered/: %v", err)
	}
}

// lineOf is the 1-based line of the first line of s starting with prefix.
func lineOf(s, prefix string) int {
	for i, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, prefix) {
			return i + 1
		}
	}
	return 0
}

func readTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[rel] = string(b)
		return err
	})
	must(t, err)
	return out
}

func mustWrite(t *testing.T, path, content string) {
	t.Helper()
	must(t, os.MkdirAll(filepath.Dir(path), 0o755))
	must(t, os.WriteFile(path, []byte(content), 0o644))
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
