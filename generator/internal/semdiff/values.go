package semdiff

import (
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strings"

	"github.com/google/go-cmp/cmp"
)

// valueChanges lists the paths at which two decoded documents (maps,
// slices and scalars as encoding/json or YAML produce them) differ.
func valueChanges(old, new any) []Change {
	r := &pathReporter{}
	cmp.Equal(old, new, cmp.Reporter(r))
	sort.SliceStable(r.changes, func(i, j int) bool { return r.changes[i].Path < r.changes[j].Path })
	return r.changes
}

// pathReporter collects the leaves go-cmp finds unequal, with their path.
type pathReporter struct {
	path    cmp.Path
	changes []Change
}

func (r *pathReporter) PushStep(ps cmp.PathStep) { r.path = append(r.path, ps) }
func (r *pathReporter) PopStep()                 { r.path = r.path[:len(r.path)-1] }

func (r *pathReporter) Report(rs cmp.Result) {
	if rs.Equal() {
		return
	}
	vx, vy := r.path.Last().Values()
	c := Change{Op: OpChange, Path: pathString(r.path), Old: show(vx), New: show(vy)}
	switch {
	case !vx.IsValid():
		c.Op = OpAdd
	case !vy.IsValid():
		c.Op = OpRemove
	}
	r.changes = append(r.changes, c)
}

var identRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*$`)

// pathString writes a go-cmp path the way a reader of the file would:
// a.b["c.d"][2].
func pathString(p cmp.Path) string {
	var b strings.Builder
	for _, step := range p {
		switch s := step.(type) {
		case cmp.MapIndex:
			key := fmt.Sprint(s.Key().Interface())
			switch {
			case identRE.MatchString(key) && b.Len() == 0:
				b.WriteString(key)
			case identRE.MatchString(key):
				b.WriteString("." + key)
			default:
				fmt.Fprintf(&b, "[%q]", key)
			}
		case cmp.SliceIndex:
			ix, iy := s.SplitKeys()
			if iy < 0 {
				iy = ix
			}
			fmt.Fprintf(&b, "[%d]", iy)
		}
	}
	if b.Len() == 0 {
		return "(whole value)"
	}
	return b.String()
}

// maxShown bounds how much of a value is printed; the path says where
// to look for the rest.
const maxShown = 120

// show prints a value as compact JSON; "" when absent.
func show(v reflect.Value) string {
	if !v.IsValid() {
		return ""
	}
	if v.Kind() == reflect.Interface && v.IsNil() {
		return "null"
	}
	data, err := json.Marshal(v.Interface())
	if err != nil {
		return fmt.Sprint(v.Interface())
	}
	s := string(data)
	if len(s) > maxShown {
		s = s[:maxShown-3] + "..."
	}
	return s
}
