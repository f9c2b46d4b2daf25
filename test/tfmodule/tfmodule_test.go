package tfmodule

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestLoadMergesFilesByDirectory: a directory's files merge into one module
// in file-name order (a later block of the same name wins, providers and
// terraform blocks accumulate), and directories come back sorted.
func TestLoadMergesFilesByDirectory(t *testing.T) {
	root := filepath.Join("testdata", "merge")
	mods, err := Load(filepath.Join(root, "*", "*.tf.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(mods) != 2 || mods[0].Dir != filepath.Join(root, "a") || mods[1].Dir != filepath.Join(root, "b") {
		t.Fatalf("modules: got %d, want a then b", len(mods))
	}
	a := mods[0]
	a.Dir = ""
	want := &Module{
		Resource:  map[string]map[string]Body{"aws_s3_bucket": {"x": {"bucket": "new"}}},
		Data:      map[string]map[string]Body{"aws_iam_policy_document": {"p": {}}},
		Provider:  map[string][]Body{"aws": {{"region": "eu-west-1"}, {"alias": "dr"}}},
		Output:    map[string]Body{"o": {"value": float64(1)}},
		Terraform: []Body{{"backend": map[string]any{"s3": map[string]any{}}}, {"required_version": ">= 1"}},
	}
	if d := cmp.Diff(want, a); d != "" {
		t.Errorf("module a (-want +got):\n%s", d)
	}
}

// TestLoadNamesTheBadFile: a file that is not JSON fails with its path.
func TestLoadNamesTheBadFile(t *testing.T) {
	bad := filepath.Join("testdata", "bad", "main.tf.json")
	_, err := Load(bad)
	if err == nil || !strings.Contains(err.Error(), bad) {
		t.Fatalf("Load: got %v, want an error naming %s", err, bad)
	}
}
