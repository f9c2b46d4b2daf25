package main

import (
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"
)

// TypesEnv names the environment variable that tells the provider which
// resource, data source and ephemeral resource types the configuration
// Terraform runs on may use (comma-separated; other words are ignored).
// Those are served with their full schemas, every other type with an empty
// one: decoding the aws schema in full costs about half a CPU-second at
// every provider start, and Terraform starts providers several times per
// command. The type names stay complete, so Terraform's own messages about
// an unknown type (and its suggestions) do not change, and a configuration
// that uses a type left out fails loudly (every argument is unsupported),
// never passes. Unset, every type is served in full.
const TypesEnv = "SCHEMAPROVIDER_TYPES"

// typesFromEnv is the set TypesEnv lists, nil when it is unset.
func typesFromEnv() map[string]bool {
	v, ok := os.LookupEnv(TypesEnv)
	if !ok {
		return nil
	}
	only := map[string]bool{}
	for _, name := range strings.Split(v, ",") {
		if name = strings.TrimSpace(name); name != "" {
			only[name] = true
		}
	}
	return only
}

// readSchemaFile reads a gzip-compressed `terraform providers schema -json`
// file holding one provider and returns that provider's address
// (e.g. registry.terraform.io/hashicorp/aws) and schema, every type in full.
func readSchemaFile(path string) (string, *tfjson.ProviderSchema, error) {
	return readSchemaFileFor(path, nil)
}

// readSchemaFileFor is readSchemaFile decoding only the types in only (all
// when only is nil); the others keep their names with a nil schema, which
// the server serves as an empty block.
func readSchemaFileFor(path string, only map[string]bool) (string, *tfjson.ProviderSchema, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", nil, err
	}
	defer f.Close()
	zr, err := gzipReader(f, path)
	if err != nil {
		return "", nil, err
	}
	address, schema, err := decodeSchemas(zr, only)
	if err != nil {
		return "", nil, fmt.Errorf("%s: %w", path, err)
	}
	return address, schema, nil
}

func decodeSchemas(r io.Reader, only map[string]bool) (string, *tfjson.ProviderSchema, error) {
	if only == nil {
		var schemas tfjson.ProviderSchemas
		if err := json.NewDecoder(r).Decode(&schemas); err != nil {
			return "", nil, err
		}
		return single(schemas.Schemas)
	}
	address, p, err := decodeRaw(r)
	if err != nil {
		return "", nil, err
	}
	schema, err := p.decode(only)
	return address, schema, err
}

// decodeRaw reads the document with the type schemas left undecoded:
// scanning a schema is cheap, building it (cty types, maps, strings) is not.
func decodeRaw(r io.Reader) (string, *rawProviderSchema, error) {
	var doc struct {
		Schemas map[string]map[string]json.RawMessage `json:"provider_schemas"`
	}
	if err := json.NewDecoder(r).Decode(&doc); err != nil {
		return "", nil, err
	}
	address, fields, err := single(doc.Schemas)
	if err != nil {
		return "", nil, err
	}
	p, err := splitFields(fields)
	return address, p, err
}

// typeKeys are the members of a provider's schema split by type.
var typeKeys = []string{"resource_schemas", "data_source_schemas", "ephemeral_resource_schemas"}

// splitFields decodes a provider's schema members: the type schemas stay
// JSON, the rest (provider configuration, functions, …) is decoded, and
// kept as its original JSON in Rest.
func splitFields(fields map[string]json.RawMessage) (*rawProviderSchema, error) {
	var p rawProviderSchema
	maps := []*map[string]json.RawMessage{&p.Resources, &p.DataSources, &p.Ephemeral}
	rest := map[string]json.RawMessage{}
	for k, v := range fields {
		rest[k] = v
	}
	for i, key := range typeKeys {
		if v, ok := fields[key]; ok {
			if err := json.Unmarshal(v, maps[i]); err != nil {
				return nil, fmt.Errorf("%s: %w", key, err)
			}
		}
		delete(rest, key)
	}
	var err error
	if p.Rest, err = json.Marshal(rest); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(p.Rest, &p.ProviderSchema); err != nil {
		return nil, err
	}
	return &p, nil
}

// decode builds the provider schema with the types in only in full.
func (p *rawProviderSchema) decode(only map[string]bool) (*tfjson.ProviderSchema, error) {
	out := p.ProviderSchema
	for _, kind := range []struct {
		in  map[string]json.RawMessage
		out *map[string]*tfjson.Schema
	}{
		{p.Resources, &out.ResourceSchemas},
		{p.DataSources, &out.DataSourceSchemas},
		{p.Ephemeral, &out.EphemeralResourceSchemas},
	} {
		m, err := decodeOnly(kind.in, only)
		if err != nil {
			return nil, err
		}
		*kind.out = m
	}
	return &out, nil
}

// rawProviderSchema is a provider's schema with the resource, data source
// and ephemeral resource schemas kept as JSON; ProviderSchema holds the
// rest, decoded from Rest.
type rawProviderSchema struct {
	tfjson.ProviderSchema
	Rest                              []byte
	Resources, DataSources, Ephemeral map[string]json.RawMessage
}

// decodeOnly decodes the schemas of the types in only and gives every
// other type a nil schema, in name order so errors are deterministic.
func decodeOnly(in map[string]json.RawMessage, only map[string]bool) (map[string]*tfjson.Schema, error) {
	if in == nil {
		return nil, nil
	}
	names := make([]string, 0, len(in))
	for name := range in {
		names = append(names, name)
	}
	sort.Strings(names)
	out := make(map[string]*tfjson.Schema, len(in))
	for _, name := range names {
		if !only[name] {
			out[name] = nil
			continue
		}
		var s tfjson.Schema
		if err := json.Unmarshal(in[name], &s); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		out[name] = &s
	}
	return out, nil
}

// single is the one provider of a schema file.
func single[T any](schemas map[string]T) (string, T, error) {
	var zero T
	if len(schemas) != 1 {
		return "", zero, fmt.Errorf("holds %d provider schemas, want exactly 1", len(schemas))
	}
	for address, schema := range schemas {
		return address, schema, nil
	}
	return "", zero, nil
}

func gzipReader(r io.Reader, path string) (io.Reader, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return zr, nil
}
