package infra

import (
	"fmt"

	model "github.com/coder-eks/coder-eks/generator/internal/model/infra"
	"github.com/coder-eks/coder-eks/generator/internal/plan/names"
	"github.com/coder-eks/coder-eks/generator/internal/plan/network"
	"github.com/coder-eks/coder-eks/generator/internal/render/tfjson"
)

const (
	auroraCluster = "aws_rds_cluster.this"
	dbSecret      = "aws_secretsmanager_secret.db"
	postgresPort  = names.PostgresPort
)

// aurora renders the Aurora PostgreSQL Serverless v2 cluster: a writer and
// readers in different AZs of the database tier, reachable on 5432 only
// from the nodes coderd runs on, encrypted, IAM auth on, TLS forced, the
// master password generated and rotated by RDS in Secrets Manager (never in
// Terraform state), and the seed's DB secret holding what coderd needs to
// connect.
func (b *module) aurora(f *tfjson.File) {
	d := b.m.Database
	subnets := f.Resource("aws_db_subnet_group", "aurora", tfjson.Body{
		"name":       d.Identifier,
		"subnet_ids": b.subnetIDs(network.TierDatabase),
	})
	sg := f.Resource("aws_security_group", "aurora", tfjson.Body{
		"name":        d.Identifier + "-aurora",
		"description": "PostgreSQL from the nodes coderd runs on",
		"vpc_id":      tfjson.Attr("aws_vpc.this", "id"),
	})
	f.Resource("aws_vpc_security_group_ingress_rule", "aurora_coderd", tfjson.Body{
		"security_group_id":            tfjson.Attr(sg, "id"),
		"description":                  "PostgreSQL from coderd nodes",
		"ip_protocol":                  "tcp",
		"from_port":                    postgresPort,
		"to_port":                      postgresPort,
		"referenced_security_group_id": tfjson.Attr(coderdNodesSG, "id"),
	})
	// A major upgrade changes the family, which forces a new group: it is
	// created under its own name before the cluster moves to it, and the
	// old one is deleted only after (RDS refuses to delete a group in use).
	params := f.Resource("aws_rds_cluster_parameter_group", "aurora", tfjson.Body{
		"name":        d.ParameterGroup,
		"family":      d.ParameterFamily,
		"description": d.Identifier + ": TLS only, slow statement logging",
		"parameter": []tfjson.Body{
			{"name": "rds.force_ssl", "value": "1"},
			{"name": "log_min_duration_statement", "value": "1000"},
		},
		"lifecycle": []tfjson.Body{{"create_before_destroy": true}},
	})
	// RDS would create the export's log group itself, unencrypted and kept
	// forever.
	logs := b.logGroup(f, "aurora", d.LogGroup)
	cluster := tfjson.Body{
		"cluster_identifier":                  d.Identifier,
		"engine":                              "aurora-postgresql",
		"engine_mode":                         "provisioned",
		"engine_version":                      d.EngineVersion,
		"database_name":                       d.DBName,
		"master_username":                     d.MasterUser,
		"manage_master_user_password":         true,
		"master_user_secret_kms_key_id":       kmsARN("rds"),
		"db_subnet_group_name":                tfjson.Attr(subnets, "name"),
		"vpc_security_group_ids":              []string{tfjson.Attr(sg, "id")},
		"db_cluster_parameter_group_name":     tfjson.Attr(params, "name"),
		"port":                                postgresPort,
		"storage_encrypted":                   true,
		"kms_key_id":                          kmsARN("rds"),
		"deletion_protection":                 true,
		"iam_database_authentication_enabled": true,
		"enabled_cloudwatch_logs_exports":     []string{"postgresql"},
		"backup_retention_period":             d.PITRDays,
		"copy_tags_to_snapshot":               true,
		"skip_final_snapshot":                 false,
		"final_snapshot_identifier":           d.Identifier + "-final",
		"serverlessv2_scaling_configuration": []tfjson.Body{{
			"min_capacity": d.MinACU,
			"max_capacity": d.MaxACU,
		}},
		"depends_on": []string{logs},
	}
	majorUpgrade(cluster, d)
	f.Resource("aws_rds_cluster", "this", cluster)
	monitoring := f.Resource("aws_iam_role", "rds_monitoring", tfjson.Body{
		"name":               d.Identifier + "-rds-monitoring",
		"assume_role_policy": b.assumeRolePolicy(f, "rds_monitoring_assume", "monitoring.rds"),
	})
	f.Resource("aws_iam_role_policy_attachment", "rds_monitoring", tfjson.Body{
		"role":       tfjson.Attr(monitoring, "name"),
		"policy_arn": managedPolicy("service-role/AmazonRDSEnhancedMonitoringRole"),
	})
	var writer string
	for i, az := range d.InstanceAZs {
		writer = b.auroraInstance(f, i, az, monitoring, writer)
	}
	b.dbSecret(f)
}

// majorUpgrade sets how the cluster's engine_version is applied.
// Normally aurora_engine_version is the version the cluster is created
// with: the instances upgrade minor versions themselves
// (auto_minor_version_upgrade), the provider then reads the new version
// back, and a pinned one would make the next plan try a downgrade, which
// RDS refuses; so it is ignored. While the environment opts in to a major
// upgrade (aurora_major_version_upgrade) it is applied, in place, with
// what ModifyDBCluster needs for a major version: AllowMajorVersionUpgrade,
// the target family's cluster parameter group (already the cluster's
// db_cluster_parameter_group_name) and instance parameter group
// (DBInstanceParameterGroupName, valid only with
// AllowMajorVersionUpgrade; the instances use RDS's default group), and
// ApplyImmediately, without which RDS waits for the maintenance window
// (Aurora User Guide, "How to perform a major version upgrade"; RDS API
// Reference, ModifyDBCluster).
func majorUpgrade(cluster tfjson.Body, d *model.Database) {
	if !d.MajorUpgrade {
		cluster["lifecycle"] = []tfjson.Body{{"ignore_changes": []string{"engine_version"}}}
		return
	}
	cluster["allow_major_version_upgrade"] = true
	cluster["db_instance_parameter_group_name"] = "default." + d.ParameterFamily
	cluster["apply_immediately"] = true
}

// auroraInstance is the writer (i == 0) or a reader, created after the
// writer so the writer is the first instance of the cluster.
func (b *module) auroraInstance(f *tfjson.File, i int, az, monitoring, writer string) string {
	d := b.m.Database
	body := tfjson.Body{
		"identifier":                            fmt.Sprintf("%s-%d", d.Identifier, i+1),
		"cluster_identifier":                    tfjson.Attr(auroraCluster, "id"),
		"instance_class":                        "db.serverless",
		"engine":                                tfjson.Attr(auroraCluster, "engine"),
		"engine_version":                        tfjson.Attr(auroraCluster, "engine_version"),
		"availability_zone":                     az,
		"publicly_accessible":                   false,
		"auto_minor_version_upgrade":            true,
		"promotion_tier":                        i,
		"copy_tags_to_snapshot":                 true,
		"performance_insights_enabled":          true,
		"performance_insights_kms_key_id":       kmsARN("rds"),
		"performance_insights_retention_period": 7,
		"monitoring_interval":                   60,
		"monitoring_role_arn":                   tfjson.Attr(monitoring, "arn"),
	}
	name := "writer"
	if i > 0 {
		name = fmt.Sprintf("reader_%d", i)
		body["depends_on"] = []string{writer}
	}
	return f.Resource("aws_rds_cluster_instance", name, body)
}

// dbSecret is the seed's coder/<env>/db-password secret, under a fixed
// name so that External Secrets reads it by name: where the database is and
// the role coderd logs in as (with an IAM auth token, so no password). The
// master password stays in the RDS-managed secret, which RDS rotates; only
// the role Job reads it.
func (b *module) dbSecret(f *tfjson.File) {
	d := b.m.Database
	f.Resource("aws_secretsmanager_secret", "db", tfjson.Body{
		"name":                    d.SecretName,
		"description":             "Connection details of " + d.Identifier + " for coderd (IAM auth as username); the master password is in password_secret_arn (managed and rotated by RDS)",
		"kms_key_id":              kmsARN("secrets"),
		"recovery_window_in_days": 30,
	})
	f.Resource("aws_secretsmanager_secret_version", "db", tfjson.Body{
		"secret_id": tfjson.Attr(dbSecret, "id"),
		"secret_string": "${jsonencode({" +
			`engine = "postgres", ` +
			"host = " + auroraCluster + ".endpoint, " +
			"reader_host = " + auroraCluster + ".reader_endpoint, " +
			"port = " + auroraCluster + ".port, " +
			"dbname = " + auroraCluster + ".database_name, " +
			`username = "` + d.AppUser + `", ` +
			"master_username = " + auroraCluster + ".master_username, " +
			`sslmode = "verify-full", ` +
			"password_secret_arn = " + masterSecretARN +
			"})}",
	})
}

// masterSecretARN is the RDS-managed secret holding the master password.
const masterSecretARN = auroraCluster + ".master_user_secret[0].secret_arn"

// dbUserARN is what rds-db:connect is granted on: the database user coderd
// connects as with an IAM auth token.
func (b *module) dbUserARN() string {
	return names.ARN(partition, "rds-db", region, accountID,
		"dbuser:"+tfjson.Attr(auroraCluster, "cluster_resource_id")+"/"+b.m.Database.AppUser)
}
