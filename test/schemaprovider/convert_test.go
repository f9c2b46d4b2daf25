package main

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Every committed schema must convert; Terraform itself then checks the
// result when it loads the provider (see ../tfvalidate).
func TestConvertSchemaFiles(t *testing.T) {
	files, err := filepath.Glob("../testdata/provider-schemas/*.json.gz")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no schema files in ../testdata/provider-schemas")
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			address, schema, err := readSchemaFile(file)
			if err != nil {
				t.Fatal(err)
			}
			srv, err := newServer(schema)
			if err != nil {
				t.Fatalf("%s: %v", address, err)
			}
			if len(srv.resources) != len(schema.ResourceSchemas) || len(srv.dataSources) != len(schema.DataSourceSchemas) {
				t.Errorf("%s: served %d resources and %d data sources, the file has %d and %d", address,
					len(srv.resources), len(srv.dataSources), len(schema.ResourceSchemas), len(schema.DataSourceSchemas))
			}
		})
	}
}

func TestConvertSchema(t *testing.T) {
	const in = `{
	  "version": 1,
	  "block": {
	    "attributes": {
	      "name": {"type": "string", "required": true, "description": "The name.", "description_kind": "markdown"},
	      "id": {"type": "string", "computed": true},
	      "password": {"type": "string", "optional": true, "sensitive": true},
	      "config": {"type": ["object", {"a": "string", "b": ["list", "number"]}, ["b"]], "optional": true},
	      "anything": {"type": "dynamic", "optional": true},
	      "pair": {"type": ["tuple", ["string", "bool"]], "optional": true},
	      "rules": {
	        "nested_type": {
	          "nesting_mode": "list",
	          "attributes": {"port": {"type": "number", "required": true}}
	        },
	        "optional": true
	      }
	    },
	    "block_types": {
	      "ingress": {"nesting_mode": "set", "min_items": 1, "max_items": 3, "block": {"attributes": {"cidr": {"type": ["set", "string"], "optional": true}}}},
	      "timeouts": {"nesting_mode": "single", "block": {"attributes": {"create": {"type": "string", "optional": true}}}},
	      "labels": {"nesting_mode": "map", "block": {}},
	      "settings": {"nesting_mode": "group", "block": {"attributes": {"x": {"type": ["map", "bool"], "optional": true}}}}
	    }
	  }
	}`
	var s tfjson.Schema
	if err := json.Unmarshal([]byte(in), &s); err != nil {
		t.Fatal(err)
	}
	got, err := convertSchema(&s)
	if err != nil {
		t.Fatal(err)
	}
	want := &tfprotov6.Schema{
		Version: 1,
		Block: &tfprotov6.SchemaBlock{
			Attributes: []*tfprotov6.SchemaAttribute{
				{Name: "anything", Type: tftypes.DynamicPseudoType, Optional: true},
				{Name: "config", Type: tftypes.Object{
					AttributeTypes:     map[string]tftypes.Type{"a": tftypes.String, "b": tftypes.List{ElementType: tftypes.Number}},
					OptionalAttributes: map[string]struct{}{"b": {}},
				}, Optional: true},
				{Name: "id", Type: tftypes.String, Computed: true},
				{Name: "name", Type: tftypes.String, Required: true, Description: "The name.", DescriptionKind: tfprotov6.StringKindMarkdown},
				{Name: "pair", Type: tftypes.Tuple{ElementTypes: []tftypes.Type{tftypes.String, tftypes.Bool}}, Optional: true},
				{Name: "password", Type: tftypes.String, Optional: true, Sensitive: true},
				{Name: "rules", Optional: true, NestedType: &tfprotov6.SchemaObject{
					Nesting:    tfprotov6.SchemaObjectNestingModeList,
					Attributes: []*tfprotov6.SchemaAttribute{{Name: "port", Type: tftypes.Number, Required: true}},
				}},
			},
			BlockTypes: []*tfprotov6.SchemaNestedBlock{
				{TypeName: "ingress", Nesting: tfprotov6.SchemaNestedBlockNestingModeSet, MinItems: 1, MaxItems: 3, Block: &tfprotov6.SchemaBlock{
					Attributes: []*tfprotov6.SchemaAttribute{{Name: "cidr", Type: tftypes.Set{ElementType: tftypes.String}, Optional: true}},
				}},
				{TypeName: "labels", Nesting: tfprotov6.SchemaNestedBlockNestingModeMap, Block: &tfprotov6.SchemaBlock{}},
				{TypeName: "settings", Nesting: tfprotov6.SchemaNestedBlockNestingModeGroup, Block: &tfprotov6.SchemaBlock{
					Attributes: []*tfprotov6.SchemaAttribute{{Name: "x", Type: tftypes.Map{ElementType: tftypes.Bool}, Optional: true}},
				}},
				{TypeName: "timeouts", Nesting: tfprotov6.SchemaNestedBlockNestingModeSingle, Block: &tfprotov6.SchemaBlock{
					Attributes: []*tfprotov6.SchemaAttribute{{Name: "create", Type: tftypes.String, Optional: true}},
				}},
			},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("convertSchema (-want +got):\n%s", diff)
	}
}

// With a list of types, the provider serves those in full, exactly as
// without one, and every other type by name with an empty schema: the
// type list Terraform sees is the same, the work is a module's.
func TestServeOnlyListedTypes(t *testing.T) {
	_, full, err := readSchemaFile(awsSchema)
	if err != nil {
		t.Fatal(err)
	}
	fullSrv, err := newServer(full)
	if err != nil {
		t.Fatal(err)
	}
	only := map[string]bool{"aws_rds_cluster": true, "aws_region": true, "aws_vpc": true, "not_a_type": true}
	split := filepath.Join(t.TempDir(), SplitFile)
	if err := writeSplit(awsSchema, split); err != nil {
		t.Fatal(err)
	}
	for _, from := range []string{"", split} {
		address, pruned, err := readSchema(awsSchema, from, only)
		if err != nil {
			t.Fatal(err)
		}
		if address != "registry.terraform.io/hashicorp/aws" {
			t.Errorf("address %q", address)
		}
		srv, err := newServer(pruned)
		if err != nil {
			t.Fatal(err)
		}
		compareServed(t, fullSrv, srv, only)
	}
}

func compareServed(t *testing.T, fullSrv, srv *server, only map[string]bool) {
	t.Helper()
	for _, kind := range []struct {
		name      string
		full, got map[string]*tfprotov6.Schema
	}{
		{"resource", fullSrv.resources, srv.resources},
		{"data source", fullSrv.dataSources, srv.dataSources},
		{"ephemeral resource", fullSrv.ephemeralResources, srv.ephemeralResources},
	} {
		if len(kind.got) != len(kind.full) {
			t.Errorf("%d %s types served, want all %d", len(kind.got), kind.name, len(kind.full))
		}
		for name, want := range kind.full {
			got, ok := kind.got[name]
			switch {
			case !ok:
				t.Errorf("%s %s not served", kind.name, name)
			case only[name]:
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("%s %s differs from the full schema (-want +got):\n%s", kind.name, name, diff)
				}
			case len(got.Block.Attributes) > 0 || len(got.Block.BlockTypes) > 0:
				t.Errorf("%s %s is served in full though not listed", kind.name, name)
			}
		}
	}
	if diff := cmp.Diff(fullSrv.provider, srv.provider); diff != "" {
		t.Errorf("provider configuration schema differs (-want +got):\n%s", diff)
	}
}
