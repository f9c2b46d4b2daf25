package infra

import "github.com/coder-eks/coder-eks/generator/internal/render/tfjson"

// kms creates one customer-managed key per purpose, each rotated yearly, so
// a key's policy names only the services that use it.
func (b *module) kms(f *tfjson.File) {
	name := b.m.Cluster.Name
	root := "arn:" + partition + ":iam::" + accountID + ":root"
	adminStatement := tfjson.Body{
		"sid":       "AccountAdministration",
		"actions":   []string{"kms:*"},
		"resources": []string{"*"},
		"principals": []tfjson.Body{{
			"type": "AWS", "identifiers": []string{root},
		}},
	}
	keys := []struct {
		key, purpose string
		extra        []tfjson.Body
	}{
		{"eks", "EKS secrets encryption", nil},
		{"ebs", "EBS volumes of EKS nodes", []tfjson.Body{{
			// Auto Scaling launches nodes with encrypted volumes on the
			// account's behalf through its service-linked role.
			"sid":       "AutoScalingServiceLinkedRole",
			"actions":   []string{"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey", "kms:CreateGrant"},
			"resources": []string{"*"},
			"principals": []tfjson.Body{{
				"type":        "AWS",
				"identifiers": []string{"arn:" + partition + ":iam::" + accountID + ":role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"},
			}},
		}}},
		{"logs", "CloudWatch log groups", []tfjson.Body{{
			"sid":       "CloudWatchLogs",
			"actions":   []string{"kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"},
			"resources": []string{"*"},
			"principals": []tfjson.Body{{
				"type": "Service", "identifiers": []string{"logs." + b.m.Region + ".amazonaws.com"},
			}},
			"condition": []tfjson.Body{{
				"test":     "ArnLike",
				"variable": "kms:EncryptionContext:aws:logs:arn",
				"values":   []string{"arn:" + partition + ":logs:" + b.m.Region + ":" + accountID + ":log-group:*"},
			}},
		}}},
	}
	for _, k := range keys {
		policy := f.Data("aws_iam_policy_document", "kms_"+k.key, tfjson.Body{
			"statement": append([]tfjson.Body{adminStatement}, k.extra...),
		})
		key := f.Resource("aws_kms_key", k.key, tfjson.Body{
			"description":             name + ": " + k.purpose,
			"enable_key_rotation":     true,
			"deletion_window_in_days": 30,
			"policy":                  tfjson.Attr(policy, "json"),
		})
		f.Resource("aws_kms_alias", k.key, tfjson.Body{
			"name":          "alias/" + name + "-" + k.key,
			"target_key_id": tfjson.Attr(key, "key_id"),
		})
	}
}
