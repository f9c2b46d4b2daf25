package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestIncompatiblePairing adds to prod a pairing whose base cannot honour
// what is asked, and checks the CLI's contract: exit 2, one diagnostic per
// problem at the pairing's file:line:col naming both layers and the
// capability, and rendered/ untouched.
func TestIncompatiblePairing(t *testing.T) {
	r := newTestRepo(t)
	if code, _, stderr := r.run(); code != exitOK {
		t.Fatalf("initial render: exit %d\n%s", code, stderr)
	}
	before := r.rendered()
	base := r.readEnv("prod")

	tests := []struct {
		name    string
		pairing string // appended to prod.cue
		// want are the expected diagnostics in the CLI's order (position,
		// then message); "@text" is replaced by the line:col of text's first
		// occurrence in the pairing.
		want []string
	}{
		{
			name: "gui-rdp on base-k8s",
			pairing: `template_pairings: "pod-desktop": {
	toolchain:    "swdev-toolchain"
	base:         "base-k8s"
	display_name: "Pod with RDP"
	description:  "An RDP desktop in a pod"
	capabilities: "gui-rdp": true
}
`,
			want: []string{`@true: template_pairings."pod-desktop": swdev-toolchain on base-k8s: capability gui-rdp: base base-k8s cannot honour true (asked for by the pairing); it supports false`},
		},
		{
			name: "gpu-support on base-ec2-linux",
			pairing: `template_pairings: "ec2-datasci": {
	capabilities: "gpu-support": true
	compute_profile: gpu: 1
}
`,
			want: []string{
				`@true: template_pairings."ec2-datasci": datasci-toolchain on base-ec2-linux: capability gpu-support: base base-ec2-linux cannot honour true (asked for by the pairing); it supports false`,
				`@compute_profile: template_pairings."ec2-datasci": datasci-toolchain on base-ec2-linux: capability compute_profile: no instance type (families m6i, r5) of base base-ec2-linux fits the compute profile {cpu: 16, memory_gib: 64, storage_gib: 500, gpu: 1}`,
				`@1: template_pairings."ec2-datasci": datasci-toolchain on base-ec2-linux: capability compute_profile.gpu: 1 is above base base-ec2-linux's limit of 0`,
			},
		},
		{
			name: "compute profile over the base's limits",
			pairing: `template_pairings: "pod-swdev": compute_profile: {
	cpu:        32
	memory_gib: 128
}
`,
			want: []string{
				`@32: template_pairings."pod-swdev": swdev-toolchain on base-k8s: capability compute_profile.cpu: 32 is above base base-k8s's limit of 16`,
				`@128: template_pairings."pod-swdev": swdev-toolchain on base-k8s: capability compute_profile.memory_gib: 128 is above base base-k8s's limit of 64`,
			},
		},
		{
			name: "Windows toolchain on a Linux base",
			pairing: `template_pairings: "ec2-windev-gui": base: "base-ec2-linux"
`,
			want: []string{
				`@"base-ec2-linux": template_pairings."ec2-windev-gui": windev-toolchain on base-ec2-linux: capability gui-rdp: base base-ec2-linux cannot honour true (required by toolchain windev-toolchain); it supports false`,
				`@"base-ec2-linux": template_pairings."ec2-windev-gui": windev-toolchain on base-ec2-linux: capability os: toolchain windev-toolchain runs on windows but base base-ec2-linux runs linux`,
			},
		},
		{
			name: "pairing changes a required capability",
			pairing: `template_pairings: "pod-swdev": capabilities: "network-egress": "unrestricted"
`,
			want: []string{`@"unrestricted": template_pairings."pod-swdev": swdev-toolchain on base-k8s: capability network-egress: the pairing asks for unrestricted but toolchain swdev-toolchain requires https-only`},
		},
		{
			name: "unknown toolchain",
			pairing: `template_pairings: "pod-swdev": toolchain: "rust-toolchain"
`,
			want: []string{`@"rust-toolchain": template_pairings."pod-swdev": no toolchain "rust-toolchain"; known: datasci-toolchain, swdev-toolchain, windev-toolchain`},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := base + "\n" + tc.pairing
			r.writeEnv("prod", env)
			defer r.writeEnv("prod", base)
			first := strings.Count(base, "\n") + 2 // line of the pairing's first line
			var want []string
			for _, w := range tc.want {
				text, rest, _ := strings.Cut(strings.TrimPrefix(w, "@"), ": template_pairings")
				want = append(want, "environments/prod.cue:"+lineCol(t, tc.pairing, text, first)+": template_pairings"+rest)
			}
			for _, args := range [][]string{nil, {"-env", "prod"}, {"-check"}} {
				code, _, stderr := r.run(args...)
				if code != exitError {
					t.Errorf("%v: exit %d, want %d\n%s", args, code, exitError, stderr)
				}
				var got []string
				for _, line := range strings.Split(strings.TrimSpace(stderr), "\n") {
					if strings.Contains(line, "template_pairings") {
						got = append(got, line)
					}
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("%v: diagnostics (-want +got):\n%s\nstderr:\n%s", args, diff, stderr)
				}
			}
			after := r.rendered()
			if diff := cmp.Diff(before.Paths(), after.Paths()); diff != "" {
				t.Fatalf("rendered/ changed (-before +after):\n%s", diff)
			}
			for p, data := range after {
				if string(data) != string(before[p]) {
					t.Fatalf("rendered/%s changed", p)
				}
			}
		})
	}
}

// lineCol is the line:col of text's first occurrence in the appended
// snippet, whose first line is line first of the file.
func lineCol(t *testing.T, snippet, text string, first int) string {
	t.Helper()
	i := strings.Index(snippet, text)
	if i < 0 {
		t.Fatalf("%q not in the pairing", text)
	}
	before := snippet[:i]
	line := first + strings.Count(before, "\n")
	col := i - strings.LastIndex(before, "\n")
	return fmt.Sprintf("%d:%d", line, col)
}

// TestAddedPairingRenders: an environment may add a pairing of its own
// beside the defaults, and drop a default.
func TestAddedPairingRenders(t *testing.T) {
	r := newTestRepo(t)
	r.writeEnv("prod", r.readEnv("prod")+`
template_pairings: {
	"ec2-swdev": {
		toolchain:    "swdev-toolchain"
		base:         "base-ec2-linux"
		display_name: "Software development (EC2)"
		description:  "swdev on an instance"
		capabilities: "gui-vnc": true
	}
	"ec2-datasci-gpu": enabled: false
}
`)
	if code, _, stderr := r.run("-env", "prod"); code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	tree := r.rendered()
	for _, p := range []string{"prod/templates/ec2-swdev/main.tf.json", "prod/templates/pod-swdev/README.md"} {
		if _, ok := tree[p]; !ok {
			t.Errorf("%s not rendered", p)
		}
	}
	if _, ok := tree["prod/templates/ec2-datasci-gpu/main.tf.json"]; ok {
		t.Error("a disabled pairing was rendered")
	}
}
