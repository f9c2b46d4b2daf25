package infra

import (
	"github.com/coder-eks/coder-eks/generator/internal/plan/names"
	"github.com/coder-eks/coder-eks/generator/internal/render/s3bucket"
	"github.com/coder-eks/coder-eks/generator/internal/render/tfjson"
)

// cloudTrail renders a multi-region trail with log-file validation,
// encrypted with its own KMS key, delivering to the seed's
// <project>-<env>-cloudtrail-logs bucket.
func (b *module) cloudTrail(f *tfjson.File) {
	o := b.m.Observability
	trailARN := names.ARN(partition, "cloudtrail", region, accountID, "trail/"+o.CloudTrail)
	arn := tfjson.Attr("aws_s3_bucket.cloudtrail", "arn")
	principal := []tfjson.Body{{"type": "Service", "identifiers": []string{b.principal("cloudtrail")}}}
	source := tfjson.Body{"test": "StringEquals", "variable": "aws:SourceArn", "values": []string{trailARN}}
	bucket := s3bucket.Render(f, s3bucket.Bucket{
		Key:        "cloudtrail",
		Name:       o.CloudTrailBucket,
		KMSKeyARN:  kmsARN("cloudtrail"),
		ExpireDays: b.m.LogGroups.Retention,
		Statements: []tfjson.Body{
			{
				"sid": "CloudTrailAclCheck", "actions": []string{"s3:GetBucketAcl"},
				"resources": []string{arn}, "principals": principal, "condition": []tfjson.Body{source},
			},
			{
				"sid": "CloudTrailWrite", "actions": []string{"s3:PutObject"},
				"resources": []string{arn + "/AWSLogs/" + accountID + "/*"}, "principals": principal,
				"condition": []tfjson.Body{source},
			},
		},
	})
	f.Resource("aws_cloudtrail", "this", tfjson.Body{
		"name":                          o.CloudTrail,
		"s3_bucket_name":                tfjson.Attr(bucket, "id"),
		"is_multi_region_trail":         true,
		"include_global_service_events": true,
		"enable_log_file_validation":    true,
		"kms_key_id":                    kmsARN("cloudtrail"),
		"depends_on":                    []string{"aws_s3_bucket_policy.cloudtrail"},
	})
}
