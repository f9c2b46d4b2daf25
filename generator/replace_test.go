package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/coder-eks/coder-eks/test/jsondoc"
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
			// Aurora major-version upgrade, opted in (issue 13): the
			// cluster is updated in place with what RDS needs for a major
			// version, the parameter group of the new family replaces the
			// old one, nothing holding data is replaced.
			name: "Aurora major version, opted in: cluster in place, parameter group replaced",
			edit: func(t *testing.T, root string) {
				appendTo(t, filepath.Join(root, "environments", "prod.cue"), auroraUpgrade17)
			},
			want: []string{
				"    ~ resource aws_rds_cluster.this  [update in place; TAKES DOWN while applied: engine_version: an engine upgrade restarts the database; a major one keeps it unavailable until it completes",
				"        + allow_major_version_upgrade: true",
				"        + apply_immediately: true",
				`        + db_instance_parameter_group_name: "default.aurora-postgresql17"`,
				`        ~ engine_version: "16.4" -> "17.4"`,
				`        - lifecycle: [{"ignore_changes":["engine_version"]}]`,
				"    ~ resource aws_rds_cluster_parameter_group.aurora  [REPLACE: family, name forces a new resource]",
				`        ~ family: "aurora-postgresql16" -> "aurora-postgresql17"`,
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
			wantInOrder(t, out, tt.want)
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
	doc := jsondoc.Read(t, file)
	blocks, _ := jsondoc.Dig(doc, "resource", typ).(map[string]any)
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
			name:      "Aurora major version, opted in",
			committed: func(*testing.T, string) {},
			env:       auroraUpgrade17,
		},
		{
			name: "Aurora two majors at once, opted in",
			committed: func(t *testing.T, root string) {
				replaceIn(t, infra(root, "aurora.tf.json"), `"engine_version": "16.4"`, `"engine_version": "15.8"`)
			},
			env:  auroraUpgrade17,
			want: `environments/prod.cue:LINE:1: aurora_engine_version: 17.4 skips from the committed cluster's 15.8: Aurora majors are upgraded one at a time (rule: schema/aurora_upgrades.cue, 15 may upgrade to 16); set a 16.x version`,
		},
		{
			name:      "Aurora downgrade",
			committed: func(*testing.T, string) {},
			env:       "aurora_engine_version: \"15.8\"\naurora_major_version_upgrade: {to: 15, snapshot_identifier: \"pre-pg15\"}\n",
			want:      `environments/prod.cue:LINE:1: aurora_engine_version: 15.8 is older than the committed cluster's 16.4: RDS cannot downgrade a major version`,
		},
		{
			name:      "Aurora opt-in for another major",
			committed: func(*testing.T, string) {},
			env:       "aurora_engine_version: \"16.6\"\naurora_major_version_upgrade: {to: 17, snapshot_identifier: \"pre-pg17\"}\n",
			want:      `environments/prod.cue:LINE:24: aurora_engine_version: "16.6" does not match the pattern (rule: =~"^17\\.")`,
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

// auroraUpgrade17 opts prod (committed at Aurora PostgreSQL 16.4) in to
// the major upgrade to 17.
const auroraUpgrade17 = "aurora_engine_version: \"17.4\"\naurora_major_version_upgrade: {to: 17, snapshot_identifier: \"coder-prod-pre-pg17\"}\n"

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

// TestAuroraMajorUpgradeCommitted: once the opted-in upgrade is rendered
// and committed, `-check` on that commit passes (the committed major is
// the target now) and renders the same upgrade attributes, and the
// generator says to remove the opt-in once the upgrade is applied.
func TestAuroraMajorUpgradeCommitted(t *testing.T) {
	root := scratchRepo(t)
	line := appendedLine(t, filepath.Join(root, "environments", "prod.cue"), "\n"+auroraUpgrade17)
	if code, out, errs := runCLI("-root", root, "-env", "prod"); code != exitOK {
		t.Fatalf("render: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	code, out, errs := runCLI("-root", root, "-env", "prod", "-check")
	if code != exitOK {
		t.Fatalf("-check after rendering the upgrade: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, exitOK, out, errs)
	}
	n, _ := strconv.Atoi(line)
	want := "environments/prod.cue:" + strconv.Itoa(n+2) + ":1: aurora_major_version_upgrade: the committed cluster is already rendered at major 17: once the upgrade is applied and verified, remove aurora_major_version_upgrade"
	if !strings.Contains(errs, want) {
		t.Errorf("stderr lacks\n%s\n%s", want, errs)
	}
	data, err := os.ReadFile(filepath.Join(root, "rendered", "prod", "terraform", "infra", "aurora.tf.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Resource struct {
			Cluster map[string]map[string]any `json:"aws_rds_cluster"`
		} `json:"resource"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	c := doc.Resource.Cluster["this"]
	for attr, want := range map[string]any{
		"engine_version":                   "17.4",
		"allow_major_version_upgrade":      true,
		"apply_immediately":                true,
		"db_instance_parameter_group_name": "default.aurora-postgresql17",
		"db_cluster_parameter_group_name":  "${aws_rds_cluster_parameter_group.aurora.name}",
	} {
		if c[attr] != want {
			t.Errorf("aws_rds_cluster.this %s = %v, want %v", attr, c[attr], want)
		}
	}
	if _, ok := c["lifecycle"]; ok {
		t.Errorf("aws_rds_cluster.this keeps a lifecycle (%v) while upgrading: an ignored engine_version is never applied", c["lifecycle"])
	}
}
