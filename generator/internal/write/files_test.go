package write

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSyncFiles(t *testing.T) {
	root := t.TempDir()
	for p, data := range map[string]string{
		"docs/a.md":      "old a",
		"docs/b.md":      "old b",
		"docs/README.md": "hand-written",
	} {
		full := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	managed := []string{"docs/a.md", "docs/b.md", "docs/sub/c.md"}
	tree := Tree{"docs/a.md": []byte("new a"), "docs/sub/c.md": []byte("new c")}
	if err := SyncFiles(root, tree, managed); err != nil {
		t.Fatal(err)
	}
	got, err := Read(root, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := Tree{
		"docs/a.md":      []byte("new a"),        // rewritten
		"docs/sub/c.md":  []byte("new c"),        // created with its directory
		"docs/README.md": []byte("hand-written"), // not managed: untouched
	} // docs/b.md: managed, no longer generated, removed
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("files after SyncFiles (-want +got):\n%s", diff)
	}
	onDisk, err := ReadFiles(root, managed)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(tree, onDisk); diff != "" {
		t.Errorf("ReadFiles (-want +got):\n%s", diff)
	}
}

func TestSyncFilesRefusesEscapingPaths(t *testing.T) {
	if err := SyncFiles(t.TempDir(), Tree{"../x.md": []byte("x")}, nil); err == nil {
		t.Error("SyncFiles wrote outside the root")
	}
}
