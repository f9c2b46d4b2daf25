package policy

import (
	"fmt"
	"strings"
)

// Rule is one baseline control. ID names the Checkov check and the Trivy
// (AVD) check it mirrors.
type Rule struct {
	ID    string
	Title string
	Check func(m *Module) []string // one message per violation
}

// Rules is the baseline every rendered root module must meet.
var Rules = []Rule{
	{"CKV_AWS_79/AVD-AWS-0130", "IMDSv2 required with hop limit 1 on launch templates and instances", imdsV2},
	{"CKV_AWS_3/AVD-AWS-0027", "EBS volumes encrypted with a rotating customer-managed key", ebsEncrypted},
	{"CKV_AWS_327/AVD-AWS-0079", "Aurora clusters encrypted with a rotating customer-managed key", rdsEncrypted},
	{"CKV_AWS_158/AVD-AWS-0017", "Log groups encrypted with a rotating customer-managed key", logGroupsEncrypted},
	{"CKV_AWS_149/AVD-AWS-0098", "Secrets encrypted with a rotating customer-managed key", secretsEncrypted},
	{"CKV_AWS_145/AVD-AWS-0132", "S3 buckets encrypted with a rotating customer-managed key", bucketsEncrypted},
	{"CKV_AWS_166", "Backup vaults encrypted with a rotating customer-managed key", vaultsEncrypted},
	{"CKV_AWS_35/AVD-AWS-0015", "CloudTrail encrypted with a rotating customer-managed key", trailsEncrypted},
	{"CKV_AWS_7/AVD-AWS-0065", "KMS key rotation enabled", kmsRotation},
	{"CKV_AWS_58/AVD-AWS-0039", "EKS secrets encrypted with a customer-managed key", eksSecrets},
	{"CKV_AWS_39/AVD-AWS-0040", "EKS private endpoint on, public endpoint off or restricted", eksEndpoint},
	{"CKV_AWS_37/AVD-AWS-0038", "EKS control plane logs all five types", eksLogs},
	{"CKV_AWS_139", "Aurora deletion protection", rdsDeletionProtection},
	{"CKV_AWS_162/AVD-AWS-0176", "Aurora IAM database authentication", rdsIAMAuth},
	{"CKV_AWS_17/AVD-AWS-0180", "Aurora instances not publicly accessible", rdsNotPublic},
	{"CKV2_AWS_11/AVD-AWS-0178", "VPC flow logs", vpcFlowLogs},
	{"CKV2_AWS_12", "Default security group restricts all traffic", defaultSGClosed},
	{"CKV_AWS_260/AVD-AWS-0107", "No ingress from 0.0.0.0/0 except the NLB's 443/tcp and 3478/udp", noOpenIngress},
	{"CKV_AWS_130/AVD-AWS-0164", "Only public-tier subnets assign public IPs", subnetPublicIPs},
	{"CKV_AWS_67/AVD-AWS-0014", "CloudTrail multi-region", trailMultiRegion},
	{"CKV_AWS_36/AVD-AWS-0016", "CloudTrail log file validation", trailValidation},
	{"CKV2_AWS_6/AVD-AWS-0094", "S3 public access block, all four settings", bucketsPublicAccessBlock},
	{"CKV_AWS_21/AVD-AWS-0090", "S3 versioning", bucketsVersioned},
	{"CKV_AWS_66", "Log retention set, at least 90 days (the seed's minimum)", logRetention},
	{"CKV_AWS_103/AVD-AWS-0047", "TLS 1.3 security policy on TLS listeners", listenerTLS13},
}

func imdsV2(m *Module) []string {
	var v []string
	for _, typ := range []string{"aws_launch_template", "aws_instance"} {
		m.Each(typ, func(name string, b Body) {
			md := Blocks(b, "metadata_options")
			if len(md) != 1 || Str(md[0], "http_tokens") != "required" {
				v = append(v, addr(typ, name)+": metadata_options.http_tokens is not required")
				return
			}
			if hop, ok := Num(md[0], "http_put_response_hop_limit"); !ok || hop != 1 {
				v = append(v, addr(typ, name)+": http_put_response_hop_limit is not 1")
			}
		})
	}
	return v
}

func ebsEncrypted(m *Module) []string {
	var v []string
	check := func(where string, b Body, keyArg string) {
		if !True(b, "encrypted") || !m.CMK(Str(b, keyArg)) {
			v = append(v, where+": not encrypted with a customer-managed key")
		}
	}
	m.Each("aws_launch_template", func(name string, b Body) {
		for _, bd := range Blocks(b, "block_device_mappings") {
			for _, ebs := range Blocks(bd, "ebs") {
				check(addr("aws_launch_template", name), ebs, "kms_key_id")
			}
		}
	})
	m.Each("aws_instance", func(name string, b Body) {
		for _, key := range []string{"root_block_device", "ebs_block_device"} {
			for _, d := range Blocks(b, key) {
				check(addr("aws_instance", name), d, "kms_key_id")
			}
		}
	})
	m.Each("aws_ebs_volume", func(name string, b Body) { check(addr("aws_ebs_volume", name), b, "kms_key_id") })
	return v
}

// cmkArg checks one argument of every resource of a type.
func cmkArg(typ, arg string, also func(Body) bool) func(m *Module) []string {
	return func(m *Module) []string {
		var v []string
		m.Each(typ, func(name string, b Body) {
			if !m.CMK(Str(b, arg)) || (also != nil && !also(b)) {
				v = append(v, addr(typ, name)+": "+arg+" is not a rotating customer-managed key of the module")
			}
		})
		return v
	}
}

var (
	rdsEncrypted       = cmkArg("aws_rds_cluster", "kms_key_id", func(b Body) bool { return True(b, "storage_encrypted") })
	logGroupsEncrypted = cmkArg("aws_cloudwatch_log_group", "kms_key_id", nil)
	secretsEncrypted   = cmkArg("aws_secretsmanager_secret", "kms_key_id", nil)
	vaultsEncrypted    = cmkArg("aws_backup_vault", "kms_key_arn", nil)
	trailsEncrypted    = cmkArg("aws_cloudtrail", "kms_key_id", nil)
)

// bucketSettings finds, for every bucket, the resources of a type that
// configure it (by bucket = "${aws_s3_bucket.<name>.id}").
func bucketSettings(m *Module, typ string, ok func(Body) bool) []string {
	var v []string
	m.Each("aws_s3_bucket", func(bucket string, _ Body) {
		found := false
		m.Each(typ, func(_ string, b Body) {
			if refersToName(Str(b, "bucket"), "aws_s3_bucket", bucket) && ok(b) {
				found = true
			}
		})
		if !found {
			v = append(v, addr("aws_s3_bucket", bucket)+": no compliant "+typ)
		}
	})
	return v
}

func bucketsEncrypted(m *Module) []string {
	return bucketSettings(m, "aws_s3_bucket_server_side_encryption_configuration", func(b Body) bool {
		for _, r := range Blocks(b, "rule") {
			for _, d := range Blocks(r, "apply_server_side_encryption_by_default") {
				if Str(d, "sse_algorithm") == "aws:kms" && m.CMK(Str(d, "kms_master_key_id")) {
					return true
				}
			}
		}
		return false
	})
}

func bucketsPublicAccessBlock(m *Module) []string {
	return bucketSettings(m, "aws_s3_bucket_public_access_block", func(b Body) bool {
		return True(b, "block_public_acls") && True(b, "block_public_policy") &&
			True(b, "ignore_public_acls") && True(b, "restrict_public_buckets")
	})
}

func bucketsVersioned(m *Module) []string {
	return bucketSettings(m, "aws_s3_bucket_versioning", func(b Body) bool {
		vc := Blocks(b, "versioning_configuration")
		return len(vc) == 1 && Str(vc[0], "status") == "Enabled"
	})
}

func kmsRotation(m *Module) []string {
	var v []string
	m.Each("aws_kms_key", func(name string, b Body) {
		if !True(b, "enable_key_rotation") {
			v = append(v, addr("aws_kms_key", name)+": rotation off")
		}
	})
	return v
}

func eksSecrets(m *Module) []string {
	var v []string
	m.Each("aws_eks_cluster", func(name string, b Body) {
		for _, e := range Blocks(b, "encryption_config") {
			for _, p := range Blocks(e, "provider") {
				if m.CMK(Str(p, "key_arn")) && contains(Strings(e, "resources"), "secrets") {
					return
				}
			}
		}
		v = append(v, addr("aws_eks_cluster", name)+": secrets not encrypted with a customer-managed key")
	})
	return v
}

func eksEndpoint(m *Module) []string {
	var v []string
	m.Each("aws_eks_cluster", func(name string, b Body) {
		for _, vc := range Blocks(b, "vpc_config") {
			if !True(vc, "endpoint_private_access") {
				v = append(v, addr("aws_eks_cluster", name)+": private endpoint off")
			}
			cidrs := Strings(vc, "public_access_cidrs")
			if True(vc, "endpoint_public_access") && (len(cidrs) == 0 || contains(cidrs, "0.0.0.0/0")) {
				v = append(v, addr("aws_eks_cluster", name)+": public endpoint open to the internet")
			}
		}
	})
	return v
}

func eksLogs(m *Module) []string {
	var v []string
	m.Each("aws_eks_cluster", func(name string, b Body) {
		got := Strings(b, "enabled_cluster_log_types")
		for _, t := range []string{"api", "audit", "authenticator", "controllerManager", "scheduler"} {
			if !contains(got, t) {
				v = append(v, addr("aws_eks_cluster", name)+": log type "+t+" off")
			}
		}
	})
	return v
}

func boolArg(typ, arg string, want bool) func(m *Module) []string {
	return func(m *Module) []string {
		var v []string
		m.Each(typ, func(name string, b Body) {
			got, isBool := b[arg].(bool)
			if !isBool || got != want {
				v = append(v, fmt.Sprintf("%s: %s is not %t", addr(typ, name), arg, want))
			}
		})
		return v
	}
}

var (
	rdsDeletionProtection = boolArg("aws_rds_cluster", "deletion_protection", true)
	rdsIAMAuth            = boolArg("aws_rds_cluster", "iam_database_authentication_enabled", true)
	rdsNotPublic          = boolArg("aws_rds_cluster_instance", "publicly_accessible", false)
	trailMultiRegion      = boolArg("aws_cloudtrail", "is_multi_region_trail", true)
	trailValidation       = boolArg("aws_cloudtrail", "enable_log_file_validation", true)
)

// perVPC requires every VPC to have a resource of typ pointing at it.
func perVPC(typ string, ok func(Body) bool) func(m *Module) []string {
	return func(m *Module) []string {
		var v []string
		m.Each("aws_vpc", func(vpc string, _ Body) {
			found := false
			m.Each(typ, func(_ string, b Body) {
				if refersToName(Str(b, "vpc_id"), "aws_vpc", vpc) && ok(b) {
					found = true
				}
			})
			if !found {
				v = append(v, addr("aws_vpc", vpc)+": no compliant "+typ)
			}
		})
		return v
	}
}

var (
	vpcFlowLogs = perVPC("aws_flow_log", func(b Body) bool { return Str(b, "traffic_type") == "ALL" })
	// Adopting the default group without rules removes AWS's allow-all.
	defaultSGClosed = perVPC("aws_default_security_group", func(b Body) bool {
		return len(Blocks(b, "ingress")) == 0 && len(Blocks(b, "egress")) == 0 && b["ingress"] == nil && b["egress"] == nil
	})
)

// noOpenIngress allows internet ingress only on a network load balancer's
// own security group, on 443/tcp and 3478/udp.
func noOpenIngress(m *Module) []string {
	nlbGroups := map[string]bool{}
	m.Each("aws_lb", func(_ string, b Body) {
		if Str(b, "load_balancer_type") != "network" {
			return
		}
		for _, sg := range Strings(b, "security_groups") {
			if _, name, ok := Ref(sg); ok {
				nlbGroups[name] = true
			}
		}
	})
	allowed := func(sg, proto string, from, to float64) bool {
		_, name, ok := Ref(sg)
		return ok && nlbGroups[name] && from == to &&
			((lower(proto) == "tcp" && from == 443) || (lower(proto) == "udp" && from == 3478))
	}
	open := func(cidrs ...string) bool {
		for _, c := range cidrs {
			if c == "0.0.0.0/0" || c == "::/0" {
				return true
			}
		}
		return false
	}
	var v []string
	m.Each("aws_vpc_security_group_ingress_rule", func(name string, b Body) {
		from, _ := Num(b, "from_port")
		to, _ := Num(b, "to_port")
		if open(Str(b, "cidr_ipv4"), Str(b, "cidr_ipv6")) && !allowed(Str(b, "security_group_id"), Str(b, "ip_protocol"), from, to) {
			v = append(v, addr("aws_vpc_security_group_ingress_rule", name)+": ingress from the internet")
		}
	})
	m.Each("aws_security_group_rule", func(name string, b Body) {
		from, _ := Num(b, "from_port")
		to, _ := Num(b, "to_port")
		cidrs := append(Strings(b, "cidr_blocks"), Strings(b, "ipv6_cidr_blocks")...)
		if Str(b, "type") == "ingress" && open(cidrs...) && !allowed(Str(b, "security_group_id"), Str(b, "protocol"), from, to) {
			v = append(v, addr("aws_security_group_rule", name)+": ingress from the internet")
		}
	})
	m.Each("aws_security_group", func(name string, b Body) {
		for _, in := range Blocks(b, "ingress") {
			from, _ := Num(in, "from_port")
			to, _ := Num(in, "to_port")
			cidrs := append(Strings(in, "cidr_blocks"), Strings(in, "ipv6_cidr_blocks")...)
			if open(cidrs...) && !allowed("${aws_security_group."+name+".id}", Str(in, "protocol"), from, to) {
				v = append(v, addr("aws_security_group", name)+": inline ingress from the internet")
			}
		}
	})
	return v
}

func subnetPublicIPs(m *Module) []string {
	var v []string
	m.Each("aws_subnet", func(name string, b Body) {
		tags, _ := b["tags"].(map[string]any)
		if True(b, "map_public_ip_on_launch") && tags["Tier"] != "public" {
			v = append(v, addr("aws_subnet", name)+": assigns public IPs outside the public tier")
		}
	})
	return v
}

func logRetention(m *Module) []string {
	var v []string
	m.Each("aws_cloudwatch_log_group", func(name string, b Body) {
		if days, ok := Num(b, "retention_in_days"); !ok || days < 90 {
			v = append(v, addr("aws_cloudwatch_log_group", name)+": retention below 90 days or unset (kept forever)")
		}
	})
	return v
}

func listenerTLS13(m *Module) []string {
	var v []string
	m.Each("aws_lb_listener", func(name string, b Body) {
		p := Str(b, "protocol")
		if (p == "TLS" || p == "HTTPS") && !strings.HasPrefix(Str(b, "ssl_policy"), "ELBSecurityPolicy-TLS13-") {
			v = append(v, addr("aws_lb_listener", name)+": ssl_policy is not a TLS 1.3 policy")
		}
	})
	return v
}

func contains(l []string, s string) bool {
	for _, e := range l {
		if e == s {
			return true
		}
	}
	return false
}
