package main

import (
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"

	tfjson "github.com/hashicorp/terraform-json"
)

// readSchemaFile reads a gzip-compressed `terraform providers schema -json`
// file holding one provider and returns that provider's address
// (e.g. registry.terraform.io/hashicorp/aws) and schema.
func readSchemaFile(path string) (string, *tfjson.ProviderSchema, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return "", nil, fmt.Errorf("%s: %w", path, err)
	}
	var schemas tfjson.ProviderSchemas
	if err := json.NewDecoder(zr).Decode(&schemas); err != nil {
		return "", nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(schemas.Schemas) != 1 {
		return "", nil, fmt.Errorf("%s: holds %d provider schemas, want exactly 1", path, len(schemas.Schemas))
	}
	for address, schema := range schemas.Schemas {
		return address, schema, nil
	}
	panic("unreachable")
}
