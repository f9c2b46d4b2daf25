package pipeline

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestScaleUpKeepsCommittedSubnets is issue 13's scale-up: raise prod's
// max_workspaces from 3000 to 4500 on the committed tree, follow every
// capacity error the generator gives to the end, and check that every
// committed subnet keeps its CIDR (a subnet's cidr_block cannot change in
// place: Terraform would destroy the subnets holding the EKS control plane
// and the coderd nodes).
func TestScaleUpKeepsCommittedSubnets(t *testing.T) {
	root := copyRepo(t, "prod")
	envFile := filepath.Join(root, "environments", "prod.cue")
	setField(t, envFile, "max_workspaces", "4500")
	var files FileSet
	for round := 0; ; round++ {
		res, err := RenderWith(root, "prod", Options{Today: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)})
		if err == nil {
			files = res.Files
			break
		}
		fixes := capacityFixes(err.Error())
		if len(fixes) == 0 || round == 10 {
			t.Fatalf("round %d: an error the capacity model does not say how to fix:\n%v", round, err)
		}
		for field, v := range fixes {
			setField(t, envFile, field, v)
		}
	}
	before := subnetsIn(t, mustRead(t, filepath.Join(root, "rendered/prod/terraform/infra/vpc.tf.json")))
	after := subnetsIn(t, files["terraform/infra/vpc.tf.json"])
	if len(before) != 15 {
		t.Fatalf("committed prod has %d subnets, want 15", len(before))
	}
	moved := map[string]string{}
	for name, c := range before {
		if after[name] != c {
			moved[name] = c + " -> " + after[name]
		}
	}
	if diff := cmp.Diff(map[string]string{}, moved); diff != "" {
		t.Errorf("committed subnets moved (-want +got):\n%s", diff)
	}
	if len(after) <= len(before) {
		t.Errorf("%d subnets after the scale-up, want new ones beside the %d committed", len(after), len(before))
	}
	// The node groups keep their committed subnets (subnet_ids forces a
	// new node group); the new subnets get groups of their own, and the
	// cluster lists them.
	groups := resources(t, files["terraform/infra/nodegroups.tf.json"], "aws_eks_node_group")
	committedGroups := resources(t, mustRead(t, filepath.Join(root, "rendered/prod/terraform/infra/nodegroups.tf.json")), "aws_eks_node_group")
	for name, g := range committedGroups {
		if diff := cmp.Diff(g["subnet_ids"], groups[name]["subnet_ids"]); diff != "" {
			t.Errorf("node group %s: subnet_ids changed (-committed +rendered):\n%s", name, diff)
		}
	}
	// Workspace node groups are per AZ, so each AZ's new subnet gets a
	// growth group of its own.
	var wantGrown []any
	for _, az := range []string{"a", "b", "c"} {
		sub := "${aws_subnet.workspace_" + az + "_2.id}"
		wantGrown = append(wantGrown, sub)
		if diff := cmp.Diff([]any{sub}, groups["ws_"+az+"_2"]["subnet_ids"]); diff != "" {
			t.Errorf("growth node group ws_%s_2 subnet_ids (-want +got):\n%s", az, diff)
		}
	}
	cluster := resources(t, files["terraform/infra/eks.tf.json"], "aws_eks_cluster")["this"]
	ids := cluster["vpc_config"].([]any)[0].(map[string]any)["subnet_ids"].([]any)
	for _, w := range wantGrown {
		if !slices.Contains(ids, w) {
			t.Errorf("EKS cluster subnet_ids lack %s: %v", w, ids)
		}
	}
}

// resources decodes the resources of one type in a Terraform JSON file.
func resources(t *testing.T, data []byte, typ string) map[string]map[string]any {
	t.Helper()
	var doc struct {
		Resource map[string]map[string]map[string]any `json:"resource"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Resource[typ]
}

// fixRule reads the figure a capacity error asks for.
var fixRule = regexp.MustCompile(`(?m)^\S+:\d+:\d+: ([a-z_]+): (?:.*raise (?:it|[a-z_]+) to at least ([0-9.]+)|.* need ([0-9]+) replicas .*)`)

func capacityFixes(msg string) map[string]string {
	out := map[string]string{}
	for _, m := range fixRule.FindAllStringSubmatch(msg, -1) {
		out[m[1]] = m[2] + m[3]
	}
	return out
}

// setField sets a top-level field of an environment file, replacing the
// line that sets it or appending one.
func setField(t *testing.T, file, field, value string) {
	t.Helper()
	data := string(mustRead(t, file))
	line := regexp.MustCompile(`(?m)^` + field + `:\s.*$`)
	if line.MatchString(data) {
		data = line.ReplaceAllString(data, field+": "+value)
	} else {
		data += "\n" + field + ": " + value + "\n"
	}
	if err := os.WriteFile(file, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// subnetsIn maps a vpc.tf.json's subnet resources to their CIDRs.
func subnetsIn(t *testing.T, data []byte) map[string]string {
	t.Helper()
	var doc struct {
		Resource struct {
			Subnets map[string]struct {
				CIDR string `json:"cidr_block"`
			} `json:"aws_subnet"`
		} `json:"resource"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for name, s := range doc.Resource.Subnets {
		out[name] = s.CIDR
	}
	return out
}

// copyRepo copies what rendering needs, and the committed tree of the
// given environments, into a temporary repository root.
func copyRepo(t *testing.T, envs ...string) string {
	t.Helper()
	root := t.TempDir()
	for _, dir := range []string{"schema", "cue.mod", "toolchains", "bases"} {
		if err := os.CopyFS(filepath.Join(root, dir), os.DirFS(filepath.Join(repoRoot, dir))); err != nil {
			t.Fatal(err)
		}
	}
	for _, env := range envs {
		if err := os.CopyFS(filepath.Join(root, "rendered", env), os.DirFS(filepath.Join(repoRoot, "rendered", env))); err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Join(root, "environments"), 0o755); err != nil {
			t.Fatal(err)
		}
		data := mustRead(t, filepath.Join(repoRoot, "environments", env+".cue"))
		if err := os.WriteFile(filepath.Join(root, "environments", env+".cue"), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
