// Package tfmodule reads the generator's rendered Terraform JSON root
// modules: every *.tf.json file of a directory decoded and merged into one
// module. The IAM evaluator (test/iam) and the security baseline
// (test/policy) both read the rendered tree through it.
package tfmodule

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

// Body is a Terraform JSON block as decoded from JSON.
type Body = map[string]any

// Module is one root module: the blocks of its *.tf.json files merged.
type Module struct {
	Dir      string
	Resource map[string]map[string]Body // type → name → body
	Data     map[string]map[string]Body // type → name → body
	Provider map[string][]Body          // provider configurations by name, in file order
	Output   map[string]Body            // by name
	// Terraform holds each file's top-level terraform block, in file order.
	Terraform []Body
}

// Load reads the *.tf.json files matching pattern (a filepath.Glob, such
// as rendered/<env>/terraform/*/*.tf.json) grouped by directory, one
// Module per directory, sorted by directory. A pattern matching no file
// yields no module and no error.
func Load(pattern string) ([]*Module, error) {
	files, err := filepath.Glob(pattern)
	if err != nil {
		return nil, err
	}
	// Glob returns the files sorted, so each module merges its files in
	// name order.
	byDir := map[string]*Module{}
	var out []*Module
	for _, f := range files {
		dir := filepath.Dir(f)
		m := byDir[dir]
		if m == nil {
			m = New(dir)
			byDir[dir] = m
			out = append(out, m)
		}
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		if err := m.Add(data); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Dir < out[j].Dir })
	return out, nil
}

// New is an empty module for dir.
func New(dir string) *Module {
	return &Module{
		Dir:      dir,
		Resource: map[string]map[string]Body{},
		Data:     map[string]map[string]Body{},
		Provider: map[string][]Body{},
		Output:   map[string]Body{},
	}
}

// Add merges one file's blocks into the module; a later file's block of
// the same type and name replaces an earlier one.
func (m *Module) Add(data []byte) error {
	var doc struct {
		Resource  map[string]map[string]Body `json:"resource"`
		Data      map[string]map[string]Body `json:"data"`
		Provider  map[string][]Body          `json:"provider"`
		Output    map[string]Body            `json:"output"`
		Terraform Body                       `json:"terraform"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return err
	}
	merge(m.Resource, doc.Resource)
	merge(m.Data, doc.Data)
	for name, configs := range doc.Provider {
		m.Provider[name] = append(m.Provider[name], configs...)
	}
	for name, o := range doc.Output {
		m.Output[name] = o
	}
	if doc.Terraform != nil {
		m.Terraform = append(m.Terraform, doc.Terraform)
	}
	return nil
}

func merge(dst, src map[string]map[string]Body) {
	for typ, byName := range src {
		if dst[typ] == nil {
			dst[typ] = map[string]Body{}
		}
		for name, b := range byName {
			dst[typ][name] = b
		}
	}
}
