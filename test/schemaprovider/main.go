// Command schemaprovider is a Terraform provider that has a schema and nothing
// else: it lets `terraform validate` check configurations against a real
// provider's schema where that provider's binary cannot be had (no network,
// no registry) and where running it would need cloud credentials anyway.
//
// It serves the schema in the file schema.json.gz next to its own executable:
// `terraform providers schema -json` output, gzip-compressed, holding exactly one
// provider. One build serves every provider: copy or hard-link the binary as
// DIR/terraform-provider-<type> beside DIR/schema.json.gz for each provider and
// point a dev_overrides entry of the Terraform CLI configuration at DIR. (A
// symlink does not work: the executable's path is resolved through it.)
//
// Every validate call succeeds without diagnostics, so Terraform reports exactly
// what it checks itself against the schema: unknown arguments, missing required
// ones, blocks versus attributes, value types and references. It also plans,
// applies and reads from the schema alone (plan.go), which is what coderd's
// template import needs; import, move and functions fail.
package main

import (
	"fmt"
	"os"
	"path/filepath"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
)

// SchemaFile is the name of the schema file the provider reads beside its
// executable (see also TypesEnv and SplitFile).
const SchemaFile = "schema.json.gz"

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "schemaprovider:", err)
		os.Exit(1)
	}
}

func run() error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	dir := filepath.Dir(exe)
	path := filepath.Join(dir, SchemaFile)
	split := filepath.Join(dir, SplitFile)
	// Terraform starts a provider without arguments; -split is the
	// harness's, once per provider directory.
	if len(os.Args) == 2 && os.Args[1] == "-split" {
		return writeSplit(path, split)
	}
	address, schema, err := readSchema(path, split, typesFromEnv())
	if err != nil {
		return err
	}
	srv, err := newServer(schema)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return tf6server.Serve(address, func() tfprotov6.ProviderServer { return srv })
}

// readSchema reads the schema to serve: every type in full when only is
// nil, else only's types, from the split file when there is one.
func readSchema(path, split string, only map[string]bool) (string, *tfjson.ProviderSchema, error) {
	if only != nil {
		if _, err := os.Stat(split); err == nil {
			return readSplitFor(split, only)
		}
	}
	return readSchemaFileFor(path, only)
}
