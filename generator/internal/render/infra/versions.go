package infra

import "github.com/coder-eks/coder-eks/generator/internal/render/tfjson"

// versions pins Terraform and the provider and configures the S3 backend
// the bootstrap module creates (objects encrypted with its KMS key, named by
// alias). use_lockfile is S3-native state locking (Terraform >= 1.10),
// which replaces the seed's DynamoDB table.
func (b *module) versions(f *tfjson.File) {
	backend := tfjson.Body{
		"bucket":       b.m.Backend.Bucket,
		"key":          b.m.Backend.Key,
		"region":       b.m.Backend.Region,
		"encrypt":      true,
		"kms_key_id":   b.m.Backend.KMSAliasARN,
		"use_lockfile": true,
	}
	provider := tfjson.Body{
		"region":              b.m.Region,
		"allowed_account_ids": []string{b.m.AccountID},
		"default_tags":        []tfjson.Body{{"tags": b.m.Tags}},
	}
	if b.m.FIPS {
		// Every AWS API call, the state backend's included, goes to the
		// service's FIPS 140 endpoint.
		backend["use_fips_endpoint"] = true
		provider["use_fips_endpoint"] = true
	}
	f.Terraform(tfjson.Body{
		"required_version": ">= 1.10.0",
		"required_providers": tfjson.Body{
			"aws": tfjson.Body{"source": "hashicorp/aws", "version": "~> 6.25"},
		},
		"backend": tfjson.Body{"s3": backend},
	})
	f.Provider("aws", provider)
	b.publicDNS(f)
	f.Data("aws_partition", "current", tfjson.Body{})
	f.Data("aws_caller_identity", "current", tfjson.Body{})
	f.Data("aws_region", "current", tfjson.Body{})
}
