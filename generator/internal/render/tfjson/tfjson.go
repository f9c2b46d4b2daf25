// Package tfjson builds Terraform JSON configuration files
// (https://developer.hashicorp.com/terraform/language/syntax/json) and
// encodes them deterministically: keys sorted, two-space indent, a "//"
// header marking the file as generated.
package tfjson

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// Body is a block's arguments and nested blocks. Nested blocks are written
// as a Body (one block) or a []Body (repeated blocks).
type Body = map[string]any

// File is one *.tf.json file of a module.
type File struct {
	header    string
	terraform Body
	providers map[string][]Body
	locals    Body
	variables map[string]Body
	data      map[string]map[string]Body
	resources map[string]map[string]Body
	outputs   map[string]Body
	checks    map[string]Body
}

// NewFile starts a file whose "//" comment says where it came from.
func NewFile(header string) *File { return &File{header: header} }

// Terraform sets the file's terraform block.
func (f *File) Terraform(b Body) { f.terraform = b }

// Provider adds a provider configuration (several for aliases).
func (f *File) Provider(name string, b Body) {
	if f.providers == nil {
		f.providers = map[string][]Body{}
	}
	f.providers[name] = append(f.providers[name], b)
}

// Local adds a local value.
func (f *File) Local(name string, v any) {
	if f.locals == nil {
		f.locals = Body{}
	}
	f.locals[name] = v
}

// Variable declares an input variable.
func (f *File) Variable(name string, b Body) {
	if f.variables == nil {
		f.variables = map[string]Body{}
	}
	f.variables[name] = b
}

// Data declares a data source and returns its address.
func (f *File) Data(typ, name string, b Body) string {
	if f.data == nil {
		f.data = map[string]map[string]Body{}
	}
	add(f.data, typ, name, b)
	return "data." + typ + "." + name
}

// Resource declares a resource and returns its address.
func (f *File) Resource(typ, name string, b Body) string {
	if f.resources == nil {
		f.resources = map[string]map[string]Body{}
	}
	add(f.resources, typ, name, b)
	return typ + "." + name
}

// Output declares an output value.
func (f *File) Output(name string, b Body) {
	if f.outputs == nil {
		f.outputs = map[string]Body{}
	}
	f.outputs[name] = b
}

// Check declares a check block.
func (f *File) Check(name string, b Body) {
	if f.checks == nil {
		f.checks = map[string]Body{}
	}
	f.checks[name] = b
}

func add(m map[string]map[string]Body, typ, name string, b Body) {
	if m[typ] == nil {
		m[typ] = map[string]Body{}
	}
	if _, dup := m[typ][name]; dup {
		panic(fmt.Sprintf("tfjson: %s.%s declared twice", typ, name))
	}
	m[typ][name] = b
}

// Encode returns the file's JSON. encoding/json sorts map keys, which is
// what makes output byte-identical across runs.
func (f *File) Encode() ([]byte, error) {
	doc := Body{"//": f.header}
	set := func(k string, v any, ok bool) {
		if ok {
			doc[k] = v
		}
	}
	set("terraform", f.terraform, f.terraform != nil)
	set("provider", f.providers, len(f.providers) > 0)
	set("locals", f.locals, len(f.locals) > 0)
	set("variable", f.variables, len(f.variables) > 0)
	set("data", f.data, len(f.data) > 0)
	set("resource", f.resources, len(f.resources) > 0)
	set("output", f.outputs, len(f.outputs) > 0)
	set("check", f.checks, len(f.checks) > 0)
	return Marshal(doc)
}

// Marshal encodes v as indented JSON without HTML escaping (Terraform
// expressions use < and >), ending in a newline.
func Marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Ref wraps a Terraform expression in interpolation syntax.
func Ref(expr string) string { return "${" + expr + "}" }

// Attr is the interpolated reference to an attribute of an address.
func Attr(addr, attr string) string { return Ref(addr + "." + attr) }

// Escape makes s a literal Terraform string: "${" and "%{" would start an
// interpolation or a template directive, so scripts carrying shell
// variables are written with "$${" and "%%{".
func Escape(s string) string {
	return strings.NewReplacer("${", "$${", "%{", "%%{").Replace(s)
}
