package diag

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"cuelang.org/go/cue/errors"
	"cuelang.org/go/cue/token"
)

// FromCUE turns a CUE evaluation error into diagnostics. Positions are made
// relative to root and, where the error touches the environment file being
// evaluated (envFile), that file's position is the one reported: it is the
// line the user wrote and can change.
func FromCUE(err error, root, envFile string) List {
	byPath := map[string][]errors.Error{}
	var paths []string
	for _, e := range errors.Errors(err) {
		p := strings.Join(e.Path(), ".")
		if _, ok := byPath[p]; !ok {
			paths = append(paths, p)
		}
		byPath[p] = append(byPath[p], e)
	}
	var out List
	for _, p := range paths {
		out = append(out, fromGroup(p, byPath[p], root, envFile)...)
	}
	return out.Sorted()
}

var (
	conflictRE = regexp.MustCompile(`^conflicting values (.+?) and (.+?)(?: \(mismatched types (\S+) and (\S+)\))?$`)
	patternRE  = regexp.MustCompile(`^invalid value (.+) \(out of bound =~"(.*)"\)$`)
)

// longPattern is the length past which a regular expression is not worth
// printing: the schema position tells where to read it.
const longPattern = 60

// fromGroup simplifies the errors CUE reports for one field. A field with a
// default is a disjunction, so a bad value fails twice: once against the
// default ("conflicting values 200 and 500") and once against the
// constraint; only the second says what is wrong. When every branch is a
// conflict, the field is an enum and the branches are its allowed values.
func fromGroup(path string, errs []errors.Error, root, envFile string) List {
	var conflicts, others []errors.Error
	seen := map[string]bool{}
	for _, e := range errs {
		msg := message(e)
		if seen[msg] {
			continue
		}
		seen[msg] = true
		switch {
		case strings.HasSuffix(msg, "errors in empty disjunction:"):
		case conflictRE.MatchString(msg):
			conflicts = append(conflicts, e)
		default:
			others = append(others, e)
		}
	}
	others = dropEchoes(others)
	var out List
	for _, e := range others {
		out = append(out, Diagnostic{Pos: position(e, root, envFile), Path: path, Msg: rewrite(e, root, envFile) + patternNote(e, root)})
	}
	if len(others) > 0 || len(conflicts) == 0 {
		return out
	}
	if len(conflicts) == 1 {
		e := conflicts[0]
		msg := message(e)
		if sensitive(path) {
			msg = "the value given conflicts with the schema; see the field's comment at " + declared(e, root, envFile)
		}
		if m := conflictRE.FindStringSubmatch(msg); m != nil && m[3] != "" {
			msg = fmt.Sprintf("%s and %s have different types (%s, %s)", m[1], m[2], m[3], m[4])
		}
		return List{{Pos: position(e, root, envFile), Path: path, Msg: msg + patternNote(e, root)}}
	}
	return List{enumDiagnostic(path, conflicts, root, envFile)}
}

// enumDiagnostic reports a value outside an enum as the value and the
// allowed ones, instead of one conflict per allowed value; a value of the
// wrong type as its type and the type wanted.
func enumDiagnostic(path string, conflicts []errors.Error, root, envFile string) Diagnostic {
	count := map[string]int{}
	types := map[string]string{}
	for _, e := range conflicts {
		m := conflictRE.FindStringSubmatch(message(e))
		count[m[1]]++
		count[m[2]]++
		if m[3] != "" {
			types[m[1]], types[m[2]] = m[3], m[4]
		}
	}
	var given string
	var others []string
	for v, n := range count {
		if n == len(conflicts) && given == "" {
			given = v
			continue
		}
		others = append(others, v)
	}
	sort.Strings(others)
	if sensitive(path) {
		given = "the value given"
	}
	msg := fmt.Sprintf("%s is not allowed; allowed values: %s", given, strings.Join(others, ", "))
	if t, ok := types[given]; ok {
		msg = fmt.Sprintf("%s is a %s, want %s", given, t, types[others[0]])
	}
	return Diagnostic{Pos: position(conflicts[0], root, envFile), Path: path, Msg: msg}
}

// sensitive reports whether a field may hold a secret the user pasted by
// mistake, whose value must not reach a CI log.
func sensitive(path string) bool {
	for _, s := range []string{"token", "password", "secret"} {
		if strings.Contains(path, s) && !strings.HasSuffix(path, "_arn") {
			return true
		}
	}
	return false
}

// patternsFile is where the deployment patterns' constraints live.
const patternsFile = "schema/patterns.cue"

// patternNote names the pattern constraint an error comes from, if any:
// the value is valid for the field but not for the environment's pattern.
func patternNote(e errors.Error, root string) string {
	for _, p := range append([]token.Pos{e.Position()}, e.InputPositions()...) {
		if p.IsValid() && Relative(root, p.Filename()) == patternsFile {
			return fmt.Sprintf(" (required by the environment's pattern, %s)", FromPos(root, p))
		}
	}
	return ""
}

// dropEchoes removes the "incompatible list lengths" error CUE adds when a
// list the user gave fails a constraint and is then also compared with
// the field's default list: the other error says what is wrong.
func dropEchoes(errs []errors.Error) []errors.Error {
	if len(errs) < 2 {
		return errs
	}
	var out []errors.Error
	for _, e := range errs {
		if !strings.HasPrefix(message(e), "incompatible list lengths") {
			out = append(out, e)
		}
	}
	if len(out) == 0 {
		return errs
	}
	return out
}

func message(e errors.Error) string {
	f, args := e.Msg()
	return fmt.Sprintf(f, args...)
}

// rewrite puts CUE's wording into the user's terms: a missing value is a
// missing required field (with where the schema declares it), and a long
// regular expression is replaced by where the schema defines it.
func rewrite(e errors.Error, root, envFile string) string {
	msg := message(e)
	if strings.HasPrefix(msg, "incomplete value") {
		return fmt.Sprintf("required field is missing: it has no default (declared at %s)", declared(e, root, envFile))
	}
	if m := patternRE.FindStringSubmatch(msg); m != nil && len(m[2]) > longPattern {
		return fmt.Sprintf("invalid value %s: does not match the pattern defined at %s", m[1], declared(e, root, envFile))
	}
	return msg
}

// declared is the first position of an error outside the environment file:
// where the schema states the rule that was broken.
func declared(e errors.Error, root, envFile string) string {
	for _, p := range append([]token.Pos{e.Position()}, e.InputPositions()...) {
		if p.IsValid() && p.Filename() != envFile {
			return FromPos(root, p).String()
		}
	}
	return "-"
}

// position picks the most useful place for an error: the last position in
// the environment file (the field's value, not the line that embeds the
// schema), else the error's own position, else the first input position.
// An error with no position in the environment file but about it (a
// missing field) points at the file's first line.
func position(e errors.Error, root, envFile string) Position {
	var best token.Pos
	all := append([]token.Pos{e.Position()}, e.InputPositions()...)
	for _, p := range all {
		if p.IsValid() && p.Filename() == envFile && (!best.IsValid() || p.Offset() > best.Offset()) {
			best = p
		}
	}
	if !best.IsValid() {
		if strings.HasPrefix(message(e), "incomplete value") && envFile != "" {
			return Position{File: Relative(root, envFile), Line: 1, Col: 1}
		}
		for _, p := range all {
			if p.IsValid() {
				best = p
				break
			}
		}
	}
	if !best.IsValid() {
		return Position{File: Relative(root, envFile), Line: 1, Col: 1}
	}
	return Position{File: Relative(root, best.Filename()), Line: best.Line(), Col: best.Column()}
}

// FromPos converts a CUE position.
func FromPos(root string, p token.Pos) Position {
	if !p.IsValid() {
		return Position{}
	}
	return Position{File: Relative(root, p.Filename()), Line: p.Line(), Col: p.Column()}
}
