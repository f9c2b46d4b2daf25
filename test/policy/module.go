// Package policy is the security baseline of coder-eks as a test: rules
// over the rendered Terraform JSON of every environment, each named after
// its Checkov / Trivy (AVD) equivalent.
package policy

import (
	"regexp"
	"sort"
	"strings"

	"github.com/coder-eks/coder-eks/test/tfmodule"
)

// Body is a resource's arguments as decoded from JSON.
type Body = tfmodule.Body

// Module is one root module (every *.tf.json file of a directory merged)
// with its S3 backend's settings, if any.
type Module struct {
	*tfmodule.Module
	Backend Body
}

// LoadModules reads every directory matching pattern that holds *.tf.json
// files (rendered/<env>/terraform/<module>/*.tf.json), sorted by directory.
func LoadModules(pattern string) ([]*Module, error) {
	mods, err := tfmodule.Load(pattern)
	if err != nil {
		return nil, err
	}
	out := make([]*Module, 0, len(mods))
	for _, tm := range mods {
		m := &Module{Module: tm}
		for _, tf := range tm.Terraform {
			for _, be := range Blocks(tf, "backend") {
				for _, s3 := range Blocks(be, "s3") {
					m.Backend = s3
				}
			}
		}
		out = append(out, m)
	}
	return out, nil
}

// Each calls fn for every resource of a type, in name order.
func (m *Module) Each(typ string, fn func(name string, b Body)) {
	names := make([]string, 0, len(m.Resource[typ]))
	for n := range m.Resource[typ] {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fn(n, m.Resource[typ][n])
	}
}

// Blocks returns a nested block's instances (a block is written as an
// object or a list of objects in Terraform JSON).
func Blocks(b Body, key string) []Body {
	switch v := b[key].(type) {
	case map[string]any:
		return []Body{v}
	case []any:
		var out []Body
		for _, e := range v {
			if o, ok := e.(map[string]any); ok {
				out = append(out, o)
			}
		}
		return out
	}
	return nil
}

// True is whether an argument is true (JSON true or the string "true").
func True(b Body, key string) bool {
	switch v := b[key].(type) {
	case bool:
		return v
	case string:
		return v == "true"
	}
	return false
}

// Str is a string argument, "" when absent or not a string.
func Str(b Body, key string) string {
	s, _ := b[key].(string)
	return s
}

// Num is a number argument and whether it is one.
func Num(b Body, key string) (float64, bool) {
	n, ok := b[key].(float64)
	return n, ok
}

// Strings is a list-of-strings argument.
func Strings(b Body, key string) []string {
	var out []string
	if l, ok := b[key].([]any); ok {
		for _, e := range l {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
	}
	return out
}

var refRE = regexp.MustCompile(`^\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.[a-z_]+\}$`)

// Ref is the resource a "${type.name.attr}" expression refers to.
func Ref(v string) (typ, name string, ok bool) {
	m := refRE.FindStringSubmatch(v)
	if m == nil {
		return "", "", false
	}
	return m[1], m[2], true
}

// RefersTo is whether v refers to a resource of the given type that exists
// in the module, returning its body.
func (m *Module) RefersTo(v, typ string) (Body, bool) {
	t, name, ok := Ref(v)
	if !ok || t != typ {
		return nil, false
	}
	b, ok := m.Resource[typ][name]
	return b, ok
}

// CMK is whether v names a customer-managed KMS key of the module that
// rotates.
func (m *Module) CMK(v string) bool {
	key, ok := m.RefersTo(v, "aws_kms_key")
	return ok && True(key, "enable_key_rotation")
}

// refersToName is whether v is an interpolation referring to typ.name.
func refersToName(v, typ, name string) bool {
	t, n, ok := Ref(v)
	return ok && t == typ && n == name
}

func addr(typ, name string) string { return typ + "." + name }

func lower(s string) string { return strings.ToLower(s) }
