package plan

import (
	"errors"
	"maps"
	"slices"

	"github.com/coder-eks/coder-eks/generator/internal/config"
	"github.com/coder-eks/coder-eks/generator/internal/diag"
	"github.com/coder-eks/coder-eks/generator/internal/load"
)

// compose composes every enabled pairing, in name order, with CUE
// (schema.#Composition), which also works out what a base cannot honour
// (each composition's Violations, which validate reports). A pairing
// naming a layer that does not exist is left out; a composition CUE
// rejects ends composing and leaves no templates.
func compose(env *load.Environment) ([]config.Composition, diag.List) {
	var out []config.Composition
	var problems diag.List
	for _, name := range slices.Sorted(maps.Keys(env.Config.TemplatePairings)) {
		p := env.Config.TemplatePairings[name]
		if !p.Enabled {
			continue
		}
		path := PairingPath(name)
		c, err := env.Layers.Compose(name, withEgressDefault(env, p))
		var unknown *load.UnknownLayerError
		switch {
		case errors.As(err, &unknown):
			problems = append(problems, diag.Diagnostic{Pos: PairingPos(env, name, unknown.Layer), Path: path, Msg: err.Error()})
			continue
		case err != nil:
			return nil, append(problems, diag.Diagnostic{Pos: PairingPos(env, name), Path: path, Msg: err.Error()})
		}
		out = append(out, c)
	}
	return out, problems
}

// withEgressDefault gives a pairing the environment's
// default_network_egress when neither it nor its toolchain says what the
// workspace may reach: a toolchain's requirement wins (it "asks for
// more"), and so does the pairing's own value.
func withEgressDefault(env *load.Environment, p config.Pairing) config.Pairing {
	const egress = "network-egress"
	if _, ok := p.Capabilities[egress]; ok || env.Config.DefaultNetworkEgress == "" {
		return p
	}
	if tc, ok := env.Layers.Toolchains[p.Toolchain]; ok {
		if _, required := tc.Capabilities.Required[egress]; required {
			return p
		}
	}
	caps := make(map[string]any, len(p.Capabilities)+1)
	for k, v := range p.Capabilities {
		caps[k] = v
	}
	caps[egress] = env.Config.DefaultNetworkEgress
	p.Capabilities = caps
	return p
}

// PairingPath is the path of a template pairing in the environment.
func PairingPath(name string) string { return `template_pairings."` + name + `"` }

// PairingPos is the first of the pairing's fields the environment file
// sets, else the pairing itself.
func PairingPos(env *load.Environment, name string, fields ...string) diag.Position {
	for _, f := range fields {
		if p, ok := env.FieldPos(PairingPath(name) + "." + f); ok {
			return p
		}
	}
	if p, ok := env.FieldPos(PairingPath(name)); ok {
		return p
	}
	return env.Pos(PairingPath(name))
}
