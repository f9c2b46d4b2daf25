package infra

import (
	"github.com/coder-eks/coder-eks/generator/internal/plan/names"
	"github.com/coder-eks/coder-eks/generator/internal/plan/network"
	"github.com/coder-eks/coder-eks/generator/internal/render/s3bucket"
	"github.com/coder-eks/coder-eks/generator/internal/render/tfjson"
)

const (
	nlb       = "aws_lb.coder"
	nlbSG     = "aws_security_group.nlb"
	coderdTG  = "aws_lb_target_group.coderd"
	stunTG    = "aws_lb_target_group.stun"
	anyIPv4   = "0.0.0.0/0"
	httpsPort = names.HTTPSPort
)

// nlb renders the internet-facing network load balancer: TLS ends on 443
// with the ACM certificate and goes to coderd pods; STUN passes through on
// UDP 3478 to the STUN server pods beside coderd (coderd itself has no STUN
// listener). Both are IP targets registered by the AWS Load Balancer
// Controller's TargetGroupBindings. Its security group is the only one open to the
// internet, and only on those two ports.
func (b *module) nlb(f *tfjson.File) {
	lb := b.m.LoadBalancer
	vpcID := tfjson.Attr("aws_vpc.this", "id")
	f.Resource("aws_security_group", "nlb", tfjson.Body{
		"name":        lb.Name + "-nlb",
		"description": "Coder access URL (TLS 443) and STUN (UDP 3478) from the internet",
		"vpc_id":      vpcID,
	})
	b.nlbRules(f)
	logs := s3bucket.Render(f, s3bucket.Bucket{
		Key:        "nlb_logs",
		Name:       lb.LogsBucket,
		KMSKeyARN:  kmsARN("nlb_logs"),
		ExpireDays: b.m.LogGroups.Retention,
		Statements: b.logDeliveryStatements("aws_s3_bucket.nlb_logs"),
	})
	f.Resource("aws_lb", "coder", tfjson.Body{
		"name":                             lb.Name,
		"load_balancer_type":               "network",
		"internal":                         false,
		"ip_address_type":                  "ipv4",
		"subnets":                          b.firstSubnetIDs(network.TierPublic), // one per AZ
		"security_groups":                  []string{tfjson.Attr(nlbSG, "id")},
		"enable_cross_zone_load_balancing": lb.CrossZone,
		"enable_deletion_protection":       true,
		"access_logs": []tfjson.Body{{
			"bucket":  tfjson.Attr(logs, "id"),
			"enabled": true,
		}},
		"depends_on": []string{"aws_s3_bucket_policy.nlb_logs"},
	})
	// coderd serves plain HTTP on its pod port; the health check is its
	// /healthz endpoint on the same port.
	health := []tfjson.Body{{
		"protocol":            "HTTP",
		"port":                itoa(lb.CoderdPort),
		"path":                "/healthz",
		"matcher":             "200",
		"interval":            10,
		"healthy_threshold":   2,
		"unhealthy_threshold": 2,
	}}
	f.Resource("aws_lb_target_group", "coderd", tfjson.Body{
		"name":                 lb.CoderdTargetGroup,
		"port":                 lb.CoderdPort,
		"protocol":             "TCP",
		"target_type":          "ip",
		"vpc_id":               vpcID,
		"deregistration_delay": "30",
		"health_check":         health,
		// coderd sees the user's address (per-IP rate limits, audit
		// logs); off by default for TCP/TLS IP targets. The coderd nodes
		// still admit only the NLB's security group: a target group
		// behind an NLB with a security group may reference it whatever
		// the client IP preservation setting (ELB User Guide, "Update the
		// security groups for your Network Load Balancer").
		"preserve_client_ip": "true",
	})
	f.Resource("aws_lb_listener", "https", tfjson.Body{
		"load_balancer_arn": tfjson.Attr(nlb, "arn"),
		"port":              httpsPort,
		"protocol":          "TLS",
		"ssl_policy":        lb.SSLPolicy,
		"certificate_arn":   certificateARN(b.m.DNS.CertificateARN),
		"default_action":    []tfjson.Body{{"type": "forward", "target_group_arn": tfjson.Attr(coderdTG, "arn")}},
	})
	if lb.STUNTargetGroup == "" {
		return
	}
	f.Resource("aws_lb_target_group", "stun", tfjson.Body{
		"name":                 lb.STUNTargetGroup,
		"port":                 lb.STUNPort,
		"protocol":             "UDP",
		"target_type":          "ip",
		"vpc_id":               vpcID,
		"deregistration_delay": "30",
		// A UDP group is health-checked over TCP; the STUN server answers
		// STUN over TCP on the same port.
		"health_check": []tfjson.Body{{
			"protocol":            "TCP",
			"port":                "traffic-port",
			"interval":            10,
			"healthy_threshold":   2,
			"unhealthy_threshold": 2,
		}},
	})
	f.Resource("aws_lb_listener", "stun", tfjson.Body{
		"load_balancer_arn": tfjson.Attr(nlb, "arn"),
		"port":              lb.STUNPort,
		"protocol":          "UDP",
		"default_action":    []tfjson.Body{{"type": "forward", "target_group_arn": tfjson.Attr(stunTG, "arn")}},
	})
}

// nlbRules open the NLB to the internet on 443/tcp (and 3478/udp with
// STUN) and let it reach the pods behind it on the coderd nodes, on their
// ports and for health checks, and nothing else.
func (b *module) nlbRules(f *tfjson.File) {
	lb := b.m.LoadBalancer
	type port struct {
		key, proto string
		public     int // listener port; 0 for health checks only
		target     int // pod port
	}
	ports := []port{{"https", "tcp", httpsPort, lb.CoderdPort}}
	if lb.STUNTargetGroup != "" {
		ports = append(ports, port{"stun", "udp", lb.STUNPort, lb.STUNPort}, port{"stun_health", "tcp", 0, lb.STUNPort})
	}
	for _, p := range ports {
		if p.public != 0 {
			f.Resource("aws_vpc_security_group_ingress_rule", "nlb_"+p.key, tfjson.Body{
				"security_group_id": tfjson.Attr(nlbSG, "id"),
				"description":       p.key + " from the internet",
				"ip_protocol":       p.proto,
				"from_port":         p.public,
				"to_port":           p.public,
				"cidr_ipv4":         anyIPv4,
			})
		}
		f.Resource("aws_vpc_security_group_egress_rule", "nlb_"+p.key, tfjson.Body{
			"security_group_id":            tfjson.Attr(nlbSG, "id"),
			"description":                  p.key + " to pods on the coderd nodes",
			"ip_protocol":                  p.proto,
			"from_port":                    p.target,
			"to_port":                      p.target,
			"referenced_security_group_id": tfjson.Attr(coderdNodesSG, "id"),
		})
		f.Resource("aws_vpc_security_group_ingress_rule", "coderd_nodes_"+p.key, tfjson.Body{
			"security_group_id":            tfjson.Attr(coderdNodesSG, "id"),
			"description":                  p.key + " from the NLB",
			"ip_protocol":                  p.proto,
			"from_port":                    p.target,
			"to_port":                      p.target,
			"referenced_security_group_id": tfjson.Attr(nlbSG, "id"),
		})
	}
}

// logDeliveryStatements let the log delivery service write a load
// balancer's access logs into the bucket.
func (b *module) logDeliveryStatements(bucket string) []tfjson.Body {
	arn := tfjson.Attr(bucket, "arn")
	principal := []tfjson.Body{{"type": "Service", "identifiers": []string{b.principal("delivery.logs")}}}
	source := []tfjson.Body{{"test": "StringEquals", "variable": "aws:SourceAccount", "values": []string{accountID}}}
	return []tfjson.Body{
		{
			"sid": "LogDeliveryWrite", "actions": []string{"s3:PutObject"},
			"resources":  []string{arn + "/AWSLogs/" + accountID + "/*"},
			"principals": principal, "condition": source,
		},
		{
			"sid": "LogDeliveryAclCheck", "actions": []string{"s3:GetBucketAcl"},
			"resources":  []string{arn},
			"principals": principal, "condition": source,
		},
	}
}
