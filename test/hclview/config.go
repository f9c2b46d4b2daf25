package hclview

import (
	"fmt"
	"sort"
	"strings"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	tfjson "github.com/hashicorp/terraform-json"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// Block is a decoded block: its arguments, each as a comparable string,
// and its nested blocks, sorted by type (stable, so repeated blocks keep
// their order).
type Block struct {
	Type   string
	Labels []string
	Args   map[string]string
	Blocks []Block
}

// LoadJSON decodes a .tf.json file; LoadNative a .tf file.
func (s *Schemas) LoadJSON(src []byte, name string) ([]Block, error) {
	f, diags := hclparse.NewParser().ParseJSON(src, name)
	if diags.HasErrors() {
		return nil, diags
	}
	return s.file(f.Body)
}

func (s *Schemas) LoadNative(src []byte, name string) ([]Block, error) {
	f, diags := hclparse.NewParser().ParseHCL(src, name)
	if diags.HasErrors() {
		return nil, diags
	}
	return s.file(f.Body)
}

func (s *Schemas) file(body hcl.Body) ([]Block, error) {
	content, diags := body.Content(fileSchema)
	if diags.HasErrors() {
		return nil, diags
	}
	var out []Block
	for _, b := range content.Blocks {
		blk, err := s.top(b)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", b.Type, strings.Join(b.Labels, "."), err)
		}
		out = append(out, blk)
	}
	sort.SliceStable(out, func(i, j int) bool { return key(out[i]) < key(out[j]) })
	return out, nil
}

func key(b Block) string { return b.Type + "\x00" + strings.Join(b.Labels, "\x00") }

func (s *Schemas) top(b *hcl.Block) (Block, error) {
	switch b.Type {
	case "terraform":
		return decode(b, terraformSchema, func(nb *hcl.Block) (Block, error) {
			return justAttributes(nb)
		})
	case "locals", "module":
		return justAttributes(b)
	case "moved", "removed", "import":
		return refactoring(b)
	case "variable", "output":
		sch := variableSchema
		if b.Type == "output" {
			sch = outputSchema
		}
		out, err := decode(b, sch, func(nb *hcl.Block) (Block, error) { return decode(nb, conditionSchema, nil) })
		if err == nil && b.Type == "variable" {
			err = typeConstraint(b, &out)
		}
		return out, err
	case "check":
		return decode(b, checkSchema, func(nb *hcl.Block) (Block, error) {
			if nb.Type == "assert" {
				return decode(nb, conditionSchema, nil)
			}
			return s.resource(nb, s.data)
		})
	case "provider":
		ps, ok := s.providers[b.Labels[0]]
		if !ok {
			return Block{}, fmt.Errorf("no schema for provider %q", b.Labels[0])
		}
		return s.schemaBlock(b, ps, []string{"alias"})
	case "resource":
		return s.resource(b, s.resources)
	case "data":
		return s.resource(b, s.data)
	}
	return Block{}, fmt.Errorf("unexpected block %q", b.Type)
}

func (s *Schemas) resource(b *hcl.Block, schemas map[string]*tfjson.SchemaBlock) (Block, error) {
	sch, ok := schemas[b.Labels[0]]
	if b.Type == "resource" && b.Labels[0] == "terraform_data" {
		sch, ok = terraformData, true
	}
	if !ok {
		return Block{}, fmt.Errorf("no schema for %s %q", b.Type, b.Labels[0])
	}
	return s.schemaBlock(b, sch, resourceMeta, metaBlocks...)
}

// terraformData is the built-in terraform_data resource
// (terraform.io/builtin/terraform), which no provider schema file holds.
var terraformData = &tfjson.SchemaBlock{Attributes: map[string]*tfjson.SchemaAttribute{
	"input": {Optional: true}, "triggers_replace": {Optional: true}, "output": {Computed: true}, "id": {Computed: true},
}}

// schemaBlock decodes a block against its provider schema (and meta
// arguments), recursively.
func (s *Schemas) schemaBlock(b *hcl.Block, sch *tfjson.SchemaBlock, attrs []string, blocks ...hcl.BlockHeaderSchema) (Block, error) {
	meta := len(blocks) > 0 // a nested block may be named lifecycle (aws_backup_plan's rule)
	return decode(b, bodySchema(sch, attrs, blocks...), func(nb *hcl.Block) (Block, error) {
		switch {
		case meta && nb.Type == "lifecycle":
			return decode(nb, lifecycleSchema, func(c *hcl.Block) (Block, error) { return decode(c, conditionSchema, nil) })
		case meta && (nb.Type == "provisioner" || nb.Type == "connection"):
			return justAttributes(nb)
		}
		nt, ok := sch.NestedBlocks[nb.Type]
		if !ok {
			return Block{}, fmt.Errorf("no schema for block %q", nb.Type)
		}
		return s.schemaBlock(nb, nt.Block, nil)
	})
}

func decode(b *hcl.Block, sch *hcl.BodySchema, nested func(*hcl.Block) (Block, error)) (Block, error) {
	content, diags := b.Body.Content(sch)
	if diags.HasErrors() {
		return Block{}, diags
	}
	out := Block{Type: b.Type, Labels: b.Labels, Args: map[string]string{}}
	for name, a := range content.Attributes {
		out.Args[name] = canonical(name, a.Expr)
	}
	for _, nb := range content.Blocks {
		if nested == nil {
			return Block{}, fmt.Errorf("%s: unexpected block %q", nb.DefRange, nb.Type)
		}
		blk, err := nested(nb)
		if err != nil {
			return Block{}, fmt.Errorf("%s: %w", nb.Type, err)
		}
		out.Blocks = append(out.Blocks, blk)
	}
	sort.SliceStable(out.Blocks, func(i, j int) bool { return key(out.Blocks[i]) < key(out.Blocks[j]) })
	return out, nil
}

func justAttributes(b *hcl.Block) (Block, error) {
	attrs, diags := b.Body.JustAttributes()
	if diags.HasErrors() {
		return Block{}, diags
	}
	out := Block{Type: b.Type, Labels: b.Labels, Args: map[string]string{}}
	for name, a := range attrs {
		out.Args[name] = canonical(name, a.Expr)
	}
	return out, nil
}

// canonical is an argument's value as both syntaxes agree on it: the value
// of a constant expression; the references of one that has any; the
// references as traversals for the arguments Terraform reads as such.
func canonical(name string, e hcl.Expression) string {
	if traversalArgs[name] {
		return "refs " + traversals(e)
	}
	if len(e.Variables()) == 0 {
		// A nil context would make the JSON parser read strings literally,
		// not as the templates Terraform evaluates.
		if v, diags := e.Value(&hcl.EvalContext{}); !diags.HasErrors() {
			b, err := ctyjson.SimpleJSONValue{Value: v}.MarshalJSON()
			if err == nil {
				return "value " + string(b)
			}
		}
	}
	var refs []string
	for _, t := range e.Variables() {
		refs = append(refs, format(t))
	}
	sort.Strings(refs)
	return "expression with refs " + strings.Join(refs, " ")
}

var refactoringSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "from"}, {Name: "to"}, {Name: "id"}, {Name: "identity"}, {Name: "provider"}, {Name: "for_each"}},
	Blocks:     []hcl.BlockHeaderSchema{{Type: "lifecycle"}, {Type: "provisioner", LabelNames: []string{"type"}}},
}

// refactoring decodes moved, removed and import blocks, whose from and to
// are addresses.
func refactoring(b *hcl.Block) (Block, error) {
	out, err := decode(b, refactoringSchema, justAttributes)
	if err != nil {
		return out, err
	}
	content, _ := b.Body.Content(refactoringSchema)
	for _, name := range []string{"from", "to"} {
		if a, ok := content.Attributes[name]; ok {
			out.Args[name] = "refs " + traversals(a.Expr)
		}
	}
	return out, nil
}

// typeConstraint compares a variable's type as an expression: JSON
// syntax writes it as a string holding the native expression.
func typeConstraint(b *hcl.Block, out *Block) error {
	content, _ := b.Body.Content(variableSchema)
	a, ok := content.Attributes["type"]
	if !ok {
		return nil
	}
	e := a.Expr
	if v, diags := e.Value(&hcl.EvalContext{}); !diags.HasErrors() && v.Type() == cty.String {
		parsed, diags := hclsyntax.ParseExpression([]byte(v.AsString()), "type", hcl.InitialPos)
		if diags.HasErrors() {
			return diags
		}
		e = parsed
	}
	out.Args["type"] = canonical("type", e)
	return nil
}

func traversals(e hcl.Expression) string {
	exprs, diags := hcl.ExprList(e)
	if diags.HasErrors() {
		exprs = []hcl.Expression{e}
	}
	var out []string
	for _, x := range exprs {
		t, diags := hcl.AbsTraversalForExpr(x)
		if diags.HasErrors() {
			out = append(out, "!"+diags.Error())
			continue
		}
		out = append(out, format(t))
	}
	return strings.Join(out, " ")
}

func format(t hcl.Traversal) string {
	var b strings.Builder
	for _, step := range t {
		switch s := step.(type) {
		case hcl.TraverseRoot:
			b.WriteString(s.Name)
		case hcl.TraverseAttr:
			b.WriteString("." + s.Name)
		case hcl.TraverseIndex:
			k, _ := ctyjson.SimpleJSONValue{Value: s.Key}.MarshalJSON()
			b.WriteString("[" + string(k) + "]")
		case hcl.TraverseSplat:
			b.WriteString("[*]")
		}
	}
	return b.String()
}

// Compare decodes a .tf.json file and its native-syntax view and returns
// how they differ ("" when they are the same configuration), or an error
// when either does not decode against the schemas (a block written as an
// argument, an argument as a block, an unknown name).
func (s *Schemas) Compare(jsonSrc, nativeSrc []byte, jsonName, nativeName string) (string, error) {
	j, err := s.LoadJSON(jsonSrc, jsonName)
	if err != nil {
		return "", fmt.Errorf("%s: %w", jsonName, err)
	}
	n, err := s.LoadNative(nativeSrc, nativeName)
	if err != nil {
		return "", fmt.Errorf("%s: %w", nativeName, err)
	}
	return cmp.Diff(j, n, cmpopts.EquateEmpty()), nil
}
