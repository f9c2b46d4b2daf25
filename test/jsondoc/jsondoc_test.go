package jsondoc

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDig(t *testing.T) {
	doc := map[string]any{"a": map[string]any{"b": []any{"x"}, "s": "leaf"}}
	for _, tc := range []struct {
		path []string
		want any
	}{
		{nil, doc},
		{[]string{"a", "b"}, []any{"x"}},
		{[]string{"a", "missing"}, nil},
		{[]string{"a", "s", "deeper"}, nil}, // through a non-object
		{[]string{"a", "b", "0"}, nil},      // lists are not indexed
	} {
		if d := cmp.Diff(tc.want, Dig(doc, tc.path...)); d != "" {
			t.Errorf("Dig(%q) (-want +got):\n%s", tc.path, d)
		}
	}
}

func TestRead(t *testing.T) {
	p := filepath.Join(t.TempDir(), "main.tf.json")
	if err := os.WriteFile(p, []byte(`{"output":{"o":{"value":1}}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := Dig(Read(t, p), "output", "o", "value"); got != float64(1) {
		t.Errorf("Read then Dig: got %v, want 1", got)
	}
}
