package infra

import "github.com/coder-eks/coder-eks/generator/internal/render/tfjson"

// backup keeps Aurora recovery points for aurora_backup_retention_days,
// beyond the 35 days Aurora's own automated backups allow: a daily AWS
// Backup rule into a KMS-encrypted vault, copied to a vault in
// backup_region when cross-region backup is on.
func (b *module) backup(f *tfjson.File) {
	bk := b.m.Backup
	vault := f.Resource("aws_backup_vault", "this", tfjson.Body{
		"name":        bk.Vault,
		"kms_key_arn": kmsARN("backup"),
	})
	keep := []tfjson.Body{{"delete_after": bk.RetentionDays}}
	rule := tfjson.Body{
		"rule_name":         "daily",
		"target_vault_name": tfjson.Attr(vault, "name"),
		"schedule":          bk.Schedule,
		"start_window":      60,
		"completion_window": 360,
		"lifecycle":         keep,
	}
	if bk.CopyRegion != "" {
		copyVault := f.Resource("aws_backup_vault", "copy", tfjson.Body{
			"name":        bk.Vault,
			"region":      bk.CopyRegion,
			"kms_key_arn": kmsARN("backup_copy"),
		})
		rule["copy_action"] = []tfjson.Body{{
			"destination_vault_arn": tfjson.Attr(copyVault, "arn"),
			"lifecycle":             keep,
		}}
	}
	plan := f.Resource("aws_backup_plan", "aurora", tfjson.Body{
		"name": bk.Plan,
		"rule": []tfjson.Body{rule},
	})
	role := f.Resource("aws_iam_role", "backup", tfjson.Body{
		"name":               bk.Plan + "-backup",
		"assume_role_policy": b.assumeRolePolicy(f, "backup_assume", "backup"),
	})
	for key, policy := range map[string]string{
		"backup":  "service-role/AWSBackupServiceRolePolicyForBackup",
		"restore": "service-role/AWSBackupServiceRolePolicyForRestores",
	} {
		f.Resource("aws_iam_role_policy_attachment", "backup_"+key, tfjson.Body{
			"role":       tfjson.Attr(role, "name"),
			"policy_arn": managedPolicy(policy),
		})
	}
	f.Resource("aws_backup_selection", "aurora", tfjson.Body{
		"name":         bk.Plan,
		"plan_id":      tfjson.Attr(plan, "id"),
		"iam_role_arn": tfjson.Attr(role, "arn"),
		"resources":    []string{tfjson.Attr(auroraCluster, "arn")},
	})
}
