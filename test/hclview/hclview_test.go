package hclview

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const schemaDir = "../testdata/provider-schemas"

// TestCompareFails proves the comparison fails where it should, on small
// hand-written pairs.
func TestCompareFails(t *testing.T) {
	schemas, err := LoadSchemas(schemaDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		dir     string
		wantErr string // "" for a difference, not an error
		same    bool
	}{
		{dir: "same", same: true},
		{dir: "moved", same: true},
		{dir: "block-as-attribute", wantErr: `Unsupported argument; An argument named "metadata_options" is not expected here. Did you mean to define a block of type "metadata_options"?`},
		{dir: "attribute-as-block", wantErr: `Unsupported block type; Blocks of type "tags" are not expected here. Did you mean to define argument "tags"?`},
		{dir: "dropped-block"},
		{dir: "changed-value"},
	} {
		t.Run(tc.dir, func(t *testing.T) {
			dir := filepath.Join("testdata", tc.dir)
			j, err := os.ReadFile(filepath.Join(dir, "main.tf.json"))
			if err != nil {
				t.Fatal(err)
			}
			n, err := os.ReadFile(filepath.Join(dir, "main.tf"))
			if err != nil {
				t.Fatal(err)
			}
			diff, err := schemas.Compare(j, n, "main.tf.json", "main.tf")
			switch {
			case tc.wantErr != "":
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Compare error = %v, want one containing %q", err, tc.wantErr)
				}
			case err != nil:
				t.Fatalf("Compare: %v", err)
			case tc.same && diff != "":
				t.Fatalf("Compare found a difference in the same configuration:\n%s", diff)
			case !tc.same && diff == "":
				t.Fatal("Compare found no difference")
			default:
				t.Logf("difference found:\n%s", diff)
			}
		})
	}
}
