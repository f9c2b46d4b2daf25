package main

import (
	"bufio"
	"encoding/gob"
	"encoding/json"
	"fmt"
	"os"

	tfjson "github.com/hashicorp/terraform-json"
)

// SplitFile is the schema file split by type, written beside SchemaFile by
// `terraform-provider-<type> -split` (the harness does it once per test
// process): with it, a start that serves some types in full (TypesEnv)
// reads each type's JSON without scanning the rest.
const SplitFile = "schema.split"

// splitSchema is SplitFile's content (gob): the provider schema without
// its types, and each type's schema as JSON.
type splitSchema struct {
	Address                       string
	Rest                          []byte
	Resources, DataSources, Ephem map[string][]byte
}

// writeSplit writes SplitFile from SchemaFile, both in dir.
func writeSplit(schemaPath, splitPath string) error {
	f, err := os.Open(schemaPath)
	if err != nil {
		return err
	}
	defer f.Close()
	zr, err := gzipReader(f, schemaPath)
	if err != nil {
		return err
	}
	address, p, err := decodeRaw(zr)
	if err != nil {
		return fmt.Errorf("%s: %w", schemaPath, err)
	}
	s := splitSchema{Address: address, Rest: p.Rest, Resources: bytesOf(p.Resources), DataSources: bytesOf(p.DataSources), Ephem: bytesOf(p.Ephemeral)}
	tmp := splitPath + ".tmp"
	out, err := os.Create(tmp)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(out)
	if err := gob.NewEncoder(w).Encode(&s); err != nil {
		out.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		out.Close()
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, splitPath)
}

// readSplitFor is readSchemaFileFor from SplitFile.
func readSplitFor(path string, only map[string]bool) (string, *tfjson.ProviderSchema, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", nil, err
	}
	defer f.Close()
	var s splitSchema
	if err := gob.NewDecoder(bufio.NewReader(f)).Decode(&s); err != nil {
		return "", nil, fmt.Errorf("%s: %w", path, err)
	}
	p := rawProviderSchema{Rest: s.Rest, Resources: rawOf(s.Resources), DataSources: rawOf(s.DataSources), Ephemeral: rawOf(s.Ephem)}
	if err := json.Unmarshal(s.Rest, &p.ProviderSchema); err != nil {
		return "", nil, fmt.Errorf("%s: %w", path, err)
	}
	schema, err := p.decode(only)
	if err != nil {
		return "", nil, fmt.Errorf("%s: %w", path, err)
	}
	return s.Address, schema, nil
}

func bytesOf(m map[string]json.RawMessage) map[string][]byte {
	if m == nil {
		return nil
	}
	out := make(map[string][]byte, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func rawOf(m map[string][]byte) map[string]json.RawMessage {
	if m == nil {
		return nil
	}
	out := make(map[string]json.RawMessage, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
