// Package s3bucket renders an S3 bucket with the security baseline every
// bucket of coder-eks gets: versioning, SSE-KMS with a customer-managed
// key, all public access blocked, ACLs disabled and a policy that refuses
// plain HTTP. Both the infra and the bootstrap module use it.
package s3bucket

import "github.com/coder-eks/coder-eks/generator/internal/render/tfjson"

// Bucket describes one bucket.
type Bucket struct {
	Key  string // resource name in Terraform
	Name string // bucket name
	// KMSKeyARN is the expression of the customer-managed key's ARN.
	KMSKeyARN string
	// Statements are added to the bucket policy beside the TLS-only one,
	// e.g. a log delivery service's write access.
	Statements []tfjson.Body
	// ExpireDays deletes objects (and noncurrent versions) after this many
	// days; 0 keeps them.
	ExpireDays int
}

// Render adds the bucket and its settings to f and returns the bucket's
// address.
func Render(f *tfjson.File, b Bucket) string {
	bucket := f.Resource("aws_s3_bucket", b.Key, tfjson.Body{"bucket": b.Name})
	id := tfjson.Attr(bucket, "id")
	f.Resource("aws_s3_bucket_versioning", b.Key, tfjson.Body{
		"bucket":                   id,
		"versioning_configuration": []tfjson.Body{{"status": "Enabled"}},
	})
	f.Resource("aws_s3_bucket_server_side_encryption_configuration", b.Key, tfjson.Body{
		"bucket": id,
		"rule": []tfjson.Body{{
			"bucket_key_enabled": true,
			"apply_server_side_encryption_by_default": []tfjson.Body{{
				"sse_algorithm":     "aws:kms",
				"kms_master_key_id": b.KMSKeyARN,
			}},
		}},
	})
	f.Resource("aws_s3_bucket_public_access_block", b.Key, tfjson.Body{
		"bucket":                  id,
		"block_public_acls":       true,
		"block_public_policy":     true,
		"ignore_public_acls":      true,
		"restrict_public_buckets": true,
	})
	f.Resource("aws_s3_bucket_ownership_controls", b.Key, tfjson.Body{
		"bucket": id,
		"rule":   []tfjson.Body{{"object_ownership": "BucketOwnerEnforced"}},
	})
	f.Resource("aws_s3_bucket_lifecycle_configuration", b.Key, lifecycle(id, b.ExpireDays))
	arn := tfjson.Attr(bucket, "arn")
	tlsOnly := tfjson.Body{
		"sid":        "DenyInsecureTransport",
		"effect":     "Deny",
		"actions":    []string{"s3:*"},
		"resources":  []string{arn, arn + "/*"},
		"principals": []tfjson.Body{{"type": "*", "identifiers": []string{"*"}}},
		"condition": []tfjson.Body{{
			"test": "Bool", "variable": "aws:SecureTransport", "values": []string{"false"},
		}},
	}
	policy := f.Data("aws_iam_policy_document", "bucket_"+b.Key, tfjson.Body{
		"statement": append([]tfjson.Body{tlsOnly}, b.Statements...),
	})
	f.Resource("aws_s3_bucket_policy", b.Key, tfjson.Body{
		"bucket": id,
		"policy": tfjson.Attr(policy, "json"),
		// A policy granting a service principal is only accepted once
		// public access is blocked.
		"depends_on": []string{"aws_s3_bucket_public_access_block." + b.Key},
	})
	return bucket
}

func lifecycle(bucket string, days int) tfjson.Body {
	rules := []tfjson.Body{{
		"id":                                "abort-incomplete-uploads",
		"status":                            "Enabled",
		"filter":                            []tfjson.Body{{}},
		"abort_incomplete_multipart_upload": []tfjson.Body{{"days_after_initiation": 7}},
	}}
	if days > 0 {
		rules = append(rules, tfjson.Body{
			"id":                            "expire",
			"status":                        "Enabled",
			"filter":                        []tfjson.Body{{}},
			"expiration":                    []tfjson.Body{{"days": days}},
			"noncurrent_version_expiration": []tfjson.Body{{"noncurrent_days": days}},
		})
	}
	return tfjson.Body{"bucket": bucket, "rule": rules}
}
