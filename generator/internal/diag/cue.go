package diag

import (
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/errors"
	"cuelang.org/go/cue/token"
)

// FromCUE turns a CUE evaluation error into diagnostics. Positions are made
// relative to root and, where the error touches the environment file being
// evaluated (envFile), that file's position is the one reported: it is the
// line the user wrote and can change.
func FromCUE(err error, root, envFile string) List {
	return FromCUEWithSchema(err, root, envFile, cue.Value{})
}

// FromCUEWithSchema is FromCUE knowing the definition the file was checked
// against (def), which lets a message name what the schema expects: the
// nearest valid name for an unknown field, the type a field takes, the
// value a fixed field must have. Paths are reported relative to def, so
// "#Environment.vpc_cidr" reads "vpc_cidr". A nil err gives no diagnostics.
func FromCUEWithSchema(err error, root, envFile string, def cue.Value) List {
	return FromCUEWithHints(err, root, envFile, def, Hints{})
}

// Hints are what the schema says beside its constraints that helps a
// message: the written form of its value types, the names a map's keys
// may take.
type Hints struct {
	Forms []Form
	// KeyNames are, by the name of a map field (capabilities), the keys
	// its key pattern allows, for did-you-mean.
	KeyNames map[string][]string
}

// Form is how a value of a named schema type is written (an ARN, a cron
// expression), for a value that does not match the type's pattern: the
// expected form and an example say more than the regular expression.
type Form struct {
	Name, Form, Example string
	From, To            Position // the type's expression in the schema
}

func (f Form) contains(p Position) bool {
	after := func(a, b Position) bool { return a.Line > b.Line || a.Line == b.Line && a.Col >= b.Col }
	return p.File == f.From.File && after(p, f.From) && after(f.To, p)
}

// FromCUEWithHints is FromCUEWithSchema knowing the schema's hints.
func FromCUEWithHints(err error, root, envFile string, def cue.Value, h Hints) List {
	if err == nil {
		return nil
	}
	src := source{root: root, envFile: envFile, def: def, hints: h}
	byPath := map[string][]errors.Error{}
	var paths []string
	for _, e := range errors.Errors(err) {
		p := joinPath(e.Path())
		if _, ok := byPath[p]; !ok {
			paths = append(paths, p)
		}
		byPath[p] = append(byPath[p], e)
	}
	// A group that only repeats another error's consequence (a list
	// compared with its default list) is dropped once another group says
	// what is wrong.
	var out, noise List
	for _, p := range paths {
		if shadowedNotAllowed(p, byPath[p], paths) {
			continue
		}
		if l, isNoise := src.fromGroup(p, byPath[p]); isNoise {
			noise = append(noise, l...)
		} else {
			out = append(out, l...)
		}
	}
	if len(out) == 0 {
		out = noise
	}
	return DropConsequences(out, def).Sorted()
}

// format is e's message with its own arguments: the %d of "incompatible
// list lengths" needs the numbers, not their text.
func format(e errors.Error) string {
	f, args := e.Msg()
	return fmt.Sprintf(f, args...)
}

// written is the value as the user wrote it at pos: the rest of that line
// of the environment file, when it is a single literal.
func (s source) written(pos Position) string {
	if s.envFile == "" || pos.File != Relative(s.root, s.envFile) || pos.Line < 1 {
		return ""
	}
	data, err := os.ReadFile(s.envFile)
	if err != nil {
		return ""
	}
	lines := strings.Split(string(data), "\n")
	if pos.Line > len(lines) || pos.Col-1 > len(lines[pos.Line-1]) {
		return ""
	}
	text := lines[pos.Line-1][pos.Col-1:]
	if i := strings.Index(text, "//"); i >= 0 {
		text = text[:i]
	}
	return strings.TrimSpace(text)
}

// DropConsequences removes what follows from another mistake once there
// is one: a field reported missing although the schema gives it a value
// (its default was derived from the broken field), and errors inside
// hidden helper fields (_defaults...), which the user never wrote.
func DropConsequences(l List, def cue.Value) List {
	paths := map[string]bool{}
	for _, d := range l {
		paths[d.Path] = true
	}
	var real List
	for _, d := range l {
		if !strings.HasPrefix(d.Path, "_") && !(strings.HasPrefix(d.Msg, missing) && hasValue(def, d.Path)) &&
			!elementOfFailedList(d, paths) {
			real = append(real, d)
		}
	}
	if len(real) == 0 {
		return l
	}
	return real
}

// elementOfFailedList is whether d is a conflict of one element of a list
// that has an error of its own: a list that fails its constraint
// (list.UniqueItems) is also compared element by element with the
// default list, and those conflicts are not the user's mistake.
func elementOfFailedList(d Diagnostic, paths map[string]bool) bool {
	i := strings.LastIndex(d.Path, ".")
	return i > 0 && isIndex(d.Path[i+1:]) && paths[d.Path[:i]] && strings.HasPrefix(d.Msg, "conflicting values")
}

// hasValue is whether the schema alone gives the field a value: a default
// or one derived from other fields' defaults.
func hasValue(def cue.Value, path string) bool {
	if !def.Exists() {
		return false
	}
	v := def.LookupPath(cue.ParsePath(path))
	if _, ok := v.Default(); ok {
		return true
	}
	return v.IsConcrete()
}

// source is what a message is made relative to.
type source struct {
	root, envFile string
	def           cue.Value // zero when unknown
	hints         Hints
}

// formAt is the form whose type's expression holds p.
func (s source) formAt(p Position) (Form, bool) {
	for _, f := range s.hints.Forms {
		if f.contains(p) {
			return f, true
		}
	}
	return Form{}, false
}

// joinPath drops a leading definition name: errors of a value unified
// with #Environment are reported as "#Environment.<field>".
func joinPath(p []string) string {
	if len(p) > 0 && strings.HasPrefix(p[0], "#") {
		p = p[1:]
	}
	return strings.Join(p, ".")
}

// shadowedNotAllowed is whether path's only complaint is "field not
// allowed" while a deeper path has errors too. That happens when a value
// fails every branch of a disjunction: the default branch (a closed
// struct) rejects the new key, the other branch finds the real mistake
// inside it, and only the latter helps.
func shadowedNotAllowed(path string, errs []errors.Error, paths []string) bool {
	for _, e := range errs {
		if f, _ := msg(e); f != "field not allowed" && !isDisjunctionHeader(f) {
			return false
		}
	}
	for _, other := range paths {
		if strings.HasPrefix(other, path+".") {
			return true
		}
	}
	return false
}

// group sorts one field's errors by what they say.
type group struct {
	conflicts  []errors.Error // "conflicting values A and B"
	mismatches []errors.Error // conflicts of different types
	notAllowed []errors.Error // a field outside a closed struct
	others     []errors.Error // bounds, validators, missing values
	noise      []errors.Error // consequences of another error ("_|_")
}

func classify(errs []errors.Error) group {
	var g group
	seen := map[string]bool{}
	for _, e := range errs {
		f, _ := msg(e)
		// The same error often comes once per path that reaches it.
		if text := format(e); seen[text] {
			continue
		} else {
			seen[text] = true
		}
		switch {
		case isDisjunctionHeader(f):
		case f == "conflicting values %s and %s (mismatched types %s and %s)":
			g.mismatches = append(g.mismatches, e)
		case f == "conflicting values %s and %s":
			g.conflicts = append(g.conflicts, e)
		case f == "field not allowed":
			g.notAllowed = append(g.notAllowed, e)
		case strings.Contains(format(e), "_|_"), strings.HasPrefix(f, "invalid interpolation"),
			// A list that fails a constraint is also compared with the
			// default list; the other error says what is wrong.
			strings.HasPrefix(f, "incompatible list lengths"):
			g.noise = append(g.noise, e)
		default:
			g.others = append(g.others, e)
		}
	}
	return g
}

// fromGroup simplifies the errors CUE reports for one field. A field with a
// default is a disjunction, so a bad value fails twice: once against the
// default ("conflicting values 200 and 500") and once against the
// constraint; only the second says what is wrong. When every branch is a
// conflict, the field is an enum and the branches are its allowed values.
func (s source) fromGroup(path string, errs []errors.Error) (out List, noise bool) {
	g := classify(errs)
	for _, e := range g.notAllowed {
		out = append(out, Diagnostic{Pos: s.position(e), Path: path, Msg: s.unknownField(path)})
	}
	for _, e := range g.others {
		d := Diagnostic{Pos: s.position(e), Path: path, Msg: s.rule(path, e)}
		if strings.HasPrefix(d.Msg, missing) && s.envFile != "" {
			d.Pos = Position{File: Relative(s.root, s.envFile), Line: 1, Col: 1}
		}
		out = append(out, d)
	}
	switch {
	case len(out) > 0:
	case len(g.mismatches) > 0:
		out = append(out, s.typeDiagnostic(path, g.mismatches))
	case len(g.conflicts) == 1:
		out = append(out, s.fixedDiagnostic(path, g.conflicts[0]))
	case len(g.conflicts) > 1:
		out = append(out, s.enumDiagnostic(path, g.conflicts))
	default:
		for _, e := range g.noise {
			out = append(out, Diagnostic{Pos: s.position(e), Path: path, Msg: s.rule(path, e)})
			noise = true
		}
	}
	if note, at := s.patternNote(errs); note != "" {
		for i := range out {
			if strings.Contains(out[i].Msg, at) {
				out[i].Msg += " (required by the environment's pattern)"
			} else {
				out[i].Msg += note
			}
		}
	}
	return out, noise
}

// patternsFile is where the deployment patterns' constraints live.
const patternsFile = "schema/patterns.cue"

// patternNote names the pattern constraint a field's errors come from, if
// any: the value is valid for the field but not for the environment's
// pattern.
func (s source) patternNote(errs []errors.Error) (note, at string) {
	for _, e := range errs {
		for _, p := range append([]token.Pos{e.Position()}, e.InputPositions()...) {
			if p.IsValid() && Relative(s.root, p.Filename()) == patternsFile {
				at = FromPos(s.root, p).String()
				return fmt.Sprintf(" (required by the environment's pattern, %s)", at), at
			}
		}
	}
	return "", ""
}

// enumDiagnostic reports a value outside an enum as the value and the
// allowed ones, instead of one conflict per allowed value.
func (s source) enumDiagnostic(path string, conflicts []errors.Error) Diagnostic {
	given, allowed := commonArg(conflicts)
	// CUE reports a handful of a large disjunction's branches: the
	// schema's value lists them all, which the rule and the nearest
	// value must search.
	if all := s.allowedAt(path); len(all) > len(allowed) {
		allowed = all
	}
	sortValues(allowed)
	m := fmt.Sprintf("%s is not one of the allowed values (rule: %s)", s.show(path, given), strings.Join(allowed, " | "))
	if near, ok := NearestValue(given, allowed); ok && !sensitive(path) {
		m += fmt.Sprintf("; did you mean %s?", near)
	}
	return Diagnostic{Pos: s.position(conflicts[0]), Path: path, Msg: m}
}

// typeDiagnostic reports a value of the wrong type ("yes" for a bool).
// The type the schema gives the field tells which side of the conflict
// was given; without the schema, the value every conflict shares.
func (s source) typeDiagnostic(path string, mismatches []errors.Error) Diagnostic {
	_, args := msg(mismatches[0])
	given, givenKind, want := args[0], args[2], args[3]
	if k, ok := s.kindAt(path); ok {
		if args[2] == k {
			given, givenKind = args[1], args[3]
		}
		want = k
	} else if common, _ := commonArg(mismatches); common == args[1] {
		given, givenKind, want = args[1], args[3], args[2]
	}
	return Diagnostic{
		Pos:  s.position(mismatches[0]),
		Path: path,
		Msg:  fmt.Sprintf("%s is a %s, the field takes %s (rule: type %s)", s.show(path, given), givenKind, article(want), want),
	}
}

// fixedDiagnostic reports a value that conflicts with one the schema sets:
// a field fixed to one value (coder_admin_token: "") or derived from
// other fields (aws_partition from aws_region).
func (s source) fixedDiagnostic(path string, e errors.Error) Diagnostic {
	_, args := msg(e)
	fixed, given := args[0], args[1]
	if v, ok := s.concreteAt(path); ok {
		if v == given {
			fixed, given = given, fixed
		}
		return Diagnostic{Pos: s.position(e), Path: path,
			Msg: fmt.Sprintf("%s is not allowed: the schema fixes this field to %s (rule: %s, declared at %s)",
				s.show(path, given), fixed, fixed, s.schemaPosition(e))}
	}
	pos := s.position(e)
	if w := s.written(pos); w == fixed || w == given {
		if w == fixed {
			fixed, given = given, fixed
		}
		m := fmt.Sprintf("%s is not allowed here: the schema requires %s", s.show(path, given), fixed)
		if p := s.schemaPosition(e); p.File != "" {
			m += fmt.Sprintf(" (rule: %s, declared at %s)", fixed, p)
		}
		return Diagnostic{Pos: pos, Path: path, Msg: m}
	}
	m := fmt.Sprintf("conflicting values %s and %s: the field holds one value and both are set", s.show(path, fixed), s.show(path, given))
	if p := s.schemaPosition(e); p.File != "" {
		m += fmt.Sprintf(" (the schema's rule is at %s)", p)
	}
	return Diagnostic{Pos: s.position(e), Path: path, Msg: m}
}

// commonArg splits the conflicts' values into the one every conflict
// shares (the value given) and the others (what was allowed).
func commonArg(conflicts []errors.Error) (given string, others []string) {
	count := map[string]int{}
	var order []string
	for _, e := range conflicts {
		_, args := msg(e)
		for _, a := range args[:2] {
			if count[a] == 0 {
				order = append(order, a)
			}
			count[a]++
		}
	}
	for _, v := range order {
		if count[v] == len(conflicts) && given == "" {
			given = v
			continue
		}
		others = append(others, v)
	}
	return given, others
}

func msg(e errors.Error) (string, []string) {
	f, args := e.Msg()
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = fmt.Sprint(a)
	}
	return f, out
}

func isDisjunctionHeader(format string) bool {
	return strings.HasSuffix(format, "errors in empty disjunction:")
}

func anys(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// position picks the most useful place for an error: the last position in
// the environment file (the field's value, not the line that embeds the
// schema), else the error's own position, else the first input position.
// An error with no position in the environment file but about it (a
// missing field) points at the file's first line.
func (s source) position(e errors.Error) Position {
	var best token.Pos
	all := append([]token.Pos{e.Position()}, e.InputPositions()...)
	for _, p := range all {
		if p.IsValid() && p.Filename() == s.envFile && (!best.IsValid() || p.Offset() > best.Offset()) {
			best = p
		}
	}
	if !best.IsValid() {
		if f, _ := msg(e); strings.HasPrefix(f, "incomplete value") && s.envFile != "" {
			return Position{File: Relative(s.root, s.envFile), Line: 1, Col: 1}
		}
		for _, p := range all {
			if p.IsValid() {
				best = p
				break
			}
		}
	}
	if !best.IsValid() {
		return Position{File: Relative(s.root, s.envFile), Line: 1, Col: 1}
	}
	return FromPos(s.root, best)
}

// schemaPosition is the first position of e outside the environment file:
// where the schema states the rule that was broken.
func (s source) schemaPosition(e errors.Error) Position {
	for _, p := range append([]token.Pos{e.Position()}, e.InputPositions()...) {
		if p.IsValid() && p.Filename() != s.envFile {
			return FromPos(s.root, p)
		}
	}
	return Position{}
}

// FromPos converts a CUE position.
func FromPos(root string, p token.Pos) Position {
	if !p.IsValid() {
		return Position{}
	}
	return Position{File: Relative(root, p.Filename()), Line: p.Line(), Col: p.Column()}
}

// Focus drops, for every field that has a diagnostic in file, its
// diagnostics elsewhere: those are consequences in the schema of the value
// the file gave (an interpolation of a rejected value), not a second
// mistake.
func (l List) Focus(file string) List {
	inFile := map[string]bool{}
	for _, d := range l {
		if d.Pos.File == file {
			inFile[d.Path] = true
		}
	}
	var out List
	for _, d := range l {
		if d.Pos.File == file || !inFile[d.Path] {
			out = append(out, d)
		}
	}
	return out
}

// Without returns l less the diagnostics for the paths of other and what
// they hold (a list's items): a check that reported a field already needs
// no second report of it from CUE.
func (l List) Without(other List) List {
	drop := map[string]bool{}
	for _, d := range other {
		drop[d.Path] = true
	}
	var out List
	for _, d := range l {
		if !drop[d.Path] && !dropsParent(drop, d.Path) {
			out = append(out, d)
		}
	}
	return out
}

// dropsParent is whether a field holding path is in drop.
func dropsParent(drop map[string]bool, path string) bool {
	for i := strings.LastIndex(path, "."); i > 0; i = strings.LastIndex(path[:i], ".") {
		if drop[path[:i]] {
			return true
		}
	}
	return false
}

// sortValues orders allowed values numerically when they are numbers,
// else as text, so "90 | 120 | 365" reads in order.
func sortValues(v []string) {
	sort.SliceStable(v, func(i, j int) bool {
		a, aok := number(v[i])
		b, bok := number(v[j])
		if aok && bok {
			return a < b
		}
		return v[i] < v[j]
	})
}

// allowedAt lists the literal values the schema's disjunction at path
// allows (a field's enum, its default included), as CUE prints the
// evaluated disjunction; nil when the field is not an enum of literals.
func (s source) allowedAt(path string) []string {
	v, ok := s.lookup(path)
	if !ok || v.IncompleteKind()&(cue.StructKind|cue.ListKind) != 0 {
		return nil
	}
	text := fmt.Sprint(v)
	if strings.ContainsAny(text, "\n{[") {
		return nil
	}
	seen := map[string]bool{}
	var out []string
	for _, part := range strings.Split(text, " | ") {
		part = strings.TrimPrefix(strings.TrimSpace(part), "*")
		if _, err := strconv.Unquote(part); err != nil {
			if _, isNum := number(part); !isNum {
				continue
			}
		}
		if !seen[part] {
			seen[part] = true
			out = append(out, part)
		}
	}
	return out
}
