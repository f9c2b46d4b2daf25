package schemainfo

import (
	"testing"

	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/cuecontext"
	"cuelang.org/go/cue/parser"
	"github.com/google/go-cmp/cmp"
)

const schema = `package schema

import "list"

#Environment: {
	// ---- General ----

	// Project name for resource naming.
	project_name: #Name | *"coder"
	// Environment name.
	environment: #Name
	// Kubernetes version.
	version: "1.32" | *"1.33" @pattern(sr-simple="1.32")

	// ---- Network ----

	// Zone ID (looked up if empty).
	zone_id: *"" | =~"^Z[A-Z0-9]+$"
	// Max nodes.
	max_nodes: int & >=1 & <=100 | *10
	// Whether the endpoint is public.
	public: bool | *false
	// CIDRs allowed when public.
	cidrs: [...string]
	if public {
		cidrs: list.MinItems(1)
	}
	// Admin roles.
	admins: [...string] & list.MinItems(1)
	// Group mappings.
	groups: {[string]: #Group} | *{admins: {name: "admins"}}
	// Bucket, named after the project.
	bucket: string | *"\(project_name)-state"
	// Token; only "" is accepted.
	token: ""
	// An opt-in, absent unless set.
	upgrade?: #Group
	_hidden: 1
}

// ---- Not a section of #Environment ----

#Name: =~"^[a-z][a-z0-9-]{0,19}$"

#Group: {
	name:  #Name
	quota: int & >=0 | *0
}
`

func TestOf(t *testing.T) {
	f, err := parser.ParseFile("schema.cue", schema, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	v := cuecontext.New().BuildFile(f)
	if err := v.Err(); err != nil {
		t.Fatal(err)
	}
	got, ok := Of([]*ast.File{f}, v, "#Environment")
	if !ok {
		t.Fatal("#Environment not found")
	}
	want := []Field{
		{Name: "project_name", Section: "General", Doc: "Project name for resource naming.", Type: "string", Default: `"coder"`, Constraint: "#Name"},
		{Name: "environment", Section: "General", Doc: "Environment name.", Type: "string", Constraint: "#Name", Required: true},
		{Name: "version", Section: "General", Doc: "Kubernetes version.", Type: "string", Default: `"1.33"`, Constraint: `"1.32" | "1.33"`, Patterns: `sr-simple="1.32"`},
		{Name: "zone_id", Section: "Network", Doc: "Zone ID (looked up if empty).", Type: "string", Default: `""`, Constraint: `"" | =~"^Z[A-Z0-9]+$"`},
		{Name: "max_nodes", Section: "Network", Doc: "Max nodes.", Type: "int", Default: "10", Constraint: "int & >=1 & <=100"},
		{Name: "public", Section: "Network", Doc: "Whether the endpoint is public.", Type: "bool", Default: "false", Constraint: "bool"},
		{Name: "cidrs", Section: "Network", Doc: "CIDRs allowed when public.", Type: "list", Constraint: "[...string]", Conditions: []string{"if public: list.MinItems(1)"}},
		{Name: "admins", Section: "Network", Doc: "Admin roles.", Type: "list", Constraint: "[...string] & list.MinItems(1)", Required: true},
		{Name: "groups", Section: "Network", Doc: "Group mappings.", Type: "map", Default: `{admins: {name: "admins"}}`, Constraint: "{[string]: #Group}"},
		{Name: "bucket", Section: "Network", Doc: "Bucket, named after the project.", Type: "string", Default: `"\(project_name)-state"`, Constraint: "string"},
		{Name: "token", Section: "Network", Doc: `Token; only "" is accepted.`, Type: "string", Constraint: `""`},
		{Name: "upgrade", Section: "Network", Doc: "An opt-in, absent unless set.", Type: "struct", Constraint: "#Group"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
	if _, ok := Of([]*ast.File{f}, v, "#Capabilities"); ok {
		t.Error("Of found a definition the schema does not have")
	}
}

func TestOneLine(t *testing.T) {
	tests := []struct{ in, want string }{
		{"{\n\ta: 1\n\tb: [\n\t\t1,\n\t\t2,\n\t]\n}", "{a: 1, b: [1, 2]}"},
		{"\n\nx\n", "x"},
	}
	for _, tt := range tests {
		if got := OneLine(tt.in); got != tt.want {
			t.Errorf("OneLine(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
