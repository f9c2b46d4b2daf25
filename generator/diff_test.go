package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestDiff runs -diff on a copy of the repository after one edit and
// checks the exit code and the lines a reviewer would read.
func TestDiff(t *testing.T) {
	tests := []struct {
		name     string
		edit     func(t *testing.T, root string)
		wantCode int
		want     []string // lines that must appear, in this order
	}{
		{
			name:     "nothing changed",
			edit:     func(*testing.T, string) {},
			wantCode: exitOK,
			want:     []string{"no differences: the committed output matches what the generator renders"},
		},
		{
			name: "one field changed",
			edit: func(t *testing.T, root string) {
				appendTo(t, filepath.Join(root, "environments", "staging.cue"), "node_volume_size_gib: 200\n")
			},
			wantCode: exitDiff,
			want: []string{
				"== environment staging ==",
				"~ terraform/infra/nodegroups.tf.json",
				"    ~ resource aws_launch_template.ws",
				"        ~ block_device_mappings[0].ebs[0].volume_size: 100 -> 200",
				"file(s) differ from what the generator renders",
			},
		},
		{
			// A new pairing adds blocks to a module; simulated by taking a
			// block out of the committed file, so the render adds it back.
			name: "block added",
			edit: func(t *testing.T, root string) {
				removeBlock(t, filepath.Join(root, "rendered", "prod", "terraform", "infra", "eks.tf.json"), "resource", "aws_eks_addon", "coredns")
			},
			wantCode: exitDiff,
			want: []string{
				"== environment prod ==",
				"~ terraform/infra/eks.tf.json",
				"    + resource aws_eks_addon.coredns",
			},
		},
		{
			// A new pairing's own files: simulated by deleting a committed
			// file.
			name: "file added",
			edit: func(t *testing.T, root string) {
				remove(t, filepath.Join(root, "rendered", "prod", "terraform", "infra", "outputs.tf.json"))
			},
			wantCode: exitDiff,
			want: []string{
				"== environment prod ==",
				"+ terraform/infra/outputs.tf.json (added)",
				"    + output cluster_endpoint",
			},
		},
		{
			name: "environment removed",
			edit: func(t *testing.T, root string) {
				remove(t, filepath.Join(root, "environments", "staging.cue"))
			},
			wantCode: exitDiff,
			want: []string{
				"== environment staging: removed (",
				" committed file(s) no longer rendered) ==",
				"- terraform/infra/eks.tf.json (removed: ",
				"file(s) differ from what the generator renders",
			},
		},
		{
			name: "schema doc comment changed",
			edit: func(t *testing.T, root string) {
				replaceIn(t, filepath.Join(root, "schema", "environment.cue"), "// Subdomain for Coder.", "// Subdomain of the Coder UI.")
			},
			wantCode: exitDiff,
			want: []string{
				"== docs (generated from the schema) ==",
				"~ docs/configuration/variables.md",
				"Subdomain for Coder. |",
				"Subdomain of the Coder UI. |",
			},
		},
		{
			name: "invalid environment",
			edit: func(t *testing.T, root string) {
				appendTo(t, filepath.Join(root, "environments", "staging.cue"), "coderd_replicas: 0\n")
			},
			wantCode: exitError,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := scratchRepo(t)
			tt.edit(t, root)
			code, out, errs := runCLI("-root", root, "-diff")
			if code != tt.wantCode {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.wantCode, out, errs)
			}
			wantInOrder(t, out, tt.want)
		})
	}
}

// TestDiffWritesNothing: -diff leaves rendered/ as it was.
func TestDiffWritesNothing(t *testing.T) {
	root := scratchRepo(t)
	appendTo(t, filepath.Join(root, "environments", "staging.cue"), "node_volume_size_gib: 200\n")
	file := filepath.Join(root, "rendered", "staging", "terraform", "infra", "nodegroups.tf.json")
	before, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if code, _, errs := runCLI("-root", root, "-diff"); code != exitDiff {
		t.Fatalf("exit %d, want %d\n%s", code, exitDiff, errs)
	}
	after, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(before), string(after)); diff != "" {
		t.Errorf("-diff changed %s:\n%s", file, diff)
	}
}

func appendTo(t *testing.T, file, text string) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, append(data, text...), 0o644); err != nil {
		t.Fatal(err)
	}
}

func replaceIn(t *testing.T, file, old, new string) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), old) {
		t.Fatalf("%s does not contain %q", file, old)
	}
	if err := os.WriteFile(file, []byte(strings.Replace(string(data), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}

func remove(t *testing.T, file string) {
	t.Helper()
	if err := os.Remove(file); err != nil {
		t.Fatal(err)
	}
}

// removeBlock deletes one block from a Terraform JSON file.
func removeBlock(t *testing.T, file, kind, typ, name string) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatal(err)
	}
	var blocks map[string]map[string]any
	if err := json.Unmarshal(raw[kind], &blocks); err != nil {
		t.Fatal(err)
	}
	if _, ok := blocks[typ][name]; !ok {
		t.Fatalf("%s has no %s %s.%s", file, kind, typ, name)
	}
	delete(blocks[typ], name)
	if raw[kind], err = json.Marshal(blocks); err != nil {
		t.Fatal(err)
	}
	out, err := json.MarshalIndent(raw, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, out, 0o644); err != nil {
		t.Fatal(err)
	}
}

// wantInOrder fails t unless out holds each of want, in that order.
func wantInOrder(t *testing.T, out string, want []string) {
	t.Helper()
	rest := out
	for _, w := range want {
		i := strings.Index(rest, w)
		if i < 0 {
			t.Fatalf("output lacks %q (after the lines before it)\n%s", w, out)
		}
		rest = rest[i+len(w):]
	}
}
