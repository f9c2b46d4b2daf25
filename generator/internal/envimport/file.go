package envimport

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/format"
	"cuelang.org/go/cue/token"

	"github.com/coder-eks/coder-eks/generator/internal/load"
	"github.com/coder-eks/coder-eks/generator/internal/schemainfo"
)

// environmentFile writes the environment file: the values in the
// schema's order under its section names, then a note listing the
// required fields still to fill in. It is formatted with cue/format, so
// the same input always gives the same bytes.
func environmentFile(fields []schemainfo.Field, values map[string]any, missing []schemainfo.Field, opts Options) ([]byte, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "// Imported from %s by `go run ./generator import-tfvars`: the values\n", opts.Source)
	b.WriteString("// that differ from the schema's defaults (docs/configuration/variables.md).\n")
	b.WriteString("package environments\n\n")
	fmt.Fprintf(&b, "import %q\n\n", load.SchemaImport)
	b.WriteString("schema.#Environment\n")
	section := ""
	for _, f := range fields {
		v, ok := values[f.Name]
		if !ok {
			continue
		}
		if f.Section != section || section == "" {
			section = f.Section
			fmt.Fprintf(&b, "\n// ---- %s ----\n", section)
		}
		expr, err := format.Node(toAST(v))
		if err != nil {
			return nil, fmt.Errorf("import: format %s: %w", f.Name, err)
		}
		fmt.Fprintf(&b, "%s: %s\n", label(f.Name), expr)
	}
	if len(missing) > 0 {
		fmt.Fprintf(&b, "\n// TODO(import): required fields %s does not set:\n", opts.Source)
		for _, f := range missing {
			fmt.Fprintf(&b, "//   %s: %s\n", f.Name, firstSentence(f.Doc))
		}
	}
	out, err := format.Source([]byte(b.String()))
	if err != nil {
		return nil, fmt.Errorf("import: format the environment file: %w", err)
	}
	return out, nil
}

func label(name string) string {
	l, err := format.Node(ast.NewStringLabel(name))
	if err != nil {
		return fmt.Sprintf("%q", name)
	}
	return string(l)
}

// toAST builds the CUE syntax of a decoded tfvars value; map keys are
// sorted so the output does not depend on map order.
func toAST(v any) ast.Expr {
	switch v := v.(type) {
	case string:
		return ast.NewString(v)
	case bool:
		return ast.NewBool(v)
	case int64:
		return ast.NewLit(token.INT, strconv.FormatInt(v, 10))
	case float64:
		return ast.NewLit(token.FLOAT, strconv.FormatFloat(v, 'f', -1, 64))
	case []any:
		elems := make([]ast.Expr, len(v))
		for i, e := range v {
			elems[i] = toAST(e)
		}
		return ast.NewList(elems...)
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		s := &ast.StructLit{}
		for _, k := range keys {
			s.Elts = append(s.Elts, &ast.Field{Label: ast.NewStringLabel(k), Value: toAST(v[k])})
		}
		return s
	}
	return ast.NewNull()
}

func firstSentence(s string) string {
	if i := strings.Index(s, ". "); i >= 0 {
		return s[:i+1]
	}
	return s
}
