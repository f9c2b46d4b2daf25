package schemainfo

import (
	"testing"

	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/cuecontext"
	"cuelang.org/go/cue/parser"
	"github.com/google/go-cmp/cmp"
)

// An embedded definition (#NodeGroups in #Environment and
// #SecondaryRegion) lists its fields where it is embedded: in the
// embedding's section, with the default a later declaration gives, and
// its bounds as relations of both embedders.
const embedSchema = `package schema

#Environment: {
	// ---- General ----

	// Region.
	region: string

	// ---- Nodes ----

	// Node groups, with defaults.
	#Groups
	min: *2 | _
	max: *3 | _
	elems: [...#Elem]
}

#Elem: {
	#Groups
}
`

const groupsSchema = `package schema

#Groups: {
	// Min nodes.
	min: int & >=1
	// Max nodes.
	max: int & >=min & <=100
}
`

func TestEmbeddedDefinition(t *testing.T) {
	var files []*ast.File
	for name, src := range map[string]string{"env.cue": embedSchema, "groups.cue": groupsSchema} {
		f, err := parser.ParseFile(name, src, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	// Evaluated as one package: both files' text in one.
	v := cuecontext.New().CompileString(embedSchema + groupsSchema[len("package schema\n"):])
	if err := v.Err(); err != nil {
		t.Fatal(err)
	}
	got, ok := Of(files, v, "#Environment")
	if !ok {
		t.Fatal("#Environment not found")
	}
	want := []Field{
		{Name: "region", Section: "General", Doc: "Region.", Type: "string", Constraint: "string", Required: true},
		{Name: "min", Section: "Nodes", Doc: "Min nodes.", Type: "int", Default: "2", Constraint: "int & >=1"},
		{Name: "max", Section: "Nodes", Doc: "Max nodes.", Type: "int", Default: "3", Constraint: "int & >=min & <=100"},
		{Name: "elems", Section: "Nodes", Type: "list", Constraint: "[...#Elem]"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
	rules := func(rs []Relation) (out []string) {
		for _, r := range rs {
			out = append(out, r.Rule()+" at "+r.Pos.Filename())
		}
		return out
	}
	if diff := cmp.Diff([]string{"max >= min at groups.cue"}, rules(Relations(files, "#Environment"))); diff != "" {
		t.Errorf("Relations (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"max >= min at groups.cue"}, rules(ElementRelations(files, "#Environment")["elems"])); diff != "" {
		t.Errorf("ElementRelations (-want +got):\n%s", diff)
	}
}
