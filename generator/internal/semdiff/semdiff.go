// Package semdiff compares two versions of a rendered file by what they
// mean rather than by their lines: Terraform JSON block by block (resource
// added, removed or changed, with the attribute paths that changed), YAML
// by key path, anything else line by line. Differences inside parsed
// documents are found with go-cmp.
package semdiff

import (
	"bytes"
	"path"
	"strings"
)

// Status says what happened to a file.
type Status string

const (
	Added      Status = "added"
	Removed    Status = "removed"
	Changed    Status = "changed"
	Formatting Status = "formatting" // bytes differ, meaning does not
)

// File is the difference between two versions of one file.
type File struct {
	Path   string
	Status Status
	// Items are the blocks or documents that differ, in order: for
	// Terraform JSON one per block address, for YAML one per document
	// (a values file is one document with an empty name).
	Items []Item
	// Lines is a line diff, for files that are not parsed (or do not
	// parse).
	Lines []Line
}

// Item is one block or document added, removed or changed.
type Item struct {
	Op      Op     // OpAdd, OpRemove or OpChange
	Name    string // "resource aws_vpc.this", "HelmRelease flux-system/coder"
	Changes []Change
	// Effect is what Terraform does to a resource item; nil until
	// Annotate sets it, and for anything but a resource.
	Effect *Effect
}

// Op is how an item or value changed.
type Op string

const (
	OpAdd    Op = "+"
	OpRemove Op = "-"
	OpChange Op = "~"
)

// Change is one value that differs inside a changed item.
type Change struct {
	Op       Op
	Path     string // "tags.Name", "subnet_ids[2]"
	Old, New string // compact JSON; "" when absent
}

// Line is one line of a line diff.
type Line struct {
	Op   Op // OpAdd or OpRemove
	N    int
	Text string
}

// Compare describes how a file changed from old to new; nil old means
// the file is added, nil new that it is removed. It returns nil when both
// are byte-identical.
func Compare(p string, old, new []byte) *File {
	switch {
	case old != nil && new != nil && bytes.Equal(old, new):
		return nil
	case old == nil:
		return wholeFile(p, Added, new, OpAdd, nil, new)
	case new == nil:
		return wholeFile(p, Removed, old, OpRemove, old, nil)
	}
	f := &File{Path: p, Status: Changed}
	items, ok := compareParsed(p, old, new)
	if !ok {
		f.Lines = LineDiff(old, new)
		return f
	}
	f.Items = items
	if len(items) == 0 {
		f.Status = Formatting
	}
	return f
}

// format is how a file is parsed: by its name.
func format(p string) string {
	switch {
	case strings.HasSuffix(p, ".tf.json"):
		return "terraform"
	case path.Ext(p) == ".yaml" || path.Ext(p) == ".yml":
		return "yaml"
	}
	return "text"
}

// compareParsed parses both versions and compares their items; ok is
// false when the format is not parsed or either version does not parse.
func compareParsed(p string, old, new []byte) ([]Item, bool) {
	a, errA := items(p, old)
	b, errB := items(p, new)
	if errA != nil || errB != nil || a == nil || b == nil {
		return nil, false
	}
	return compareItems(a, b), true
}

// wholeFile describes a file added or removed: every item it holds, or
// every line when it is not parsed.
func wholeFile(p string, st Status, data []byte, op Op, old, new []byte) *File {
	f := &File{Path: p, Status: st}
	named, err := items(p, data)
	if err != nil || named == nil {
		f.Lines = LineDiff(old, new)
		return f
	}
	for _, n := range named.order {
		if n != headerItem {
			f.Items = append(f.Items, Item{Op: op, Name: n})
		}
	}
	return f
}

// namedValues are a file's items: name → parsed value, in file order.
type namedValues struct {
	order  []string
	values map[string]any
}

func (n *namedValues) add(name string, v any) {
	if n.values == nil {
		n.values = map[string]any{}
	}
	if _, dup := n.values[name]; !dup {
		n.order = append(n.order, name)
	}
	n.values[name] = v
}

// items parses a file into named values; nil for a format not parsed.
func items(p string, data []byte) (*namedValues, error) {
	switch format(p) {
	case "terraform":
		return terraformBlocks(data)
	case "yaml":
		return yamlDocuments(data)
	}
	return nil, nil
}

// compareItems pairs items by name: removed ones, then changed and added
// ones in the new file's order.
func compareItems(a, b *namedValues) []Item {
	var out []Item
	for _, name := range a.order {
		if _, ok := b.values[name]; !ok {
			out = append(out, Item{Op: OpRemove, Name: name})
		}
	}
	for _, name := range b.order {
		old, ok := a.values[name]
		if !ok {
			out = append(out, Item{Op: OpAdd, Name: name})
			continue
		}
		if changes := valueChanges(old, b.values[name]); len(changes) > 0 {
			out = append(out, Item{Op: OpChange, Name: name, Changes: changes})
		}
	}
	return out
}
