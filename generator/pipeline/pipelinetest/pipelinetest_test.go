package pipelinetest

import (
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/coder-eks/coder-eks/generator/pipeline"
)

const repoRoot = "../../.."

// TestEachShippedVisitsEveryEnvironmentOnce: one subtest per environment,
// in name order, each with a non-empty file set, and one rendering per
// root for the whole binary.
func TestEachShippedVisitsEveryEnvironmentOnce(t *testing.T) {
	want, err := pipeline.Environments(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	EachShipped(t, repoRoot, func(t *testing.T, env string, files pipeline.FileSet) {
		got = append(got, env)
		if len(files) == 0 {
			t.Errorf("%s: no files", env)
		}
	})
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("environments visited (-want +got):\n%s", d)
	}
	if a, b := Shipped(t, repoRoot), Shipped(t, repoRoot); reflect.ValueOf(a).Pointer() != reflect.ValueOf(b).Pointer() {
		t.Error("Shipped rendered the environments twice")
	}
}
