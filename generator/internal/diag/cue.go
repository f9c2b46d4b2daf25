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

var conflictRE = regexp.MustCompile(`^conflicting values (.+) and (.+)$`)

// fromGroup simplifies the errors CUE reports for one field. A field with a
// default is a disjunction, so a bad value fails twice: once against the
// default ("conflicting values 200 and 500") and once against the
// constraint; only the second says what is wrong. When every branch is a
// conflict, the field is an enum and the branches are its allowed values.
func fromGroup(path string, errs []errors.Error, root, envFile string) List {
	var conflicts, others []errors.Error
	for _, e := range errs {
		msg := message(e)
		switch {
		case strings.HasSuffix(msg, "errors in empty disjunction:"):
		case conflictRE.MatchString(msg):
			conflicts = append(conflicts, e)
		default:
			others = append(others, e)
		}
	}
	var out List
	for _, e := range others {
		out = append(out, Diagnostic{Pos: position(e, root, envFile), Path: path, Msg: rewrite(e, envFile)})
	}
	if len(others) > 0 || len(conflicts) == 0 {
		return out
	}
	if len(conflicts) == 1 {
		e := conflicts[0]
		return List{{Pos: position(e, root, envFile), Path: path, Msg: message(e)}}
	}
	return List{enumDiagnostic(path, conflicts, root, envFile)}
}

// enumDiagnostic reports a value outside an enum as the value and the
// allowed ones, instead of one conflict per allowed value.
func enumDiagnostic(path string, conflicts []errors.Error, root, envFile string) Diagnostic {
	count := map[string]int{}
	for _, e := range conflicts {
		m := conflictRE.FindStringSubmatch(message(e))
		count[m[1]]++
		count[m[2]]++
	}
	var given string
	var allowed []string
	for v, n := range count {
		if n == len(conflicts) && given == "" {
			given = v
			continue
		}
		allowed = append(allowed, v)
	}
	sort.Strings(allowed)
	return Diagnostic{
		Pos:  position(conflicts[0], root, envFile),
		Path: path,
		Msg:  fmt.Sprintf("%s is not allowed; allowed values: %s", given, strings.Join(allowed, ", ")),
	}
}

func message(e errors.Error) string {
	f, args := e.Msg()
	return fmt.Sprintf(f, args...)
}

// rewrite turns CUE's wording for a missing value into the user's terms.
func rewrite(e errors.Error, envFile string) string {
	msg := message(e)
	if strings.HasPrefix(msg, "incomplete value") {
		where := ""
		if p := e.Position(); p.IsValid() {
			where = fmt.Sprintf(" (constraint %s)", strings.TrimPrefix(msg, "incomplete value "))
		}
		return "required field is missing" + where
	}
	return msg
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
