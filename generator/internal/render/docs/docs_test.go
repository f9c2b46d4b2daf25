package docs

import (
	"flag"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/cuecontext"
	cueload "cuelang.org/go/cue/load"
	"github.com/google/go-cmp/cmp"

	"github.com/coder-eks/coder-eks/generator/internal/schemainfo"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// loadFixture evaluates the test schema package under testdata/schema.
func loadFixture(t *testing.T) Input {
	t.Helper()
	insts := cueload.Instances([]string{"."}, &cueload.Config{Dir: filepath.Join("testdata", "schema")})
	if err := insts[0].Err; err != nil {
		t.Fatal(err)
	}
	v := cuecontext.New().BuildInstance(insts[0])
	if err := v.Err(); err != nil {
		t.Fatal(err)
	}
	return Input{Files: insts[0].Files, Schema: v, SetByGenerator: map[string]string{"environment": "from the file name"}}
}

// TestRenderGolden renders both pages of the fixture schema and compares
// them with testdata/golden/.
func TestRenderGolden(t *testing.T) {
	got, err := Render(loadFixture(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range Pages {
		golden := filepath.Join("testdata", "golden", filepath.Base(p.Path))
		if *update {
			if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(golden, got[p.Path], 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(string(want), string(got[p.Path])); diff != "" {
			t.Errorf("%s (-want +got):\n%s", p.Path, diff)
		}
	}
}

// TestRenderNeedsCapabilityTable: a schema without the capability table
// is an error, not a silently missing page.
func TestRenderNeedsCapabilityTable(t *testing.T) {
	in := loadFixture(t)
	for _, f := range in.Files {
		if field := schemainfo.TopField(f, capabilityTable); field != nil {
			field.Label = ast.NewIdent("renamed")
		}
	}
	if got, err := Render(in); err == nil || !strings.Contains(err.Error(), "no capability_values table") {
		t.Errorf("Render() = %v, %v; want an error naming the table", slices.Sorted(maps.Keys(got)), err)
	}
}
