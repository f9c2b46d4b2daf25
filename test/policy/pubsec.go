package policy

import "strings"

// FIPSPolicy is the NLB TLS policy PubSec listeners use: TLS 1.3 and 1.2
// with FIPS 140 validated cryptography.
const FIPSPolicy = "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04"

// PubSecViolations are the PubSec pattern's rules beyond the baseline:
// FIPS endpoints (provider and state backend), a FIPS TLS policy on TLS
// listeners, a private EKS API, no Spot node groups, a year of log
// retention, and a CloudTrail trail wherever the module has Aurora (the
// primary region's module; the trail is multi-region).
func PubSecViolations(m *Module) []string {
	var v []string
	for _, p := range m.Provider["aws"] {
		if !True(p, "use_fips_endpoint") {
			v = append(v, "provider aws: use_fips_endpoint is not true")
		}
	}
	if m.Backend != nil && !True(m.Backend, "use_fips_endpoint") {
		v = append(v, "backend s3: use_fips_endpoint is not true")
	}
	m.Each("aws_lb_listener", func(name string, b Body) {
		if p := Str(b, "protocol"); (p == "TLS" || p == "HTTPS") && Str(b, "ssl_policy") != FIPSPolicy {
			v = append(v, addr("aws_lb_listener", name)+": ssl_policy is not "+FIPSPolicy)
		}
	})
	m.Each("aws_eks_cluster", func(name string, b Body) {
		for _, vc := range Blocks(b, "vpc_config") {
			if True(vc, "endpoint_public_access") {
				v = append(v, addr("aws_eks_cluster", name)+": public endpoint on")
			}
		}
	})
	m.Each("aws_eks_node_group", func(name string, b Body) {
		if Str(b, "capacity_type") != "ON_DEMAND" {
			v = append(v, addr("aws_eks_node_group", name)+": not On-Demand")
		}
	})
	m.Each("aws_cloudwatch_log_group", func(name string, b Body) {
		if days, _ := Num(b, "retention_in_days"); days < 365 {
			v = append(v, addr("aws_cloudwatch_log_group", name)+": retention below 365 days")
		}
	})
	if len(m.Resource["aws_rds_cluster"]) > 0 && len(m.Resource["aws_cloudtrail"]) == 0 {
		v = append(v, "no CloudTrail trail")
	}
	m.Each("aws_vpc_endpoint", func(name string, b Body) {
		if name == "kms" && !strings.HasSuffix(Str(b, "service_name"), ".kms-fips") {
			v = append(v, addr("aws_vpc_endpoint", name)+": not the kms-fips endpoint service")
		}
	})
	return v
}
