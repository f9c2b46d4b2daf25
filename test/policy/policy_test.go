package policy

import (
	"path/filepath"
	"strings"
	"testing"
)

// rendered is every rendered root module's Terraform JSON.
const rendered = "../../rendered/*/terraform/*/*.tf.json"

func loadRendered(t *testing.T) []*Module {
	t.Helper()
	mods, err := LoadModules(rendered)
	if err != nil {
		t.Fatal(err)
	}
	envs, err := filepath.Glob("../../environments/*.cue")
	if err != nil {
		t.Fatal(err)
	}
	// Every environment has an infra, a bootstrap and a coderd module, and one more
	// infra module per secondary region (infra-<region>).
	dirs := map[string]bool{}
	for _, m := range mods {
		dirs[filepath.ToSlash(m.Dir)] = true
	}
	for _, env := range envs {
		name := strings.TrimSuffix(filepath.Base(env), ".cue")
		for _, mod := range []string{"infra", "bootstrap", "coderd"} {
			if dir := "../../rendered/" + name + "/terraform/" + mod; !dirs[dir] {
				t.Errorf("no rendered module %s", dir)
			}
		}
	}
	if len(envs) == 0 || len(mods) < 3*len(envs) {
		t.Fatalf("found %d rendered modules for %d environments, want at least %d", len(mods), len(envs), 3*len(envs))
	}
	return mods
}

func TestRenderedModulesMeetBaseline(t *testing.T) {
	for _, m := range loadRendered(t) {
		for _, r := range Rules {
			t.Run(m.Dir+"/"+r.ID, func(t *testing.T) {
				for _, v := range r.Check(m) {
					t.Errorf("%s (%s): %s", r.ID, r.Title, v)
				}
			})
		}
	}
}

// prodInfra is a fresh copy of prod's rendered infra module, the document
// the violation cases break.
func prodInfra(t *testing.T) *Module {
	t.Helper()
	mods, err := LoadModules("../../rendered/prod/terraform/infra/*.tf.json")
	if err != nil || len(mods) != 1 {
		t.Fatalf("load prod infra: %v (%d modules)", err, len(mods))
	}
	return mods[0]
}

func res(t *testing.T, m *Module, typ, name string) Body {
	t.Helper()
	b, ok := m.Resource[typ][name]
	if !ok {
		t.Fatalf("rendered prod infra has no %s.%s", typ, name)
	}
	return b
}

func first(t *testing.T, b Body, key string) Body {
	t.Helper()
	bs := Blocks(b, key)
	if len(bs) == 0 {
		t.Fatalf("no %s block", key)
	}
	return bs[0]
}

// TestRulesCatchViolations proves each rule can fail: the rendered prod
// module passes it, the same module with one hand-made violation does not.
func TestRulesCatchViolations(t *testing.T) {
	cases := []struct {
		rule   string
		break_ func(t *testing.T, m *Module)
	}{
		{"CKV_AWS_79/AVD-AWS-0130", func(t *testing.T, m *Module) {
			first(t, res(t, m, "aws_launch_template", "ws"), "metadata_options")["http_tokens"] = "optional"
		}},
		{"CKV_AWS_79/AVD-AWS-0130", func(t *testing.T, m *Module) {
			first(t, res(t, m, "aws_launch_template", "control"), "metadata_options")["http_put_response_hop_limit"] = 2.0
		}},
		{"CKV_AWS_79/AVD-AWS-0130", func(t *testing.T, m *Module) {
			m.Resource["aws_instance"] = map[string]Body{"bastion": {"ami": "ami-123"}}
		}},
		{"CKV_AWS_3/AVD-AWS-0027", func(t *testing.T, m *Module) {
			bd := first(t, res(t, m, "aws_launch_template", "prov"), "block_device_mappings")
			delete(first(t, bd, "ebs"), "kms_key_id")
		}},
		{"CKV_AWS_327/AVD-AWS-0079", func(t *testing.T, m *Module) {
			res(t, m, "aws_rds_cluster", "this")["storage_encrypted"] = false
		}},
		{"CKV_AWS_158/AVD-AWS-0017", func(t *testing.T, m *Module) {
			delete(res(t, m, "aws_cloudwatch_log_group", "coderd"), "kms_key_id")
		}},
		{"CKV_AWS_149/AVD-AWS-0098", func(t *testing.T, m *Module) {
			res(t, m, "aws_secretsmanager_secret", "db")["kms_key_id"] = "alias/aws/secretsmanager"
		}},
		{"CKV_AWS_145/AVD-AWS-0132", func(t *testing.T, m *Module) {
			r := first(t, res(t, m, "aws_s3_bucket_server_side_encryption_configuration", "nlb_logs"), "rule")
			first(t, r, "apply_server_side_encryption_by_default")["sse_algorithm"] = "AES256"
		}},
		{"CKV_AWS_166", func(t *testing.T, m *Module) {
			delete(res(t, m, "aws_backup_vault", "this"), "kms_key_arn")
		}},
		{"CKV_AWS_35/AVD-AWS-0015", func(t *testing.T, m *Module) {
			delete(res(t, m, "aws_cloudtrail", "this"), "kms_key_id")
		}},
		{"CKV_AWS_7/AVD-AWS-0065", func(t *testing.T, m *Module) {
			res(t, m, "aws_kms_key", "backup")["enable_key_rotation"] = false
		}},
		{"CKV_AWS_58/AVD-AWS-0039", func(t *testing.T, m *Module) {
			delete(res(t, m, "aws_eks_cluster", "this"), "encryption_config")
		}},
		{"CKV_AWS_39/AVD-AWS-0040", func(t *testing.T, m *Module) {
			first(t, res(t, m, "aws_eks_cluster", "this"), "vpc_config")["endpoint_public_access"] = true
		}},
		{"CKV_AWS_37/AVD-AWS-0038", func(t *testing.T, m *Module) {
			res(t, m, "aws_eks_cluster", "this")["enabled_cluster_log_types"] = []any{"api", "authenticator"}
		}},
		{"CKV_AWS_139", func(t *testing.T, m *Module) {
			res(t, m, "aws_rds_cluster", "this")["deletion_protection"] = false
		}},
		{"CKV_AWS_162/AVD-AWS-0176", func(t *testing.T, m *Module) {
			delete(res(t, m, "aws_rds_cluster", "this"), "iam_database_authentication_enabled")
		}},
		{"CKV_AWS_17/AVD-AWS-0180", func(t *testing.T, m *Module) {
			res(t, m, "aws_rds_cluster_instance", "reader_1")["publicly_accessible"] = true
		}},
		{"CKV2_AWS_11/AVD-AWS-0178", func(t *testing.T, m *Module) {
			delete(m.Resource, "aws_flow_log")
		}},
		{"CKV2_AWS_12", func(t *testing.T, m *Module) {
			res(t, m, "aws_default_security_group", "this")["ingress"] = []any{map[string]any{"protocol": "-1", "self": true}}
		}},
		{"CKV_AWS_260/AVD-AWS-0107", func(t *testing.T, m *Module) {
			m.Resource["aws_vpc_security_group_ingress_rule"]["ssh"] = Body{
				"security_group_id": "${aws_security_group.coderd_nodes.id}",
				"ip_protocol":       "tcp", "from_port": 22.0, "to_port": 22.0, "cidr_ipv4": "0.0.0.0/0",
			}
		}},
		{"CKV_AWS_260/AVD-AWS-0107", func(t *testing.T, m *Module) {
			// Even the NLB's group is open on its two ports only.
			r := res(t, m, "aws_vpc_security_group_ingress_rule", "nlb_https")
			r["from_port"], r["to_port"] = 80.0, 80.0
		}},
		{"CKV_AWS_130/AVD-AWS-0164", func(t *testing.T, m *Module) {
			res(t, m, "aws_subnet", "workspace_a")["map_public_ip_on_launch"] = true
		}},
		{"CKV_AWS_67/AVD-AWS-0014", func(t *testing.T, m *Module) {
			res(t, m, "aws_cloudtrail", "this")["is_multi_region_trail"] = false
		}},
		{"CKV_AWS_36/AVD-AWS-0016", func(t *testing.T, m *Module) {
			delete(res(t, m, "aws_cloudtrail", "this"), "enable_log_file_validation")
		}},
		{"CKV2_AWS_6/AVD-AWS-0094", func(t *testing.T, m *Module) {
			res(t, m, "aws_s3_bucket_public_access_block", "cloudtrail")["restrict_public_buckets"] = false
		}},
		{"CKV_AWS_21/AVD-AWS-0090", func(t *testing.T, m *Module) {
			first(t, res(t, m, "aws_s3_bucket_versioning", "nlb_logs"), "versioning_configuration")["status"] = "Suspended"
		}},
		{"CKV_AWS_66", func(t *testing.T, m *Module) {
			res(t, m, "aws_cloudwatch_log_group", "vpc_flow_logs")["retention_in_days"] = 30.0
		}},
		{"CKV_AWS_103/AVD-AWS-0047", func(t *testing.T, m *Module) {
			res(t, m, "aws_lb_listener", "https")["ssl_policy"] = "ELBSecurityPolicy-TLS-1-2-2017-01"
		}},
	}
	covered := map[string]bool{}
	for _, c := range cases {
		covered[c.rule] = true
		rule := ruleByID(t, c.rule)
		t.Run(c.rule, func(t *testing.T) {
			m := prodInfra(t)
			if v := rule.Check(m); len(v) > 0 {
				t.Fatalf("rendered prod infra already violates %s: %s", c.rule, strings.Join(v, "; "))
			}
			c.break_(t, m)
			if v := rule.Check(m); len(v) == 0 {
				t.Errorf("%s did not catch the violation", c.rule)
			}
		})
	}
	for _, r := range Rules {
		if !covered[r.ID] {
			t.Errorf("rule %s has no violation case", r.ID)
		}
	}
}

func ruleByID(t *testing.T, id string) Rule {
	t.Helper()
	for _, r := range Rules {
		if r.ID == id {
			return r
		}
	}
	t.Fatalf("no rule %s", id)
	return Rule{}
}
