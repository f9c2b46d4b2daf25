package load

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/token"

	"github.com/coder-eks/coder-eks/generator/internal/diag"
	"github.com/coder-eks/coder-eks/generator/internal/schemainfo"
)

// Cross-field constraints are reported at the line the user wrote. CUE
// reports a bound written on one field at that field, in the schema's
// words (control_node_max_size: 8 is out of range (rule: >=9)), even
// when the user changed the other one; and it does not apply a bound
// written inside `T & >=other | *default` to the default at all, so
// prov_node_min_size: 25 with the default prov_node_max_size (20) passed.
// The relations are read from the schema as written (schemainfo); this
// file only compares the values each side ended up with.

// relationScope is the schema's cross-field constraints for one
// environment: the environment's own and those of every element of its
// list fields (secondary_regions).
type relationScope struct {
	own          []schemainfo.Relation
	elements     map[string][]schemainfo.Relation
	elementTypes map[string][]string
	// defaultSources name, per list field, the environment field an
	// element field's default is taken from.
	defaultSources map[string]map[string]string
	conds          []schemainfo.Conditional
	// refs are the fields each field's expression reads.
	refs map[string][]string
}

func readRelations(files []*ast.File) relationScope {
	label := EnvironmentDef.String()
	return relationScope{
		own:            schemainfo.Relations(files, label),
		elements:       schemainfo.ElementRelations(files, label),
		elementTypes:   schemainfo.ElementTypes(files, label),
		defaultSources: schemainfo.ElementDefaultSources(files, label),
		conds:          schemainfo.Conditionals(files, label),
		refs:           schemainfo.References(files, label),
	}
}

// side is one field of a relation as the environment has it.
type side struct {
	path  string // CUE path as diagnostics print it ("secondary_regions.0.region")
	value cue.Value
	set   bool          // the environment file sets it
	pos   diag.Position // of the user's value when set
}

// relationChecker compares relations over one evaluated environment.
type relationChecker struct {
	root, file string
	user, env  cue.Value // the file's own fields; the file unified with the schema
	// elementTypes are the names every element of a list field unifies.
	elementTypes   map[string][]string
	defaultSources map[string]map[string]string
	// without evaluates the environment again with the file's field at
	// path left out; nil when that is not possible.
	without func(path string) cue.Value
}

// side is the field at path as the environment has it: the file's value,
// else its default; unless is the relation's other field, set by the
// file, whose value may have knocked the default out.
func (c relationChecker) side(path, unless string) (side, bool) {
	p := cue.ParsePath(path)
	s := side{path: diagPath(path)}
	if u := c.user.LookupPath(p); u.Exists() && u.IsConcrete() && u.Err() == nil {
		s.value, s.set = u, true
		s.pos = diag.FromPos(c.root, valuePos(u))
		if s.pos.File == "" {
			s.pos = diag.Position{File: diag.Relative(c.root, c.file), Line: 1, Col: 1}
		}
		return s, true
	}
	v := c.env.LookupPath(p)
	if (!v.Exists() || v.Err() != nil || !concreteOrDefault(v)) && c.without != nil && unless != "" {
		// The default the field gets when the field conflicting with
		// it is left out: the conflict may have failed the field or
		// only knocked its default out (a default is checked against
		// the field's bounds: control_node_max_size's *3 against
		// >=control_node_min_size, #NodeGroups).
		v = c.without(unless).LookupPath(p)
	}
	if !v.Exists() || v.Err() != nil {
		// A list element that fails is not there to look into: its
		// defaults are those of the hidden struct every element unifies
		// (secondary_regions' _secondaryDefaults).
		v = c.elementDefault(p)
	}
	if d, ok := v.Default(); ok {
		v = d
	}
	if !v.Exists() || v.Err() != nil || !v.IsConcrete() {
		return side{}, false
	}
	s.value = v
	return s, true
}

// concreteOrDefault is whether v is concrete or has a concrete default.
func concreteOrDefault(v cue.Value) bool {
	if d, ok := v.Default(); ok {
		v = d
	}
	return v.IsConcrete()
}

// diagPath writes a CUE path the way CUE's own errors do: list indexes as
// path elements (secondary_regions.0.region).
func diagPath(path string) string {
	return strings.NewReplacer("[", ".", "]", "").Replace(path)
}

// check lists a diagnostic per broken relation, at the user's line.
func (c relationChecker) check(rs relationScope) diag.List {
	var out diag.List
	for _, r := range rs.own {
		out = append(out, c.relation(r, "", "")...)
	}
	for list, rels := range rs.elements {
		n, _ := c.env.LookupPath(cue.MakePath(cue.Str(list))).Len().Int64()
		if u := c.user.LookupPath(cue.MakePath(cue.Str(list))); u.Exists() {
			if un, err := u.Len().Int64(); err == nil {
				n = max(n, un)
			}
		}
		for i := range int(n) {
			prefix := fmt.Sprintf("%s[%d].", list, i)
			for _, r := range rels {
				other := prefix
				if r.OtherOuter {
					other = ""
				}
				out = append(out, c.relation(r, prefix, other)...)
			}
		}
	}
	return mergeSamePlace(out)
}

// relation checks one relation, with its field under prefix and the
// other field under otherPrefix.
func (c relationChecker) relation(r schemainfo.Relation, prefix, otherPrefix string) diag.List {
	a, ok1 := c.side(prefix+r.Field, otherPrefix+r.Other)
	b, ok2 := c.side(otherPrefix+r.Other, prefix+r.Field)
	if !ok1 || !ok2 {
		return nil
	}
	holds, ok := compare(a.value, r.Op, b.value)
	if !ok || holds {
		return nil
	}
	rule := fmt.Sprintf("%s %s %s, %s", a.path, r.Op, b.path, diag.FromPos(c.root, r.Pos))
	// Report at the field the user set; for a pair, at the bounded field,
	// naming the other's line.
	subject, other, op := a, b, r.Op
	if !a.set && b.set {
		subject, other, op = b, a, inverse(r.Op)
	}
	m := fmt.Sprintf("%s %s %s %s", show(subject.value), broken(op), other.path, show(other.value))
	switch {
	case subject.set && other.set:
		m += fmt.Sprintf(" (set at %s)", other.pos)
	case subject.set:
		m += fmt.Sprintf(", its default (%s does not set %s%s)", diag.Relative(c.root, c.file), other.path, c.defaultSource(other.path))
	default:
		m += fmt.Sprintf(", and neither is set: %s does not set %s or %s, these are their defaults", diag.Relative(c.root, c.file), subject.path, other.path)
	}
	m += fmt.Sprintf(" (rule: %s)", rule)
	switch {
	case subject.set && other.set:
		m += "; change one of them"
	case subject.set:
		m += fmt.Sprintf("; set %s too, or change %s", other.path, subject.path)
	}
	pos := subject.pos
	if !subject.set {
		pos = diag.FromPos(c.root, r.Pos)
	}
	return diag.List{{Pos: pos, Path: subject.path, Msg: m}}
}

// compare evaluates a op b: numbers by value, strings for (in)equality.
func compare(a cue.Value, op string, b cue.Value) (holds, ok bool) {
	if x, err := a.Float64(); err == nil {
		y, err := b.Float64()
		if err != nil {
			return false, false
		}
		switch op {
		case ">=":
			return x >= y, true
		case "<=":
			return x <= y, true
		case ">":
			return x > y, true
		case "<":
			return x < y, true
		case "!=":
			return x != y, true
		}
		return false, false
	}
	x, err1 := a.String()
	y, err2 := b.String()
	if err1 != nil || err2 != nil || op != "!=" {
		return false, false
	}
	return x != y, true
}

// broken words a relation that does not hold, seen from its left side.
func broken(op string) string {
	return map[string]string{
		">=": "is less than",
		"<=": "is more than",
		">":  "is not more than",
		"<":  "is not less than",
		"!=": "is the same as",
	}[op]
}

// inverse is the operator seen from the other side: a >= b is b <= a.
func inverse(op string) string {
	return map[string]string{">=": "<=", "<=": ">=", ">": "<", "<": ">", "!=": "!="}[op]
}

// mergeSamePlace joins diagnostics of one field at one position (a
// minimum raised above two defaults) into one line.
func mergeSamePlace(l diag.List) diag.List {
	var out diag.List
	at := map[string]int{}
	for _, d := range l {
		key := d.Pos.String() + " " + d.Path
		if i, ok := at[key]; ok {
			out[i].Msg += "; and " + d.Msg
			continue
		}
		at[key] = len(out)
		out = append(out, d)
	}
	return out
}

// related lists the fields the diagnostics of a relation check speak
// for: CUE's own reports of them are the same mistake in other words.
func related(rs relationScope, l diag.List) diag.List {
	var out diag.List
	names := map[string]bool{}
	for _, d := range l {
		names[d.Path] = true
	}
	add := func(path string) {
		if !names[path] {
			names[path] = true
			out = append(out, diag.Diagnostic{Path: path})
		}
	}
	for _, r := range rs.own {
		if names[r.Field] || names[r.Other] {
			add(r.Field)
			add(r.Other)
		}
	}
	for list, rels := range rs.elements {
		for _, d := range l {
			rest, ok := strings.CutPrefix(d.Path, list+".")
			if !ok {
				continue
			}
			idx, _, _ := strings.Cut(rest, ".")
			for _, r := range rels {
				f := list + "." + idx + "."
				if !r.OtherOuter {
					add(f + r.Other)
				}
				add(f + r.Field)
			}
		}
	}
	return append(out, l...)
}

// requiredBy moves a "required field is missing" diagnostic of a field
// the schema requires only under a condition (an ARN when
// create_acm_certificate is false) from the file's first line to the line
// where the user set what the condition reads, and says so.
func (c relationChecker) requiredBy(rs relationScope, l diag.List) diag.List {
	out := append(diag.List(nil), l...)
	for i, d := range out {
		rest, ok := strings.CutPrefix(d.Msg, "required field is missing")
		if !ok {
			continue
		}
		cond, trigger, ok := c.trigger(rs, d.Path, 0)
		if !ok {
			continue
		}
		m := fmt.Sprintf("%s requires %s, which is not set", show(trigger.value), d.Path)
		if strings.Contains(rest, "give at least one item") {
			m += ": give at least one item"
		}
		out[i] = diag.Diagnostic{
			Pos:  trigger.pos,
			Path: trigger.path,
			Msg:  m + fmt.Sprintf(" (rule: if %s, %s is required; %s)", cond.Condition, d.Path, diag.FromPos(c.root, cond.Pos)),
		}
	}
	return out
}

// trigger is the field the user set that makes field required, through
// at most one derived field (aws_partition, which aws_region sets).
func (c relationChecker) trigger(rs relationScope, field string, depth int) (schemainfo.Conditional, side, bool) {
	for _, cond := range rs.conds {
		if cond.Field != field {
			continue
		}
		for _, ref := range cond.Refs {
			if s, ok := c.side(ref, ""); ok && s.set {
				return cond, s, true
			}
			if depth == 0 {
				if _, s, ok := c.trigger(rs, ref, depth+1); ok {
					return cond, s, true
				}
			}
		}
	}
	return schemainfo.Conditional{}, side{}, false
}

// crossField puts CUE's diagnostics of cross-field constraints at the
// user's line: broken relations (checked even where CUE found nothing,
// for defaults) replace CUE's reports of the fields involved, and a field
// required under a condition is reported where the condition was set.
func crossField(rs relationScope, c relationChecker, errs diag.List) diag.List {
	c.elementTypes, c.defaultSources = rs.elementTypes, rs.defaultSources
	errs = c.requiredBy(rs, errs)
	errs = c.derived(rs, errs)
	errs = c.because(rs, errs)
	broken := c.check(rs)
	if len(broken) == 0 {
		return errs
	}
	return append(broken, errs.Without(related(rs, broken))...)
}

// valuePos is where the file writes v's value: the literal after the
// label, as CUE's own errors report it.
func valuePos(v cue.Value) token.Pos {
	if f, ok := v.Source().(*ast.Field); ok {
		return f.Value.Pos()
	}
	return v.Pos()
}

// show quotes a string value as the file writes it.
func show(v cue.Value) string {
	if s, err := v.String(); err == nil {
		return strconv.Quote(s)
	}
	return fmt.Sprint(v)
}

// dropField removes the field at path (a.b[0].c) from f; false when f
// does not write it.
func dropField(f *ast.File, path cue.Path) bool {
	return dropIn(&f.Decls, path.Selectors())
}

func dropIn(decls *[]ast.Decl, sels []cue.Selector) bool {
	if len(sels) == 0 {
		return false
	}
	for j, d := range *decls {
		field, ok := d.(*ast.Field)
		if !ok {
			continue
		}
		if name, _, _ := ast.LabelName(field.Label); name != sels[0].Unquoted() {
			continue
		}
		if len(sels) == 1 {
			*decls = append((*decls)[:j:j], (*decls)[j+1:]...)
			return true
		}
		next, rest := field.Value, sels[1:]
		if l, ok := next.(*ast.ListLit); ok && rest[0].Type() == cue.IndexLabel {
			if rest[0].Index() >= len(l.Elts) {
				return false
			}
			next, rest = l.Elts[rest[0].Index()], rest[1:]
		}
		if st, ok := next.(*ast.StructLit); ok {
			return dropIn(&st.Elts, rest)
		}
		return false
	}
	return false
}

// elementDefault is the value the hidden struct of a list's elements
// gives the field at p (secondary_regions[0].prov_node_min_size).
func (c relationChecker) elementDefault(p cue.Path) cue.Value {
	sels := p.Selectors()
	if len(sels) < 3 || sels[1].Type() != cue.IndexLabel {
		return cue.Value{}
	}
	for _, name := range c.elementTypes[sels[0].Unquoted()] {
		it, err := c.env.Fields(cue.Hidden(true))
		if err != nil {
			return cue.Value{}
		}
		for it.Next() {
			if it.Selector().LabelType() == cue.HiddenLabel && it.Selector().String() == name {
				if v := it.Value().LookupPath(cue.MakePath(sels[2:]...)); v.Exists() {
					return v
				}
			}
		}
	}
	return cue.Value{}
}

// defaultSource says where a list element field's default comes from
// when it is another field the file sets: ", which takes
// prov_node_min_size (set at ...)".
func (c relationChecker) defaultSource(path string) string {
	parts := strings.Split(path, ".")
	if len(parts) != 3 {
		return ""
	}
	src, ok := c.defaultSources[parts[0]][parts[2]]
	if !ok {
		return ""
	}
	s, ok := c.side(src, "")
	if !ok || !s.set {
		return fmt.Sprintf(", which takes %s", src)
	}
	return fmt.Sprintf(", which takes %s, set at %s", src, s.pos)
}

// derived moves a diagnostic the schema reports at its own line, for a
// field the file does not set but the schema derives from fields it does
// (cluster_autoscaler_image_tag from eks_cluster_version), to the line of
// the field the user set, naming the derived field and the rule's place.
func (c relationChecker) derived(rs relationScope, l diag.List) diag.List {
	file := diag.Relative(c.root, c.file)
	out := append(diag.List(nil), l...)
	for i, d := range out {
		if d.Pos.File == file || strings.Contains(d.Path, ".") {
			continue
		}
		if s, ok := c.side(d.Path, ""); ok && s.set {
			continue
		}
		var set []side
		for _, ref := range rs.refs[d.Path] {
			if s, ok := c.side(ref, ""); ok && s.set {
				set = append(set, s)
			}
		}
		if len(set) == 0 {
			continue
		}
		m := fmt.Sprintf("%s: %s, which the schema derives from it", show(set[0].value), d.Path)
		for _, s := range set[1:] {
			m += fmt.Sprintf(" and from %s (set at %s)", s.path, s.pos)
		}
		out[i] = diag.Diagnostic{Pos: set[0].pos, Path: set[0].path,
			Msg: fmt.Sprintf("%s, fails: %s (rule at %s)", m, d.Msg, d.Pos)}
	}
	return out
}

// because adds, to a diagnostic about a rule the schema states under a
// condition (a pattern's: if pattern == "pubsec" {ws_use_spot_instances:
// false}), what made the condition hold: the condition's fields with
// their values and lines, or as defaults.
func (c relationChecker) because(rs relationScope, l diag.List) diag.List {
	out := append(diag.List(nil), l...)
	for i, d := range out {
		for _, cond := range rs.conds {
			at := diag.FromPos(c.root, cond.Pos)
			if cond.Field != d.Path || !strings.Contains(d.Msg, fmt.Sprintf("%s:%d:", at.File, at.Line)) {
				continue
			}
			var why []string
			for _, ref := range cond.Refs {
				s, ok := c.side(ref, "")
				switch {
				case !ok:
				case s.set:
					why = append(why, fmt.Sprintf("%s is %s, set at %s", ref, show(s.value), s.pos))
				default:
					why = append(why, fmt.Sprintf("%s is %s, its default", ref, show(s.value)))
				}
			}
			if len(why) > 0 {
				out[i].Msg += fmt.Sprintf(" (the rule applies because %s)", strings.Join(why, " and "))
			}
			break
		}
	}
	return c.derivedBy(rs, out)
}

// derivedBy adds, to a diagnostic of a field the file sets although the
// schema sets it from other fields under conditions (aws_partition from
// aws_region), which fields those are, with their values and lines.
func (c relationChecker) derivedBy(rs relationScope, l diag.List) diag.List {
	for i, d := range l {
		if s, ok := c.side(d.Path, ""); !ok || !s.set || strings.Contains(d.Msg, "(the rule applies because") {
			continue
		}
		var refs []string
		for _, cond := range rs.conds {
			if cond.Field == d.Path && !slices.Contains(refs, "pattern") {
				for _, r := range cond.Refs {
					if !slices.Contains(refs, r) {
						refs = append(refs, r)
					}
				}
			}
		}
		if len(refs) != 1 || refs[0] == "pattern" {
			continue // a pattern's rules name the pattern through because
		}
		from, ok := c.side(refs[0], "")
		if !ok {
			continue
		}
		where := "its default"
		if from.set {
			where = "set at " + from.pos.String()
		}
		l[i].Msg += fmt.Sprintf(" (the schema sets %s from %s, which is %s, %s: leave %s out)", d.Path, refs[0], show(from.value), where, d.Path)
	}
	return l
}
