package load

import (
	"fmt"
	"sort"
	"strings"

	"cuelang.org/go/cue"

	"github.com/coder-eks/coder-eks/generator/internal/config"
	"github.com/coder-eks/coder-eks/generator/internal/diag"
)

// Template layer packages, beside schema/ at the repository root.
const (
	ToolchainsDir = "toolchains"
	BasesDir      = "bases"
)

// Layers are the template architecture's two layers, evaluated in an
// environment's CUE context, and the schema that composes them.
type Layers struct {
	schema     cue.Value
	toolchains cue.Value // toolchains.toolchains
	bases      cue.Value // bases.bases

	Toolchains map[string]config.Toolchain
	Bases      map[string]config.Base
}

// loadLayers evaluates toolchains/ and bases/. Their errors point into
// those packages' files: a layer is checked on its own, whatever pairs it.
func loadLayers(ctx *cue.Context, root string, schema cue.Value) (*Layers, error) {
	l := &Layers{schema: schema}
	var errs diag.List
	for _, layer := range []struct {
		dir   string
		value *cue.Value
		out   any
	}{
		{ToolchainsDir, &l.toolchains, &l.Toolchains},
		{BasesDir, &l.bases, &l.Bases},
	} {
		pkg, err := build(ctx, root, "./"+layer.dir, "")
		if err != nil {
			return nil, err
		}
		v := pkg.LookupPath(cue.ParsePath(layer.dir))
		if err := v.Validate(cue.Concrete(true)); err != nil {
			errs = append(errs, diag.FromCUE(err, root, "")...)
			continue
		}
		if err := v.Decode(layer.out); err != nil {
			return nil, fmt.Errorf("decode %s: %w", layer.dir, err)
		}
		*layer.value = v
	}
	if len(errs) > 0 {
		return nil, errs.Sorted()
	}
	return l, nil
}

// UnknownLayerError is a pairing naming a toolchain or base that does not
// exist.
type UnknownLayerError struct {
	Layer string // "toolchain" or "base"
	Name  string
	Known []string
}

func (e *UnknownLayerError) Error() string {
	return fmt.Sprintf("no %s %q; known: %s", e.Layer, e.Name, strings.Join(e.Known, ", "))
}

// Compose evaluates schema.#Composition for one pairing: CUE resolves its
// capabilities, compute profile and choices and lists its violations. The
// pairing is filled in as decoded Go data, so its defaults are already
// resolved and cannot clash with the toolchain's.
func (l *Layers) Compose(name string, p config.Pairing) (config.Composition, error) {
	var c config.Composition
	tc, ok := lookup(l.toolchains, p.Toolchain)
	if !ok {
		return c, &UnknownLayerError{Layer: "toolchain", Name: p.Toolchain, Known: keys(l.Toolchains)}
	}
	base, ok := lookup(l.bases, p.Base)
	if !ok {
		return c, &UnknownLayerError{Layer: "base", Name: p.Base, Known: keys(l.Bases)}
	}
	// nil maps would encode as null, which is not a struct.
	if p.Capabilities == nil {
		p.Capabilities = map[string]any{}
	}
	if p.ComputeProfile == nil {
		p.ComputeProfile = map[string]int{}
	}
	v := l.schema.LookupPath(cue.MakePath(cue.Def("Composition"))).
		FillPath(cue.ParsePath("name"), name).
		FillPath(cue.ParsePath("pairing"), p).
		FillPath(cue.ParsePath("toolchain"), tc).
		FillPath(cue.ParsePath("base"), base)
	if err := v.Validate(cue.Concrete(true)); err != nil {
		return c, fmt.Errorf("compose %s: %w", name, err)
	}
	if err := v.Decode(&c); err != nil {
		return c, fmt.Errorf("decode composition %s: %w", name, err)
	}
	return c, nil
}

func lookup(v cue.Value, name string) (cue.Value, bool) {
	f := v.LookupPath(cue.MakePath(cue.Str(name)))
	return f, f.Exists()
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// FieldPos is where the environment file itself sets the field at path,
// if it does (a default does not count).
func (e *Environment) FieldPos(path string) (diag.Position, bool) {
	v := e.Value.LookupPath(cue.ParsePath(path))
	if !v.Exists() {
		return diag.Position{}, false
	}
	cands := []cue.Value{v}
	_, args := v.Expr()
	cands = append(cands, args...)
	for _, c := range cands {
		if p := c.Pos(); p.IsValid() && p.Filename() == e.File {
			return diag.FromPos(e.Root, p), true
		}
	}
	return diag.Position{}, false
}
