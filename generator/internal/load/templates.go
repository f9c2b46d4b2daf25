package load

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"cuelang.org/go/cue"
	cueload "cuelang.org/go/cue/load"

	"github.com/coder-eks/coder-eks/generator/internal/config"
	"github.com/coder-eks/coder-eks/generator/internal/diag"
	"github.com/coder-eks/coder-eks/generator/internal/diag/cueerr"
)

// Template layer packages, beside schema/ at the repository root.
const (
	ToolchainsDir = "toolchains"
	BasesDir      = "bases"
)

// Layers are the template architecture's two layers, evaluated in an
// environment's CUE context, and the schema that composes them.
type Layers struct {
	ctx        *cue.Context
	root       string
	schema     cue.Value
	toolchains cue.Value // toolchains.toolchains
	bases      cue.Value // bases.bases

	Toolchains map[string]config.Toolchain
	Bases      map[string]config.Base

	composed map[string]composed // Compose's results by compositionKey
}

// loadLayers evaluates toolchains/ and bases/. Their errors point into
// those packages' files: a layer is checked on its own, whatever pairs it.
// The layers do not depend on the environment: a session evaluates them
// once, for its first environment, and its other environments reuse them.
func loadLayers(ctx *cue.Context, root string, schema cue.Value) (*Layers, error) {
	l := &Layers{schema: schema, ctx: ctx, root: root}
	if err := l.evaluate(); err != nil {
		return nil, err
	}
	return l, nil
}

// evaluate builds the two layer packages in l's context.
func (l *Layers) evaluate() error {
	var errs diag.List
	for _, layer := range []struct {
		dir   string
		value *cue.Value
		out   any
	}{
		{ToolchainsDir, &l.toolchains, &l.Toolchains},
		{BasesDir, &l.bases, &l.Bases},
	} {
		insts := cueload.Instances([]string{"./" + layer.dir}, &cueload.Config{Dir: l.root})
		if err := insts[0].Err; err != nil {
			return cueerr.Translate(err, cueerr.Input{Root: l.root}, cueerr.Schema{})
		}
		pkg := l.ctx.BuildInstance(insts[0])
		v := pkg.LookupPath(cue.ParsePath(layer.dir))
		err := pkg.Err()
		if err == nil {
			err = v.Validate(cue.Concrete(true))
		}
		if err != nil {
			for _, d := range cueerr.Translate(err, cueerr.Input{Root: l.root}, cueerr.Schema{KeyNames: keyNames(l.schema)}) {
				errs = append(errs, inLayer(pkg, l.root, layer.dir, d))
			}
			continue
		}
		if err := v.Decode(layer.out); err != nil {
			return fmt.Errorf("decode %s: %w", layer.dir, err)
		}
		*layer.value = v
	}
	if len(errs) > 0 {
		return errs.Sorted()
	}
	return nil
}

// inLayer moves a diagnostic CUE placed in the schema (a missing field,
// a value outside an enum) to the layer's own file: the nearest enclosing
// value the layer's files declare, which is what its author edits. The
// package's pattern file (toolchains/toolchains.cue) is the last resort.
func inLayer(pkg cue.Value, root, dir string, d diag.Diagnostic) diag.Diagnostic {
	prefix, index := dir+"/", dir+"/"+dir+".cue"
	if strings.HasPrefix(d.Pos.File, prefix) && d.Pos.File != index {
		return d
	}
	sels := selectors(d.Path)
	fallback := d.Pos
	for n := len(sels); n > 0; n-- {
		v := pkg.LookupPath(cue.MakePath(sels[:n]...))
		if !v.Exists() {
			continue
		}
		_, args := v.Expr()
		for _, c := range append([]cue.Value{v}, args...) {
			p := diag.FromPos(root, c.Pos())
			switch {
			case p.File == index && !strings.HasPrefix(fallback.File, prefix):
				fallback = p
			case strings.HasPrefix(p.File, prefix) && p.File != index:
				d.Pos = p
				return d
			}
		}
	}
	d.Pos = fallback
	return d
}

// selectors parses a diagnostic's path ("bases.\"base-k8s\".values.2").
func selectors(path string) []cue.Selector {
	var out []cue.Selector
	for _, s := range strings.Split(path, ".") {
		if n, err := strconv.Atoi(s); err == nil {
			out = append(out, cue.Index(n))
			continue
		}
		sel := cue.ParsePath(s).Selectors()
		if len(sel) != 1 {
			break
		}
		out = append(out, sel[0])
	}
	return out
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
	key, ok := compositionKey(name, p)
	if !ok {
		return l.compose(name, p)
	}
	if r, done := l.composed[key]; done {
		return r.c, r.err
	}
	c, err := l.compose(name, p)
	if l.composed == nil {
		l.composed = map[string]composed{}
	}
	l.composed[key] = composed{c, err}
	return c, err
}

func (l *Layers) compose(name string, p config.Pairing) (config.Composition, error) {
	var c config.Composition
	tc, ok := lookup(l.toolchains, p.Toolchain)
	if !ok {
		return c, &UnknownLayerError{Layer: "toolchain", Name: p.Toolchain, Known: slices.Sorted(maps.Keys(l.Toolchains))}
	}
	base, ok := lookup(l.bases, p.Base)
	if !ok {
		return c, &UnknownLayerError{Layer: "base", Name: p.Base, Known: slices.Sorted(maps.Keys(l.Bases))}
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
