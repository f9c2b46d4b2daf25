// Package hclview proves the native-syntax view the generator writes
// (`go run ./generator -hcl DIR`, package tfhcl) is the configuration the
// rendered JSON is: both are decoded with hashicorp/hcl/v2 (the JSON and the
// native parser) against the provider schemas Terraform would use and
// Terraform's own language, and their resources, arguments (values, or the
// references of expressions) and block structure compared. A block written
// as an argument, or an argument as a block, is a decode error against the
// schema; a dropped block or argument is a difference.
package hclview

import (
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	tfjson "github.com/hashicorp/terraform-json"
)

// Schemas are the block schemas of every resource type, data source and
// provider of the recorded provider schemas.
type Schemas struct {
	resources map[string]*tfjson.SchemaBlock
	data      map[string]*tfjson.SchemaBlock
	providers map[string]*tfjson.SchemaBlock // by local name: "aws"
}

// LoadSchemas reads every `terraform providers schema -json` file
// (*.json.gz) in dir, the ones test/tfvalidate serves to Terraform.
func LoadSchemas(dir string) (*Schemas, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.json.gz"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no provider schemas (*.json.gz) in %s", dir)
	}
	s := &Schemas{resources: map[string]*tfjson.SchemaBlock{}, data: map[string]*tfjson.SchemaBlock{}, providers: map[string]*tfjson.SchemaBlock{}}
	for _, file := range files {
		if err := s.read(file); err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
	}
	return s, nil
}

func (s *Schemas) read(file string) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return err
	}
	var ps tfjson.ProviderSchemas
	if err := json.NewDecoder(zr).Decode(&ps); err != nil {
		return err
	}
	for addr, p := range ps.Schemas {
		s.providers[addr[strings.LastIndex(addr, "/")+1:]] = p.ConfigSchema.Block
		for t, r := range p.ResourceSchemas {
			s.resources[t] = r.Block
		}
		for t, r := range p.DataSourceSchemas {
			s.data[t] = r.Block
		}
	}
	return nil
}

// bodySchema is a provider block's schema as hcl decodes it, plus the
// extra arguments and blocks Terraform's language adds.
func bodySchema(b *tfjson.SchemaBlock, attrs []string, blocks ...hcl.BlockHeaderSchema) *hcl.BodySchema {
	out := &hcl.BodySchema{}
	for name := range b.Attributes {
		out.Attributes = append(out.Attributes, hcl.AttributeSchema{Name: name})
	}
	for name := range b.NestedBlocks {
		out.Blocks = append(out.Blocks, hcl.BlockHeaderSchema{Type: name})
	}
	for _, a := range attrs {
		out.Attributes = append(out.Attributes, hcl.AttributeSchema{Name: a})
	}
	out.Blocks = append(out.Blocks, blocks...)
	sort.Slice(out.Attributes, func(i, j int) bool { return out.Attributes[i].Name < out.Attributes[j].Name })
	sort.Slice(out.Blocks, func(i, j int) bool { return out.Blocks[i].Type < out.Blocks[j].Type })
	return out
}

// Terraform's language: https://developer.hashicorp.com/terraform/language.
var (
	resourceMeta = []string{"count", "for_each", "depends_on", "provider"}
	metaBlocks   = []hcl.BlockHeaderSchema{
		{Type: "lifecycle"},
		{Type: "provisioner", LabelNames: []string{"type"}},
		{Type: "connection"},
	}
	lifecycleSchema = &hcl.BodySchema{
		Attributes: []hcl.AttributeSchema{{Name: "create_before_destroy"}, {Name: "prevent_destroy"}, {Name: "ignore_changes"}, {Name: "replace_triggered_by"}},
		Blocks:     []hcl.BlockHeaderSchema{{Type: "precondition"}, {Type: "postcondition"}},
	}
	conditionSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "condition", Required: true}, {Name: "error_message", Required: true}}}
	variableSchema  = &hcl.BodySchema{
		Attributes: []hcl.AttributeSchema{{Name: "type"}, {Name: "default"}, {Name: "description"}, {Name: "sensitive"}, {Name: "nullable"}, {Name: "ephemeral"}},
		Blocks:     []hcl.BlockHeaderSchema{{Type: "validation"}},
	}
	outputSchema = &hcl.BodySchema{
		Attributes: []hcl.AttributeSchema{{Name: "value"}, {Name: "description"}, {Name: "sensitive"}, {Name: "depends_on"}, {Name: "ephemeral"}},
		Blocks:     []hcl.BlockHeaderSchema{{Type: "precondition"}},
	}
	checkSchema     = &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{{Type: "data", LabelNames: []string{"type", "name"}}, {Type: "assert"}}}
	terraformSchema = &hcl.BodySchema{
		Attributes: []hcl.AttributeSchema{{Name: "required_version"}, {Name: "experiments"}},
		Blocks:     []hcl.BlockHeaderSchema{{Type: "required_providers"}, {Type: "backend", LabelNames: []string{"type"}}, {Type: "cloud"}},
	}
	fileSchema = &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{
		{Type: "terraform"},
		{Type: "provider", LabelNames: []string{"name"}},
		{Type: "variable", LabelNames: []string{"name"}},
		{Type: "locals"},
		{Type: "output", LabelNames: []string{"name"}},
		{Type: "module", LabelNames: []string{"name"}},
		{Type: "resource", LabelNames: []string{"type", "name"}},
		{Type: "data", LabelNames: []string{"type", "name"}},
		{Type: "check", LabelNames: []string{"name"}},
		{Type: "moved"},
		{Type: "removed"},
		{Type: "import"},
	}}
	// traversalArgs are arguments Terraform reads as bare references (a
	// string of one in JSON syntax), compared as references.
	traversalArgs = map[string]bool{"depends_on": true, "provider": true, "ignore_changes": true, "replace_triggered_by": true}
)
