// Package replacement checks schema.replacement, the table of attributes
// that force a new resource, against the rendered tree and the provider
// schemas: every resource type the generator renders has an entry, and
// every attribute an entry names exists in that provider's schema (a
// misspelt path would silently mark a replacement as an update).
package replacement

import (
	"compress/gzip"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/coder-eks/coder-eks/generator/pipeline"
)

const root = "../.."

// schemaFiles are the provider schemas, per resource type prefix.
var schemaFiles = map[string]string{
	"aws_":        "hashicorp-aws-6.25.0.json.gz",
	"time_":       "hashicorp-time-0.13.1.json.gz",
	"coderd_":     "coder-coderd-0.0.12.json.gz",
	"coder_":      "coder-coder-2.20.0.json.gz",
	"random_":     "hashicorp-random-3.7.2.json.gz",
	"kubernetes_": "hashicorp-kubernetes-2.38.0.json.gz",
}

func TestEveryRenderedResourceTypeHasARule(t *testing.T) {
	rules, err := pipeline.ReplacementRules(root)
	if err != nil {
		t.Fatal(err)
	}
	types := renderedTypes(t)
	if len(types) < 20 {
		t.Fatalf("only %d resource types under rendered/: render first", len(types))
	}
	var missing []string
	for _, typ := range types {
		if _, ok := rules[typ]; !ok {
			missing = append(missing, typ)
		}
	}
	if len(missing) > 0 {
		t.Errorf("resource types rendered without an entry in schema/replacement.cue (add force_new from the provider docs' \"Forces new resource\"): %v", missing)
	}
}

func TestRuleAttributesExistInProviderSchemas(t *testing.T) {
	rules, err := pipeline.ReplacementRules(root)
	if err != nil {
		t.Fatal(err)
	}
	schemas := map[string]map[string]*tfjson.Schema{}
	for prefix, file := range schemaFiles {
		schemas[prefix] = readSchemas(t, filepath.Join(root, "test", "testdata", "provider-schemas", file))
	}
	for typ, rule := range rules {
		if typ == "terraform_data" {
			// Built into Terraform: its schema is not a provider's.
			if len(rule.ForceNew) != 1 || rule.ForceNew[0] != "triggers_replace" {
				t.Errorf("terraform_data: force_new %v, want [triggers_replace]", rule.ForceNew)
			}
			continue
		}
		var block *tfjson.SchemaBlock
		for prefix, s := range schemas {
			if strings.HasPrefix(typ, prefix) && s[typ] != nil {
				block = s[typ].Block
			}
		}
		if block == nil {
			t.Errorf("%s: no such resource type in the provider schemas", typ)
			continue
		}
		for _, path := range rule.ForceNew {
			if !hasPath(block, strings.Split(path, ".")) {
				t.Errorf("%s: force_new %q is not an attribute or block of the provider schema", typ, path)
			}
		}
		for path := range rule.InPlaceOutage {
			if !hasPath(block, strings.Split(path, ".")) {
				t.Errorf("%s: in_place_outage %q is not an attribute or block of the provider schema", typ, path)
			}
		}
	}
}

// TestTableFlagsKnownReplacements pins facts the diff's safety rests on,
// so an edit of the table that drops one fails.
func TestTableFlagsKnownReplacements(t *testing.T) {
	rules, err := pipeline.ReplacementRules(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ typ, attr, kind string }{
		{"aws_subnet", "cidr_block", "outage"},
		{"aws_vpc", "cidr_block", "outage"},
		{"aws_rds_cluster", "cluster_identifier", "data"},
		{"aws_eks_cluster", "name", "data"},
		{"aws_eks_node_group", "subnet_ids", "outage"},
		{"aws_s3_bucket", "bucket", "data"},
		{"aws_kms_key", "key_usage", "data"},
		{"aws_secretsmanager_secret", "name", "data"},
		{"aws_cloudwatch_log_group", "name", "data"},
	} {
		r := rules[c.typ]
		if !contains(r.ForceNew, c.attr) || r.Kind != c.kind {
			t.Errorf("%s: force_new %v kind %q, want %s among them and kind %q", c.typ, r.ForceNew, r.Kind, c.attr, c.kind)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func hasPath(b *tfjson.SchemaBlock, path []string) bool {
	if len(path) == 1 {
		if _, ok := b.Attributes[path[0]]; ok {
			return true
		}
	}
	if nb, ok := b.NestedBlocks[path[0]]; ok {
		return len(path) == 1 || hasPath(nb.Block, path[1:])
	}
	return false
}

func readSchemas(t *testing.T, file string) map[string]*tfjson.Schema {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var ps tfjson.ProviderSchemas
	if err := json.NewDecoder(zr).Decode(&ps); err != nil {
		t.Fatal(err)
	}
	for _, s := range ps.Schemas {
		return s.ResourceSchemas
	}
	t.Fatalf("%s holds no provider schema", file)
	return nil
}

// renderedTypes lists the resource types of every committed *.tf.json.
func renderedTypes(t *testing.T) []string {
	t.Helper()
	seen := map[string]bool{}
	err := filepath.WalkDir(filepath.Join(root, "rendered"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".tf.json") {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		var doc struct {
			Resource map[string]json.RawMessage `json:"resource"`
		}
		if err := json.Unmarshal(data, &doc); err != nil {
			return err
		}
		for typ := range doc.Resource {
			seen[typ] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, 0, len(seen))
	for typ := range seen {
		out = append(out, typ)
	}
	sort.Strings(out)
	return out
}
