package load

import (
	"fmt"
	"path/filepath"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/cuecontext"

	"github.com/coder-eks/coder-eks/generator/internal/config"
)

// Session is one CUE context in which environments are loaded one after
// another: the schema package and the template layers are evaluated once,
// on first use, and every environment loaded in the session is unified
// with that one evaluation. A run that renders n environments on p
// workers evaluates the schema p times, not n times (it was a third of a
// run's CPU). A Session, like the CUE context it holds, is not safe for
// concurrent use: give each goroutine its own.
type Session struct {
	root   string
	ctx    *cue.Context
	err    error // the root could not be made absolute
	schema *Schema
	layer  *Layers
	cat    *config.Catalog
}

// NewSession starts a session for the repository at root.
func NewSession(root string) *Session {
	abs, err := filepath.Abs(root)
	return &Session{root: abs, ctx: cuecontext.New(), err: err}
}

// schemaValue is the schema package evaluated in the session's context,
// evaluated on the first call. A schema that fails to evaluate is not
// kept: each environment reports the failure, as it would on its own.
func (s *Session) schemaValue() (cue.Value, error) {
	if s.schema == nil {
		pkg, err := LoadSchema(s.ctx, s.root)
		if err != nil {
			return cue.Value{}, err
		}
		s.schema = &pkg
	}
	return s.schema.Value, nil
}

// Schema is the schema package as the session evaluated it (evaluated
// now if no environment was loaded yet): the reference pages are rendered
// from the same evaluation as the environments, not from one of their own.
func (s *Session) Schema() (Schema, error) {
	if s.err != nil {
		return Schema{}, s.err
	}
	if _, err := s.schemaValue(); err != nil {
		return Schema{}, err
	}
	return *s.schema, nil
}

// layers are the template layers in the session's context, evaluated on
// the first call; they need the schema, so they come after schemaValue.
func (s *Session) layers() (*Layers, error) {
	if s.layer == nil {
		l, err := loadLayers(s.ctx, s.root, s.schema.Value)
		if err != nil {
			return nil, err
		}
		s.layer = l
	}
	return s.layer, nil
}

// catalog is the schema's data decoded once per session (a fifth of
// loading an environment when every environment decoded it). The
// environments of a session share its maps: every step only reads them.
func (s *Session) catalog() (config.Catalog, error) {
	if s.cat == nil {
		var c config.Catalog
		if err := s.schema.Value.Decode(&c); err != nil {
			return config.Catalog{}, fmt.Errorf("decode schema catalog: %w", err)
		}
		s.cat = &c
	}
	return *s.cat, nil
}
