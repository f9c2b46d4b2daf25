package infra

import (
	"github.com/coder-eks/coder-eks/generator/internal/plan/names"
	"github.com/coder-eks/coder-eks/generator/internal/render/tfjson"
)

// kmsKey is one customer-managed key: what it protects and the statements
// its policy adds to account administration.
type kmsKey struct {
	key, purpose string
	extra        []tfjson.Body
	region       string // another region than the provider's; "" for the same
}

// kms creates one customer-managed key per purpose, each rotated yearly, so
// a key's policy names only the services that use it.
func (b *module) kms(f *tfjson.File) {
	keys := []kmsKey{
		{key: "eks", purpose: "EKS secrets encryption"},
		{key: "ebs", purpose: "EBS volumes of EKS nodes and EC2 workspaces", extra: []tfjson.Body{
			// Auto Scaling launches nodes with encrypted volumes on the
			// account's behalf through its service-linked role. That role
			// exists only once the account's first Auto Scaling group does
			// (EKS creates the node groups' after this key), and KMS
			// rejects a policy naming a principal that does not exist
			// (MalformedPolicyDocumentException); a condition is not
			// checked for existence, so the role is matched by
			// aws:PrincipalArn in this account instead.
			withConditions(serviceUse("AutoScalingServiceLinkedRole", "AWS", "*",
				"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey", "kms:CreateGrant"),
				tfjson.Body{"test": "ArnEquals", "variable": "aws:PrincipalArn", "values": []string{autoScalingServiceRoleARN}},
				tfjson.Body{"test": "StringEquals", "variable": "kms:CallerAccount", "values": []string{accountID}}),
		}},
		{key: "logs", purpose: "CloudWatch log groups", extra: []tfjson.Body{
			withCondition(serviceUse("CloudWatchLogs", "Service", "logs."+b.m.Region+"."+dnsSuffix,
				"kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"),
				"ArnLike", "kms:EncryptionContext:aws:logs:arn",
				names.ARN(partition, "logs", b.m.Region, accountID, "log-group:*")),
		}},
		// Secrets Manager (and RDS) use keys with the caller's IAM
		// permissions, which the account statement delegates to IAM.
		{key: "secrets", purpose: "Secrets Manager secrets"},
		{key: "nlb_logs", purpose: "NLB access logs bucket", extra: []tfjson.Body{
			serviceUse("LogDelivery", "Service", b.principal("delivery.logs"),
				"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"),
		}},
	}
	if b.m.Database != nil {
		keys = append(keys, kmsKey{key: "rds", purpose: "Aurora storage, Performance Insights and the master password secret"})
	}
	if b.m.Backup != nil {
		keys = append(keys, kmsKey{key: "backup", purpose: "AWS Backup vault"})
		if r := b.m.Backup.CopyRegion; r != "" {
			keys = append(keys, kmsKey{key: "backup_copy", purpose: "AWS Backup copy vault in " + r, region: r})
		}
	}
	if b.m.Observability.CloudTrail != "" {
		keys = append(keys, kmsKey{key: "cloudtrail", purpose: "CloudTrail logs", extra: []tfjson.Body{
			withCondition(serviceUse("CloudTrailEncrypt", "Service", b.principal("cloudtrail"), "kms:GenerateDataKey*"),
				"StringLike", "kms:EncryptionContext:aws:cloudtrail:arn",
				names.ARN(partition, "cloudtrail", "*", accountID, "trail/*")),
			serviceUse("CloudTrailDescribe", "Service", b.principal("cloudtrail"), "kms:DescribeKey"),
		}})
	}
	for _, k := range keys {
		b.kmsKey(f, k)
	}
}

func (b *module) kmsKey(f *tfjson.File, k kmsKey) {
	name := b.m.Cluster.Name
	admin := tfjson.Body{
		"sid":        "AccountAdministration",
		"actions":    []string{"kms:*"},
		"resources":  []string{"*"},
		"principals": []tfjson.Body{{"type": "AWS", "identifiers": []string{names.ARN(partition, "iam", "", accountID, "root")}}},
	}
	policy := f.Data("aws_iam_policy_document", "kms_"+k.key, tfjson.Body{
		"statement": append([]tfjson.Body{admin}, k.extra...),
	})
	key := tfjson.Body{
		"description":             name + ": " + k.purpose,
		"enable_key_rotation":     true,
		"deletion_window_in_days": 30,
		"policy":                  tfjson.Attr(policy, "json"),
	}
	alias := tfjson.Body{
		"name":          "alias/" + name + "-" + dashed(k.key),
		"target_key_id": tfjson.Attr("aws_kms_key."+k.key, "key_id"),
	}
	if k.region != "" {
		key["region"], alias["region"] = k.region, k.region
	}
	f.Resource("aws_kms_key", k.key, key)
	f.Resource("aws_kms_alias", k.key, alias)
}

// serviceUse lets one principal use the key (resource "*" in a key policy
// is the key itself).
func serviceUse(sid, principalType, principal string, actions ...string) tfjson.Body {
	return tfjson.Body{
		"sid":        sid,
		"actions":    actions,
		"resources":  []string{"*"},
		"principals": []tfjson.Body{{"type": principalType, "identifiers": []string{principal}}},
	}
}

// autoScalingServiceRoleARN is Auto Scaling's service-linked role.
var autoScalingServiceRoleARN = names.ARN(partition, "iam", "", accountID, "role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling")

func withConditions(s tfjson.Body, conds ...tfjson.Body) tfjson.Body {
	s["condition"] = conds
	return s
}

func withCondition(s tfjson.Body, test, variable string, values ...string) tfjson.Body {
	s["condition"] = []tfjson.Body{{"test": test, "variable": variable, "values": values}}
	return s
}

// kmsARN is the ARN expression of one of the module's keys.
func kmsARN(key string) string { return tfjson.Attr("aws_kms_key."+key, "arn") }
