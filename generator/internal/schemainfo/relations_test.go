package schemainfo

import (
	"testing"

	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/parser"
	"github.com/google/go-cmp/cmp"
)

const relSchema = `package schema

#Environment: {
	region: string
	min:    int | *1
	max:    int & >=min & <=10 | *3
	other:  string & !=region | *"x"
	on:     bool | *false
	if on {
		needed: string
	}
	derived: "\(region)-\(min)"
	_primary: {r: region}
	_elemDefaults: {
		region: !=_primary.r
		min:    *_primary.r | _
	}
	elems: [...#Elem & _elemDefaults] | *[]
}

#Elem: {
	region: string
	lo:     int
	hi:     int & >lo
}
`

func TestRelations(t *testing.T) {
	f, err := parser.ParseFile("s.cue", relSchema)
	if err != nil {
		t.Fatal(err)
	}
	files := []*ast.File{f}
	rules := func(rs []Relation) (out []string) {
		for _, r := range rs {
			out = append(out, r.Rule())
		}
		return out
	}
	if diff := cmp.Diff([]string{"max >= min", "other != region"}, rules(Relations(files, "#Environment"))); diff != "" {
		t.Errorf("Relations (-want +got):\n%s", diff)
	}
	el := ElementRelations(files, "#Environment")["elems"]
	if diff := cmp.Diff([]string{"hi > lo", "region != region"}, rules(el)); diff != "" {
		t.Errorf("ElementRelations (-want +got):\n%s", diff)
	}
	if !el[1].OtherOuter || el[0].OtherOuter {
		t.Errorf("OtherOuter: hidden struct's bound names the environment's field, #Elem's a sibling: %+v", el)
	}
	conds := Conditionals(files, "#Environment")
	if len(conds) != 1 || conds[0].Field != "needed" || cmp.Diff([]string{"on"}, conds[0].Refs) != "" {
		t.Errorf("Conditionals = %+v", conds)
	}
	if diff := cmp.Diff([]string{"region", "min"}, References(files, "#Environment")["derived"]); diff != "" {
		t.Errorf("References (-want +got):\n%s", diff)
	}
	if got := ElementDefaultSources(files, "#Environment")["elems"]["min"]; got != "region" {
		t.Errorf("ElementDefaultSources: min takes %q, want region", got)
	}
}
