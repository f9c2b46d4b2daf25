package load

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/cuecontext"

	"github.com/coder-eks/coder-eks/generator/internal/config"
)

// parityExceptions are the Go fields with no schema field, by Go type
// and field name, each tagged json:"-" (never decoded) and listed here
// with the reason. Anything else in one and not the other fails
// TestSchemaGoParity.
var parityExceptions = map[string]string{
	"config.Environment.SecondaryRegion": "set by Environment.Secondary on the view of one secondary region: which region it describes",
}

// TestSchemaGoParity walks #Environment and config.Environment side by
// side: every regular field of the schema (optional ones included) must
// have a Go field with its json name and the other way round, recursing
// into structs, lists of structs, maps of structs and pointers to
// structs. A field added to one and forgotten in the other is decoded as
// nothing (CUE's Decode ignores unknown fields) or read as Go's zero
// value; this is where that fails instead.
func TestSchemaGoParity(t *testing.T) {
	schema, err := LoadSchema(cuecontext.New(), root)
	if err != nil {
		t.Fatal(err)
	}
	def := schema.Value.LookupPath(cue.ParsePath("#Environment"))
	if err := def.Err(); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, msg := range parity("", def, reflect.TypeFor[config.Environment](), schema.Value, seen) {
		t.Error(msg)
	}
	for key := range parityExceptions {
		if !seen[key] {
			t.Errorf("parityExceptions lists %s, which is no json:\"-\" field any more: drop the exception", key)
		}
	}
}

// parity compares the schema struct v with Go struct type gt, prefixing
// field paths with prefix; defs is the schema package, where the
// definitions of nested structs are looked up; seen records the
// exceptions it used.
func parity(prefix string, v cue.Value, gt reflect.Type, defs cue.Value, seen map[string]bool) []string {
	var msgs []string
	schemaFields := map[string]cue.Value{}
	it, err := v.Fields(cue.Optional(true))
	if err != nil {
		return []string{prefix + ": " + err.Error()}
	}
	for it.Next() {
		schemaFields[it.Selector().Unquoted()] = it.Value()
	}
	goFields := map[string]reflect.Type{}
	for _, f := range reflect.VisibleFields(gt) {
		if f.Anonymous || !f.IsExported() {
			continue // an embedded struct: its fields are promoted and listed
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			key := gt.String() + "." + f.Name
			if _, ok := parityExceptions[key]; !ok {
				msgs = append(msgs, key+" is json:\"-\" and not in parityExceptions: say there why the schema has no such field")
			}
			seen[key] = true
			continue
		}
		if name == "" {
			msgs = append(msgs, gt.String()+"."+f.Name+" has no json tag")
			continue
		}
		goFields[name] = f.Type
	}
	for _, name := range sortedKeys(schemaFields) {
		path := join(prefix, name)
		gf, ok := goFields[name]
		if !ok {
			msgs = append(msgs, "schema field "+path+" has no field in "+gt.String()+" (json:\""+name+"\")")
			continue
		}
		if st := structOf(gf); st != nil {
			// The schema field's elements are the definition the Go type
			// is named for (secondary_regions: [...#SecondaryRegion]):
			// CUE cannot look up "any element" of a field with a default.
			sv := defs.LookupPath(cue.ParsePath("#" + st.Name()))
			if !sv.Exists() {
				msgs = append(msgs, path+": Go type "+st.String()+" has no schema definition #"+st.Name()+" (name the Go type for the definition it mirrors)")
				continue
			}
			msgs = append(msgs, parity(path, sv, st, defs, seen)...)
		}
	}
	for _, name := range sortedKeys(goFields) {
		if _, ok := schemaFields[name]; !ok {
			msgs = append(msgs, gt.String()+" field json:\""+name+"\" ("+join(prefix, name)+") has no schema field")
		}
	}
	return msgs
}

// structOf is the struct type t holds, directly or as the element of a
// list, map or pointer; nil if none.
func structOf(t reflect.Type) reflect.Type {
	switch t.Kind() {
	case reflect.Slice, reflect.Map, reflect.Pointer:
		t = t.Elem()
	}
	if t.Kind() == reflect.Struct {
		return t
	}
	return nil
}

func join(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

func sortedKeys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
