package semdiff

import (
	"bytes"
	"encoding/json"
	"maps"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/coder-eks/coder-eks/generator/internal/config"
)

// Action is what Terraform will do to a resource whose block changed.
type Action string

const (
	ActionNone    Action = ""
	ActionUpdate  Action = "update in place"
	ActionReplace Action = "replace"
	ActionDestroy Action = "destroy"
	ActionCreate  Action = "create"
	ActionMove    Action = "move"
)

// Rules are schema.replacement: per resource type, what forces a new
// resource and what a replacement loses.
type Rules map[string]config.Replacement

// Effect is an item's meaning for Terraform: set on resource items of
// Terraform JSON files by Annotate.
type Effect struct {
	Action Action
	// ForcedBy are the changed attributes that force the replacement.
	ForcedBy []string
	// Kind and Holds are the rule's: "data", "outage" or "".
	Kind, Holds string
	// Note explains a rename or a move ("renamed from aws_x.a without a
	// moved block").
	Note string
	// Unknown is set when the resource type has no rule: the diff cannot
	// tell update from replace.
	Unknown bool
}

// Dangerous is a replacement or destruction of a resource holding data or
// running service: what -deny-replace refuses.
func (e *Effect) Dangerous() bool {
	return e != nil && (e.Action == ActionReplace || e.Action == ActionDestroy) && (e.Kind == "data" || e.Kind == "outage")
}

// index drops list indices from an attribute path: "vpc_config[0].subnet_ids[2]"
// → "vpc_config.subnet_ids".
var index = regexp.MustCompile(`\[[0-9]+\]`)

// forcedBy lists the force-new attributes among the changes.
func forcedBy(changes []Change, rule config.Replacement) []string {
	var out []string
	for _, c := range changes {
		p := index.ReplaceAllString(c.Path, "")
		for _, f := range rule.ForceNew {
			if (p == f || strings.HasPrefix(p, f+".")) && !slices.Contains(out, f) {
				out = append(out, f)
			}
		}
	}
	return out
}

// inPlaceOutage says which changes, applied in place, take the service
// down while they are ("" for none).
func inPlaceOutage(changes []Change, rule config.Replacement) string {
	var out []string
	for _, attr := range slices.Sorted(maps.Keys(rule.InPlaceOutage)) {
		for _, c := range changes {
			p := index.ReplaceAllString(c.Path, "")
			if p == attr || strings.HasPrefix(p, attr+".") {
				out = append(out, attr+": "+rule.InPlaceOutage[attr])
				break
			}
		}
	}
	if len(out) == 0 {
		return ""
	}
	return "TAKES DOWN while applied: " + strings.Join(out, "; ")
}

// Annotate sets the Effect of every resource item in the Terraform JSON
// files of one comparison. oldFiles and newFiles are both versions of the
// files (keyed like the Files' paths), read for bodies and for moved
// blocks: a resource whose
// address disappears is destroyed, unless a moved block in the same module
// names it; one that reappears under another name with the same body is
// reported as a rename, still a replace without a moved block.
func Annotate(files []*File, oldFiles, newFiles map[string][]byte, rules Rules) {
	moved := movedBlocks(newFiles)
	body := func(tree map[string][]byte, p, item string) []byte {
		blocks, err := terraformBlocks(tree[p])
		if err != nil || blocks.values[item] == nil {
			return nil
		}
		b, _ := json.Marshal(blocks.values[item]) // sorted keys: canonical
		return b
	}
	type addr struct{ dir, name string }
	type where struct {
		path string
		item *Item
	}
	added := map[addr][]where{}
	for _, f := range files {
		if format(f.Path) != "terraform" {
			continue
		}
		for i := range f.Items {
			it := &f.Items[i]
			typ, ok := resourceType(it.Name)
			if !ok {
				continue
			}
			rule, known := rules[typ]
			e := &Effect{Kind: rule.Kind, Holds: rule.Holds, Unknown: !known}
			dir := path.Dir(f.Path)
			switch it.Op {
			case OpAdd:
				e.Action = ActionCreate
				if from, ok := moved[dir][strings.TrimPrefix(it.Name, "resource ")]; ok {
					e.Action, e.Note = ActionMove, "moved from "+from
				}
				added[addr{dir, typ}] = append(added[addr{dir, typ}], where{f.Path, it})
			case OpRemove:
				e.Action = ActionDestroy
			case OpChange:
				e.Action = ActionUpdate
				if e.ForcedBy = forcedBy(it.Changes, rule); len(e.ForcedBy) > 0 {
					e.Action = ActionReplace
				} else {
					e.Note = inPlaceOutage(it.Changes, rule)
				}
			}
			it.Effect = e
		}
	}
	// A destroyed address: moved (a moved block names it), renamed (an
	// added one of its type has the same body) or gone.
	for _, f := range files {
		dir := path.Dir(f.Path)
		for i := range f.Items {
			it := &f.Items[i]
			if it.Effect == nil || it.Op != OpRemove {
				continue
			}
			name := strings.TrimPrefix(it.Name, "resource ")
			if to, ok := movedTo(moved[dir], name); ok {
				it.Effect.Action, it.Effect.Note = ActionMove, "moved to "+to+" (moved block)"
				continue
			}
			typ, _ := resourceType(it.Name)
			old := body(oldFiles, f.Path, it.Name)
			for _, a := range added[addr{dir, typ}] {
				if a.item.Effect.Action == ActionCreate && old != nil && bytes.Equal(body(newFiles, a.path, a.item.Name), old) {
					a := a.item
					it.Effect.Action, it.Effect.Note = ActionReplace, "renamed to "+strings.TrimPrefix(a.Name, "resource ")+" without a moved block"
					a.Effect.Note = "renamed from " + name + " without a moved block: Terraform destroys the old address"
				}
			}
		}
	}
}

// resourceType is the type of a "resource TYPE.NAME" item.
func resourceType(item string) (string, bool) {
	rest, ok := strings.CutPrefix(item, "resource ")
	if !ok {
		return "", false
	}
	typ, _, ok := strings.Cut(rest, ".")
	return typ, ok
}

// movedBlocks reads the moved blocks of every Terraform JSON file, per
// module directory: to → from.
func movedBlocks(files map[string][]byte) map[string]map[string]string {
	out := map[string]map[string]string{}
	for p, data := range files {
		if format(p) != "terraform" {
			continue
		}
		var doc struct {
			Moved []struct{ From, To string } `json:"moved"`
		}
		if json.Unmarshal(data, &doc) != nil {
			continue
		}
		for _, m := range doc.Moved {
			dir := path.Dir(p)
			if out[dir] == nil {
				out[dir] = map[string]string{}
			}
			out[dir][m.To] = m.From
		}
	}
	return out
}

func movedTo(moved map[string]string, from string) (string, bool) {
	for to, f := range moved {
		if f == from {
			return to, true
		}
	}
	return "", false
}
