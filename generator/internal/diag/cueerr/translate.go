// Package cueerr translates CUE evaluation errors into the generator's
// diagnostics (package diag): one message per field, at the line the user
// wrote, naming the rule that was broken in the words of the environment
// file rather than of CUE's evaluator. It reads CUE's messages, whose
// recognised kinds are listed in Kinds, and the schema the value was
// checked against; it reads no file: the loader hands it the bytes of the
// file it already read.
package cueerr

import (
	"fmt"
	"path/filepath"
	"strings"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/errors"
	"cuelang.org/go/cue/token"

	"github.com/coder-eks/coder-eks/generator/internal/diag"
)

// Input is what the errors are reported against. Positions are made
// relative to Root and, where an error touches the environment file being
// evaluated (File), that file's position is the one reported: it is the
// line the user wrote and can change.
type Input struct {
	Root string // the repository root
	File string // the environment file, as CUE names it; "" for none
	// Src is File's content, as the loader read it: a message quotes the
	// value as written from it. Nil when File is "" or was not read.
	Src []byte
}

// Schema is what the translation knows of the schema beside the errors.
// The zero Schema is fine: messages then say less.
type Schema struct {
	// Def is the definition the value was checked against. It lets a
	// message name what the schema expects: the nearest valid name for
	// an unknown field, the type a field takes, the value a fixed field
	// must have. Paths are reported relative to it, so
	// "#Environment.vpc_cidr" reads "vpc_cidr".
	Def cue.Value
	// Secrets is the definition whose fields marked @secret() (see
	// schemainfo.Secret) never have their value quoted; Def when zero. A
	// file checked on its own, without Def, still names the secrets.
	Secrets cue.Value
	// Forms are how values of the schema's named types are written.
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
	From, To            diag.Position // the type's expression in the schema
}

func (f Form) contains(p diag.Position) bool {
	after := func(a, b diag.Position) bool { return a.Line > b.Line || a.Line == b.Line && a.Col >= b.Col }
	return p.File == f.From.File && after(p, f.From) && after(f.To, p)
}

// Translate turns a CUE error into diagnostics, sorted. A nil err gives
// none.
func Translate(err error, in Input, sch Schema) diag.List {
	if err == nil {
		return nil
	}
	if !sch.Secrets.Exists() {
		sch.Secrets = sch.Def
	}
	src := source{root: in.Root, envFile: in.File, lines: lines(in.Src), def: sch.Def, schema: sch}
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
	var out, noise diag.List
	var shadowed []errors.Error
	for _, p := range paths {
		if shadowedNotAllowed(p, byPath[p], paths) {
			shadowed = append(shadowed, byPath[p]...)
			continue
		}
		if l, isNoise := src.fromGroup(p, byPath[p]); isNoise {
			noise = append(noise, l...)
		} else {
			out = append(out, l...)
		}
	}
	if len(out) == 0 {
		out, noise = noise, nil
	}
	// What was dropped was recognised too: the diagnostics kept account
	// for it.
	dropped := kindsOf(shadowed...)
	for _, d := range noise {
		dropped = diag.JoinKinds(dropped, d.Kinds)
	}
	for i := range out {
		out[i].Kinds = diag.JoinKinds(out[i].Kinds, dropped)
		// A Go error CUE wraps names files by absolute path; the
		// message names them as the positions do, from the root.
		if in.Root != "" {
			out[i].Msg = strings.ReplaceAll(out[i].Msg, filepath.Clean(in.Root)+string(filepath.Separator), "")
		}
	}
	return src.oneReferencePerLine(DropConsequences(out, sch.Def).Sorted())
}

// lines splits a file's content into its lines; nil for no content.
func lines(src []byte) []string {
	if src == nil {
		return nil
	}
	return strings.Split(string(src), "\n")
}

// format is e's message with its own arguments: the %d of "incompatible
// list lengths" needs the numbers, not their text.
func format(e errors.Error) string {
	f, args := e.Msg()
	if m := fmt.Sprintf(f, args...); m != "" {
		return m
	}
	// An error CUE wraps from Go (BuildInstance failing to stat a file
	// of the package, a link to nothing) has an empty message: its text
	// is in Error alone. Without it the diagnostic read "-: ".
	if m := e.Error(); m != "" {
		return m
	}
	return "CUE reported an error without a message"
}

// written is the value as the user wrote it at pos: the rest of that line
// of the environment file, when it is a single literal.
func (s source) written(pos diag.Position) string {
	line, ok := s.line(pos)
	if !ok || pos.Col-1 > len(line) {
		return ""
	}
	text := line[pos.Col-1:]
	if i := strings.Index(text, "//"); i >= 0 {
		text = text[:i]
	}
	return strings.TrimSpace(text)
}

// DropConsequences removes what follows from another mistake once there
// is one: a field reported missing although the schema gives it a value
// (its default was derived from the broken field), and errors inside
// hidden helper fields (_defaults...), which the user never wrote.
func DropConsequences(l diag.List, def cue.Value) diag.List {
	paths := map[string]bool{}
	for _, d := range l {
		paths[d.Path] = true
	}
	var real diag.List
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
func elementOfFailedList(d diag.Diagnostic, paths map[string]bool) bool {
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
	lines         []string  // the environment file's, nil when not given
	def           cue.Value // zero when unknown
	schema        Schema
}

// line is the line of the environment file at pos, as written.
func (s source) line(pos diag.Position) (string, bool) {
	if s.envFile == "" || pos.File != diag.Relative(s.root, s.envFile) || pos.Line < 1 || pos.Line > len(s.lines) {
		return "", false
	}
	return s.lines[pos.Line-1], true
}

// formAt is the form whose type's expression holds p.
func (s source) formAt(p diag.Position) (Form, bool) {
	for _, f := range s.schema.Forms {
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
		if !kindNotAllowed.is(e) && !kindEmptyDisjunction.is(e) {
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
		// The same error often comes once per path that reaches it.
		if text := format(e); seen[text] {
			continue
		} else {
			seen[text] = true
		}
		switch {
		case kindEmptyDisjunction.is(e):
		case kindMismatchedTypes.is(e):
			g.mismatches = append(g.mismatches, e)
		case kindConflict.is(e):
			g.conflicts = append(g.conflicts, e)
		case kindNotAllowed.is(e):
			g.notAllowed = append(g.notAllowed, e)
		case kindBottom.is(e), kindInterpolation.is(e),
			// A list that fails a constraint is also compared with the
			// default list; the other error says what is wrong.
			kindListLengths.is(e):
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
func (s source) fromGroup(path string, errs []errors.Error) (out diag.List, noise bool) {
	g := classify(errs)
	for _, e := range g.notAllowed {
		out = append(out, diag.Diagnostic{Pos: s.position(e), Path: path, Msg: s.unknownField(path)})
	}
	for _, e := range g.others {
		d := diag.Diagnostic{Pos: s.position(e), Path: path, Msg: s.rule(path, e)}
		if strings.HasPrefix(d.Msg, missing) && s.envFile != "" {
			d.Pos = diag.Position{File: diag.Relative(s.root, s.envFile), Line: 1, Col: 1}
		}
		out = append(out, d)
	}
	switch {
	case len(out) > 0:
	case len(g.mismatches) > 0:
		// A value of the wrong type is wrong whatever the pattern: the
		// pattern's default it was also compared with is no rule of it.
		d := s.typeDiagnostic(path, g.mismatches)
		d.Kinds = kindsOf(errs...)
		return append(out, d), false
	case len(g.conflicts) == 1:
		out = append(out, s.fixedDiagnostic(path, g.conflicts[0]))
	case len(g.conflicts) > 1:
		out = append(out, s.enumDiagnostic(path, g.conflicts))
	default:
		for _, e := range g.noise {
			out = append(out, diag.Diagnostic{Pos: s.position(e), Path: path, Msg: s.rule(path, e)})
			noise = true
		}
	}
	kinds := kindsOf(errs...)
	for i := range out {
		out[i].Kinds = kinds
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
			if p.IsValid() && diag.Relative(s.root, p.Filename()) == patternsFile {
				at = diag.FromPos(s.root, p).String()
				return fmt.Sprintf(" (required by the environment's pattern, %s)", at), at
			}
		}
	}
	return "", ""
}

// enumDiagnostic reports a value outside an enum as the value and the
// allowed ones, instead of one conflict per allowed value.
func (s source) enumDiagnostic(path string, conflicts []errors.Error) diag.Diagnostic {
	given, allowed := commonArg(conflicts)
	// CUE reports a handful of a large disjunction's branches: the
	// schema's value lists them all, which the rule and the nearest
	// value must search.
	if all := s.allowedAt(path); len(all) > len(allowed) {
		allowed = all
	}
	sortValues(allowed)
	m := fmt.Sprintf("%s is not one of the allowed values (rule: %s)", s.show(path, given), strings.Join(allowed, " | "))
	if near, ok := diag.NearestValue(given, allowed); ok && !s.secret(path) {
		m += fmt.Sprintf("; did you mean %s?", near)
	}
	return diag.Diagnostic{Pos: s.position(conflicts[0]), Path: path, Msg: m}
}

// typeDiagnostic reports a value of the wrong type ("yes" for a bool).
// The type the schema gives the field tells which side of the conflict
// was given; without the schema, the value every conflict shares.
func (s source) typeDiagnostic(path string, mismatches []errors.Error) diag.Diagnostic {
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
	return diag.Diagnostic{
		Pos:  s.position(mismatches[0]),
		Path: path,
		Msg:  fmt.Sprintf("%s is a %s, the field takes %s (rule: type %s)", s.show(path, given), givenKind, article(want), want),
	}
}

// fixedDiagnostic reports a value that conflicts with one the schema sets:
// a field fixed to one value (coder_admin_token: "") or derived from
// other fields (aws_partition from aws_region).
func (s source) fixedDiagnostic(path string, e errors.Error) diag.Diagnostic {
	_, args := msg(e)
	fixed, given := args[0], args[1]
	if v, ok := s.concreteAt(path); ok {
		if v == given {
			fixed, given = given, fixed
		}
		return diag.Diagnostic{Pos: s.position(e), Path: path,
			Msg: fmt.Sprintf("%s is not allowed: the schema fixes this field to %s (rule: %s, declared at %s)",
				s.show(path, given), fixed, fixed, s.schemaPosition(e))}
	}
	pos := s.position(e)
	if w := s.written(pos); w == fixed || w == given {
		if w == fixed {
			fixed, given = given, fixed
		}
		// The other value may be the file's too (a field set twice): a
		// secret's is not quoted either.
		if s.secret(path) {
			return diag.Diagnostic{Pos: pos, Path: path, Msg: "the value given is not allowed here: the schema requires another value"}
		}
		m := fmt.Sprintf("%s is not allowed here: the schema requires %s", given, fixed)
		if p := s.schemaPosition(e); p.File != "" {
			m += fmt.Sprintf(" (rule: %s, declared at %s)", fixed, p)
		}
		return diag.Diagnostic{Pos: pos, Path: path, Msg: m}
	}
	m := fmt.Sprintf("conflicting values %s and %s: the field holds one value and both are set", s.show(path, fixed), s.show(path, given))
	if p := s.schemaPosition(e); p.File != "" {
		m += fmt.Sprintf(" (the schema's rule is at %s)", p)
	}
	return diag.Diagnostic{Pos: s.position(e), Path: path, Msg: m}
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

// position picks the most useful place for an error: the last position in
// the environment file (the field's value, not the line that embeds the
// schema), else the error's own position, else the first input position.
// An error with no position in the environment file but about it (a
// missing field) points at the file's first line.
func (s source) position(e errors.Error) diag.Position {
	var best token.Pos
	all := append([]token.Pos{e.Position()}, e.InputPositions()...)
	for _, p := range all {
		if p.IsValid() && p.Filename() == s.envFile && (!best.IsValid() || p.Offset() > best.Offset()) {
			best = p
		}
	}
	if !best.IsValid() {
		if kindIncomplete.is(e) && s.envFile != "" {
			return diag.Position{File: diag.Relative(s.root, s.envFile), Line: 1, Col: 1}
		}
		for _, p := range all {
			if p.IsValid() {
				best = p
				break
			}
		}
	}
	if !best.IsValid() {
		return diag.Position{File: diag.Relative(s.root, s.envFile), Line: 1, Col: 1}
	}
	return diag.FromPos(s.root, best)
}

// schemaPosition is the first position of e outside the environment file:
// where the schema states the rule that was broken.
func (s source) schemaPosition(e errors.Error) diag.Position {
	for _, p := range append([]token.Pos{e.Position()}, e.InputPositions()...) {
		if p.IsValid() && p.Filename() != s.envFile {
			return diag.FromPos(s.root, p)
		}
	}
	return diag.Position{}
}

// quoteHint is, for a reference at pos that is the whole value of its
// line ("owner: platform"), the line as it reads with the value quoted:
// an unquoted string is the usual cause.
func (s source) quoteHint(pos diag.Position) string {
	line, ok := s.line(pos)
	if !ok {
		return ""
	}
	label, value, ok := strings.Cut(line, ":")
	value = strings.TrimSpace(value)
	if i := strings.Index(value, "//"); i >= 0 {
		value = strings.TrimSpace(value[:i])
	}
	if !ok || value == "" || strings.ContainsAny(value, "\"[{") {
		return ""
	}
	return fmt.Sprintf(" (rule: a value is a literal; a text value is quoted: %s: %q)", strings.TrimSpace(label), value)
}

// oneReferencePerLine keeps the first of the unresolved references on a
// line of the environment file: "platform-engineering" unquoted is two
// references and one mistake.
func (s source) oneReferencePerLine(l diag.List) diag.List {
	out := l[:0]
	seen := map[int]bool{}
	for _, d := range l {
		if _, inFile := s.line(d.Pos); inFile && strings.Contains(" "+d.Kinds+" ", " "+kindReference.Name+" ") {
			if seen[d.Pos.Line] {
				continue
			}
			seen[d.Pos.Line] = true
		}
		out = append(out, d)
	}
	return out
}
