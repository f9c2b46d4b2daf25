package pipeline

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestDocsFromTheRunsSession: the reference pages a run renders from the
// schema its environments were unified with are the pages of a fresh
// evaluation, whichever environments the run loaded first (-check would
// otherwise depend on -env).
func TestDocsFromTheRunsSession(t *testing.T) {
	fresh, err := RenderDocs(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	names, err := Environments(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	for _, run := range [][]string{names, names[:1], names[len(names)-1:]} {
		out, err := Generate(repoRoot, run, Options{Today: time.Now(), Docs: true})
		if err != nil {
			t.Fatalf("Generate(%v): %v", run, err)
		}
		if len(out.Docs) == 0 {
			t.Fatalf("Generate(%v) rendered no pages", run)
		}
		if diff := cmp.Diff(fresh, out.Docs); diff != "" {
			t.Errorf("pages after loading %v differ from a fresh evaluation's (-fresh +run):\n%s", run, diff)
		}
	}
}
