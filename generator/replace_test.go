package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestDiffReplacement: -diff names what Terraform will do to each changed
// resource, from schema.replacement, and -deny-replace fails only when a
// resource holding data or running service is replaced or destroyed.
// The committed file is edited so the render differs from it as a change
// of the environment would.
func TestDiffReplacement(t *testing.T) {
	aurora := func(root string) string {
		return filepath.Join(root, "rendered", "prod", "terraform", "infra", "aurora.tf.json")
	}
	tests := []struct {
		name       string
		edit       func(t *testing.T, root string)
		want       []string
		wantDenied bool
	}{
		{
			name: "Aurora cluster identifier: replace, destroys data",
			edit: func(t *testing.T, root string) {
				replaceIn(t, aurora(root), `"cluster_identifier": "coder-prod"`, `"cluster_identifier": "coder-prod-old"`)
			},
			want: []string{
				"    ~ resource aws_rds_cluster.this  [REPLACE: cluster_identifier forces a new resource; DESTROYS DATA: the Coder database",
				`        ~ cluster_identifier: "coder-prod-old" -> "coder-prod"`,
				"resource(s) holding data or running service would be replaced or destroyed:",
				"  prod: terraform/infra resource aws_rds_cluster.this (replace)",
			},
			wantDenied: true,
		},
		{
			// Refused without allow_subnet_replacement (TestSubnetReplacementRefused).
			name: "new VPC CIDR, allowed: VPC and subnets replaced, takes down",
			edit: func(t *testing.T, root string) {
				appendTo(t, filepath.Join(root, "environments", "prod.cue"), "vpc_cidr: \"10.1.0.0/16\"\nallow_subnet_replacement: true\n")
			},
			want: []string{
				"    ~ resource aws_subnet.control_a  [REPLACE: cidr_block forces a new resource; TAKES DOWN: the network interfaces in it",
				"    ~ resource aws_vpc.this  [REPLACE: cidr_block forces a new resource; TAKES DOWN: every subnet",
			},
			wantDenied: true,
		},
		{
			name: "Aurora capacity: update in place",
			edit: func(t *testing.T, root string) {
				replaceIn(t, aurora(root), `"max_capacity": 64`, `"max_capacity": 48`)
			},
			want: []string{
				"    ~ resource aws_rds_cluster.this  [update in place]",
				"        ~ serverlessv2_scaling_configuration[0].max_capacity: 48 -> 64",
			},
		},
		{
			name: "renamed without a moved block: replace",
			edit: func(t *testing.T, root string) {
				renameBlock(t, filepath.Join(root, "rendered", "prod", "terraform", "infra", "kms.tf.json"), "aws_kms_key", "ebs", "ebs_old")
			},
			want: []string{
				"    - resource aws_kms_key.ebs_old  [REPLACE; renamed to aws_kms_key.ebs without a moved block; DESTROYS DATA: the key",
				"    + resource aws_kms_key.ebs  [create; renamed from aws_kms_key.ebs_old without a moved block",
			},
			wantDenied: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := scratchRepo(t)
			tt.edit(t, root)
			code, out, errs := runCLI("-root", root, "-env", "prod", "-diff")
			if code != exitDiff {
				t.Fatalf("-diff: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, exitDiff, out, errs)
			}
			rest := out
			for _, w := range tt.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("output lacks %q (after the lines before it)\n%s", w, out)
				}
				rest = rest[i+len(w):]
			}
			want := exitDiff
			if tt.wantDenied {
				want = exitDenied
			}
			code, out, errs = runCLI("-root", root, "-env", "prod", "-diff", "-deny-replace")
			if code != want {
				t.Fatalf("-diff -deny-replace: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, want, out, errs)
			}
			if tt.wantDenied && !strings.Contains(errs, "-deny-replace: refusing") {
				t.Errorf("stderr does not say why:\n%s", errs)
			}
		})
	}
}

// renameBlock renames a resource in a committed Terraform JSON file, as an
// older generator might have named it.
func renameBlock(t *testing.T, file, typ, from, to string) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	blocks := doc["resource"].(map[string]any)[typ].(map[string]any)
	if _, ok := blocks[from]; !ok {
		t.Fatalf("%s has no resource %s.%s", file, typ, from)
	}
	blocks[to] = blocks[from]
	delete(blocks, from)
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, out, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestSubnetReplacementRefused: a change that would move committed
// subnets is refused at the field, with the options, unless
// allow_subnet_replacement is set.
func TestSubnetReplacementRefused(t *testing.T) {
	root := scratchRepo(t)
	line := appendedLine(t, filepath.Join(root, "environments", "prod.cue"), "vpc_cidr: \"10.1.0.0/16\"\n")
	code, _, errs := runCLI("-root", root, "-env", "prod", "-diff")
	if code != exitError {
		t.Fatalf("exit %d, want %d\n%s", code, exitError, errs)
	}
	want := strings.Replace("environments/prod.cue:LINE:1: vpc_cidr: subnet plan: vpc_cidr is 10.1.0.0/16, the committed VPC has 10.0.0.0/16: a VPC's primary CIDR block cannot change without replacing the VPC and every subnet in it; set allow_subnet_replacement: true", "LINE", line, 1)
	if !strings.Contains(errs, want) {
		t.Errorf("stderr lacks\n%s\n%s", want, errs)
	}
}

// TestUpgradesRefused: version changes AWS only makes along an upgrade
// path are checked against the committed cluster's versions, with the
// environment file's position and the rule.
func TestUpgradesRefused(t *testing.T) {
	infra := func(root, file string) string {
		return filepath.Join(root, "rendered", "prod", "terraform", "infra", file)
	}
	tests := []struct {
		name      string
		committed func(t *testing.T, root string)
		env       string
		want      string // "" for accepted
	}{
		{
			name: "two minors at once",
			committed: func(t *testing.T, root string) {
				replaceIn(t, infra(root, "eks.tf.json"), `"version": "1.35"`, `"version": "1.33"`)
			},
			env:  "eks_cluster_version: \"1.35\"\n",
			want: `environments/prod.cue:LINE:1: eks_cluster_version: 1.35 skips from the committed cluster's 1.33: EKS upgrades the control plane one minor version at a time (rule: EKS upgrades one minor at a time); set 1.34`,
		},
		{
			name:      "downgrade",
			committed: func(*testing.T, string) {},
			env:       "eks_cluster_version: \"1.34\"\n",
			want:      `environments/prod.cue:LINE:1: eks_cluster_version: 1.34 is older than the committed cluster's 1.35: EKS cannot downgrade`,
		},
		{
			name: "one minor",
			committed: func(t *testing.T, root string) {
				replaceIn(t, infra(root, "eks.tf.json"), `"version": "1.35"`, `"version": "1.34"`)
			},
			env: "eks_cluster_version: \"1.35\"\n",
		},
		{
			name:      "Aurora major version",
			committed: func(*testing.T, string) {},
			env:       "aurora_engine_version: \"17.4\"\n",
			want:      `environments/prod.cue:LINE:1: aurora_engine_version: 17.4 changes the major version of the committed cluster's 16.4`,
		},
		{
			name:      "Aurora minor version",
			committed: func(*testing.T, string) {},
			env:       "aurora_engine_version: \"16.6\"\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := scratchRepo(t)
			tt.committed(t, root)
			line := appendedLine(t, filepath.Join(root, "environments", "prod.cue"), tt.env)
			want := strings.Replace(tt.want, "LINE", line, 1)
			code, out, errs := runCLI("-root", root, "-env", "prod", "-diff")
			if tt.want == "" {
				if code != exitDiff {
					t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, exitDiff, out, errs)
				}
				return
			}
			if code != exitError || !strings.Contains(errs, want) {
				t.Fatalf("exit %d, want %d and stderr containing\n%s\nstderr:\n%s", code, exitError, want, errs)
			}
		})
	}
}

// appendedLine appends text to file and returns the number of the line it
// starts on, for the position errors about it carry.
func appendedLine(t *testing.T, file, text string) string {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	line := strings.Count(string(data), "\n") + 1
	appendTo(t, file, text)
	return strconv.Itoa(line)
}
