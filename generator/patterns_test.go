package main

import (
	"fmt"
	"strings"
	"testing"
)

// TestPatternAndCapacityErrors breaks shipped environments against their
// pattern and their capacity: the CLI exits 2 with the message at the
// environment's line and column of the field at fault.
func TestPatternAndCapacityErrors(t *testing.T) {
	r := newTestRepo(t)
	tests := []struct {
		name, env, edit string
		want            func(base string) string
	}{
		{"SR-HA forbids a single NAT gateway", "prod", "single_nat_gateway: true\n", func(base string) string {
			return fmt.Sprintf("prod.cue:%d:21: single_nat_gateway: true is not allowed: the schema fixes this field to false (rule: false, declared at schema/patterns.cue:",
				strings.Count(base, "\n")+1)
		}},
		{"PubSec forbids Spot", "pubsec", "ws_use_spot_instances: true\n", func(base string) string {
			return fmt.Sprintf("pubsec.cue:%d:24: ws_use_spot_instances: true is not allowed here: the schema requires false (rule: false, declared at schema/patterns.cue:",
				strings.Count(base, "\n")+1)
		}},
		{"PubSec needs GovCloud", "pubsec", "", func(base string) string {
			return fmt.Sprintf(`pubsec.cue:%d:17: aws_region: "us-east-1" does not match the pattern (rule: =~"^us-gov-") (required by the environment's pattern, schema/patterns.cue:`,
				lineOf(base, "aws_region:"))
		}},
		{"capacity: workspace nodes", "prod", "", func(base string) string {
			return fmt.Sprintf("prod.cue:%d:1: ws_node_max_size: workspace nodes: 3000 workspace pods at 15 per r5.2xlarge node (bound by CPU: 7510m allocatable CPU / 500m) need 203 nodes",
				lineOf(base, "ws_node_max_size:"))
		}},
		{"capacity: Aurora", "staging", "", func(base string) string {
			return fmt.Sprintf("staging.cue:%d:1: aurora_max_capacity: Aurora memory: 300 concurrent workspaces need 15 GiB of database memory",
				lineOf(base, "aurora_max_capacity:"))
		}},
		{"Multi-Region secondary region", "multiregion", "", func(base string) string {
			return fmt.Sprintf("multiregion.cue:%d:2: secondary_regions[0].ws_node_max_size: workspace nodes: 1000 workspace pods",
				lineOf(base, "	ws_node_max_size:"))
		}},
	}
	edits := map[string]func(string) string{
		"PubSec needs GovCloud": func(s string) string {
			return strings.Replace(s, `aws_region:     "us-gov-west-1"`, `aws_region:     "us-east-1"`, 1)
		},
		"capacity: workspace nodes": func(s string) string {
			return strings.Replace(s, "ws_node_max_size:           210", "ws_node_max_size:           150", 1)
		},
		"capacity: Aurora": func(s string) string {
			return strings.Replace(s, "aurora_max_capacity:        8", "aurora_max_capacity:        4", 1)
		},
		"Multi-Region secondary region": func(s string) string {
			return strings.Replace(s, "ws_node_max_size:         75", "ws_node_max_size:         40", 1)
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			base := r.readEnv(tc.env)
			env := base + tc.edit
			if e, ok := edits[tc.name]; ok {
				env = e(base)
				if env == base {
					t.Fatalf("edit did not apply to environments/%s.cue", tc.env)
				}
			}
			r.writeEnv(tc.env, env)
			defer r.writeEnv(tc.env, base)
			code, _, stderr := r.run("-env", tc.env)
			if code != exitError {
				t.Fatalf("exit %d, want %d\n%s", code, exitError, stderr)
			}
			if want := "environments/" + tc.want(base); !strings.Contains(stderr, want) {
				t.Errorf("stderr lacks %q:\n%s", want, stderr)
			}
		})
	}
}

// TestWarnings checks the warnings go to stderr, depend on -today only
// where they should, and change nothing rendered.
func TestWarnings(t *testing.T) {
	r := newTestRepo(t)
	r.writeEnv("staging", r.readEnv("staging")+`eks_cluster_version: "1.34"`+"\n")
	line := strings.Count(r.readEnv("staging"), "\n")
	// The environment first (tracker 14 item 13).
	eks := fmt.Sprintf("warning: staging: environments/staging.cue:%d:1: eks_cluster_version: Kubernetes 1.34 left EKS standard support on 2026-12-02", line)
	var trees []map[string]string
	for _, tc := range []struct {
		today   string
		wantEKS bool
	}{{"2026-12-02", false}, {"2026-12-03", true}} {
		code, _, stderr := r.run("-env", "staging", "-today", tc.today)
		if code != exitOK {
			t.Fatalf("-today %s: exit %d\n%s", tc.today, code, stderr)
		}
		if got := strings.Contains(stderr, eks); got != tc.wantEKS {
			t.Errorf("-today %s: EKS warning %v, want %v:\n%s", tc.today, got, tc.wantEKS, stderr)
		}
		// The shipped staging warns about nothing else.
		if n := strings.Count(stderr, "warning:"); n != map[bool]int{false: 0, true: 1}[tc.wantEKS] {
			t.Errorf("-today %s: %d warnings:\n%s", tc.today, n, stderr)
		}
		tree := map[string]string{}
		for p, data := range r.rendered() {
			tree[p] = string(data)
		}
		trees = append(trees, tree)
	}
	for p, data := range trees[0] {
		if trees[1][p] != data {
			t.Errorf("rendered/%s differs between dates", p)
		}
	}
	if code, _, stderr := r.run("-today", "26/11/2026"); code != exitError || !strings.Contains(stderr, "want a date like 2026-11-26") {
		t.Errorf("bad -today: exit %d\n%s", code, stderr)
	}
}
