package docs

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/cuecontext"
	cueload "cuelang.org/go/cue/load"
	"github.com/google/go-cmp/cmp"
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

func TestFields(t *testing.T) {
	in := loadFixture(t)
	lit, file := definition(in.Files, "#Environment")
	fs := fields(lit, file, in.Schema.LookupPath(cuePath("#Environment")))
	byName := map[string]Field{}
	for _, f := range fs {
		f.Doc = ""
		byName[f.Name] = f
	}
	tests := []Field{
		{Name: "project_name", Section: "General", Type: "string", Default: `"coder"`, Constraint: "#Name"},
		{Name: "environment", Section: "General", Type: "string", Constraint: "#Name", Required: true},
		{Name: "version", Section: "General", Type: "string", Default: `"1.33"`, Constraint: `"1.32" | "1.33"`, Patterns: `sr-simple="1.32"`},
		{Name: "zone_id", Section: "Network", Type: "string", Default: `""`, Constraint: `"" | =~"^Z[A-Z0-9]+$"`},
		{Name: "max_nodes", Section: "Network", Type: "int", Default: "10", Constraint: "int & >=1 & <=100"},
		{Name: "cidrs", Section: "Network", Type: "list", Constraint: "[...string]", Conditions: []string{"if public: list.MinItems(1)"}},
		{Name: "admins", Section: "Network", Type: "list", Constraint: "[...string] & list.MinItems(1)", Required: true},
		{Name: "groups", Section: "Network", Type: "map", Default: `{admins: {name: "admins"}}`, Constraint: "{[string]: #Group}"},
		{Name: "bucket", Section: "Network", Type: "string", Default: `"\(project_name)-state"`, Constraint: "string"},
		{Name: "token", Section: "Network", Type: "string", Constraint: `""`},
	}
	for _, want := range tests {
		if diff := cmp.Diff(want, byName[want.Name]); diff != "" {
			t.Errorf("field %s (-want +got):\n%s", want.Name, diff)
		}
	}
}

// TestRenderSkipsOptionalPage: a schema without #Capabilities renders
// the variables page only.
func TestRenderSkipsOptionalPage(t *testing.T) {
	in := loadFixture(t)
	for _, f := range in.Files {
		if field := topField(f, "#Capabilities"); field != nil {
			field.Value = nil // not found as a struct any more
		}
	}
	got, err := Render(in)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := got["docs/reference/capabilities.md"]; ok || len(got) != 1 {
		t.Errorf("pages = %v, want only docs/configuration/variables.md", keys(got))
	}
}

func keys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func cuePath(s string) cue.Path { return cue.ParsePath(s) }
