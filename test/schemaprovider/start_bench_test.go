package main

import (
	"path/filepath"
	"testing"
)

const awsSchema = "../testdata/provider-schemas/hashicorp-aws-6.25.0.json.gz"

// benchTypes is a module's worth of aws types, as the harness would list
// them (test/tfvalidate: every word of the configuration that names a
// type of a served provider).
var benchTypes = map[string]bool{
	"aws_vpc": true, "aws_subnet": true, "aws_eks_cluster": true, "aws_rds_cluster": true,
	"aws_iam_role": true, "aws_iam_policy_document": true, "aws_region": true, "aws_caller_identity": true,
}

// BenchmarkStartAWS is what every start of the aws schema provider costs
// before it can answer Terraform: reading the schema and converting it,
// in full and for the types a module uses.
func BenchmarkStartAWS(b *testing.B) {
	split := filepath.Join(b.TempDir(), SplitFile)
	if err := writeSplit(awsSchema, split); err != nil {
		b.Fatal(err)
	}
	for _, bm := range []struct {
		name  string
		split string
		only  map[string]bool
	}{{"full", "", nil}, {"module", "", benchTypes}, {"module-split", split, benchTypes}} {
		b.Run(bm.name, func(b *testing.B) {
			for b.Loop() {
				_, schema, err := readSchema(awsSchema, bm.split, bm.only)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := newServer(schema); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
