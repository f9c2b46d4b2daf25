package tfhcl

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// exprText returns the native-syntax source of a Terraform JSON expression
// value. JSON strings are string templates (Terraform's JSON syntax), so a
// string that is one interpolation becomes the bare expression and any other
// string a quoted template or, when it is several lines, a heredoc.
func exprText(v any) (string, error) {
	switch v := v.(type) {
	case nil:
		return "null", nil
	case bool:
		return fmt.Sprint(v), nil
	case json.Number:
		return v.String(), nil
	case string:
		return templateText(v)
	case []any:
		parts := make([]string, len(v))
		for i, e := range v {
			s, err := exprText(e)
			if err != nil {
				return "", fmt.Errorf("[%d]: %w", i, err)
			}
			parts[i] = s
		}
		return "[" + strings.Join(parts, ", ") + "]", nil
	case map[string]any:
		if len(v) == 0 {
			return "{}", nil
		}
		var b strings.Builder
		b.WriteString("{\n")
		for _, k := range slices.Sorted(maps.Keys(v)) {
			key, err := keyText(k)
			if err != nil {
				return "", err
			}
			val, err := exprText(v[k])
			if err != nil {
				return "", fmt.Errorf("%s: %w", k, err)
			}
			b.WriteString(key + " = " + val + "\n")
		}
		b.WriteString("}")
		return b.String(), nil
	}
	return "", fmt.Errorf("unexpected JSON value %T", v)
}

// literalText is exprText for the places Terraform's JSON syntax reads a
// string literally, not as a template (a variable's default): "${" and "%{"
// are escaped so the native syntax reads the same characters.
func literalText(v any) (string, error) {
	switch v := v.(type) {
	case string:
		return quoted(strings.NewReplacer("${", "$${", "%{", "%%{").Replace(v))
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			s, err := literalText(e)
			if err != nil {
				return "", err
			}
			out[i] = rawExpr(s)
		}
		return exprTextRaw(out)
	case map[string]any:
		out := map[string]any{}
		for k, e := range v {
			s, err := literalText(e)
			if err != nil {
				return "", err
			}
			out[k] = rawExpr(s)
		}
		return exprTextRaw(out)
	}
	return exprText(v)
}

// rawExpr is native source already converted.
type rawExpr string

func exprTextRaw(v any) (string, error) {
	switch v := v.(type) {
	case []any:
		parts := make([]string, len(v))
		for i, e := range v {
			parts[i] = string(e.(rawExpr))
		}
		return "[" + strings.Join(parts, ", ") + "]", nil
	case map[string]any:
		var b strings.Builder
		b.WriteString("{\n")
		for _, k := range slices.Sorted(maps.Keys(v)) {
			key, err := quoted(strings.NewReplacer("${", "$${", "%{", "%%{").Replace(k))
			if err != nil {
				return "", err
			}
			b.WriteString(key + " = " + string(v[k].(rawExpr)) + "\n")
		}
		b.WriteString("}")
		return b.String(), nil
	}
	return "", fmt.Errorf("unexpected value %T", v)
}

// keyText is an object key: a template in both syntaxes, parenthesised
// when it is one interpolation.
func keyText(k string) (string, error) {
	if e, ok := wrapped(k); ok {
		return "(" + e + ")", nil
	}
	return quoted(k)
}

// traversalText is a JSON string Terraform reads as a bare reference
// (depends_on, provider, ignore_changes, a variable's type).
func traversalText(v any) (string, error) {
	switch v := v.(type) {
	case string:
		if e, ok := wrapped(v); ok {
			return e, nil
		}
		return v, nil
	case []any:
		parts := make([]string, len(v))
		for i, e := range v {
			s, err := traversalText(e)
			if err != nil {
				return "", err
			}
			parts[i] = s
		}
		return "[" + strings.Join(parts, ", ") + "]", nil
	}
	return "", fmt.Errorf("want a reference string, got %T", v)
}

// wrapped reports whether s is exactly one interpolation "${expr}" and
// returns expr.
func wrapped(s string) (string, bool) {
	if !strings.HasPrefix(s, "${") || !strings.HasSuffix(s, "}") {
		return "", false
	}
	e, diags := hclsyntax.ParseTemplate([]byte(s), "", hcl.InitialPos)
	if diags.HasErrors() {
		return "", false
	}
	if _, ok := e.(*hclsyntax.TemplateWrapExpr); !ok {
		return "", false
	}
	inner := strings.TrimSpace(s[2 : len(s)-1])
	if strings.Contains(inner, "\n") {
		inner = "(" + inner + ")"
	}
	return inner, true
}

func templateText(s string) (string, error) {
	if e, ok := wrapped(s); ok {
		return e, nil
	}
	if strings.HasSuffix(s, "\n") && strings.Count(s, "\n") > 1 {
		return heredoc(s), nil
	}
	return quoted(s)
}

// heredoc writes a template ending in a newline as a heredoc, whose
// content is the template unchanged: no backslash escapes apply in it.
func heredoc(s string) string {
	delim := "EOT"
	for i := 1; containsLine(s, delim); i++ {
		delim = fmt.Sprintf("EOT%d", i)
	}
	return "<<" + delim + "\n" + s + delim + "\n"
}

func containsLine(s, line string) bool {
	for _, l := range strings.Split(s, "\n") {
		if strings.TrimSpace(l) == line {
			return true
		}
	}
	return false
}

// quoted writes a template as a quoted string: only its literal parts are
// escaped; interpolation and directive sequences keep their source, whose
// own strings need no escaping in native syntax.
func quoted(s string) (string, error) {
	src := []byte(s)
	toks, diags := hclsyntax.LexTemplate(src, "", hcl.InitialPos)
	if diags.HasErrors() {
		return "", fmt.Errorf("template %q: %s", s, diags.Error())
	}
	var b bytes.Buffer
	b.WriteByte('"')
	pos := 0
	for _, t := range toks {
		if t.Type == hclsyntax.TokenEOF {
			break
		}
		start, end := t.Range.Start.Byte, t.Range.End.Byte
		b.Write(src[pos:start])
		seg := src[start:end]
		switch t.Type {
		case hclsyntax.TokenStringLit, hclsyntax.TokenQuotedLit:
			b.WriteString(escapeLiteral(string(seg)))
		default:
			if bytes.ContainsAny(seg, "\n") {
				return "", fmt.Errorf("template %q: a line break inside an interpolation cannot be quoted", s)
			}
			b.Write(seg)
		}
		pos = end
	}
	b.Write(src[pos:])
	b.WriteByte('"')
	return b.String(), nil
}

var literalEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\r", `\r`, "\t", `\t`)

func escapeLiteral(s string) string { return literalEscaper.Replace(s) }

var hclPos = hcl.InitialPos
