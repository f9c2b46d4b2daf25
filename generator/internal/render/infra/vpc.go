package infra

import (
	"net/netip"
	"strconv"
	"strings"

	"github.com/coder-eks/coder-eks/generator/internal/cidr"
	"github.com/coder-eks/coder-eks/generator/internal/plan/network"
	"github.com/coder-eks/coder-eks/generator/internal/render/tfjson"
)

// vpc renders the network: subnets from the plan as literal CIDRs, a NAT
// gateway per AZ, route tables, endpoints for a private cluster and flow
// logs.
func (b *module) vpc(f *tfjson.File) {
	n := b.m.Network
	vpc := f.Resource("aws_vpc", "this", tfjson.Body{
		"cidr_block":           n.CIDR,
		"enable_dns_hostnames": true,
		"enable_dns_support":   true,
		"tags":                 map[string]string{"Name": n.Name},
	})
	vpcID := tfjson.Attr(vpc, "id")
	// Adopting the default security group with no rules strips AWS's
	// allow-all rules from it (CKV2_AWS_12).
	f.Resource("aws_default_security_group", "this", tfjson.Body{"vpc_id": vpcID})
	igw := f.Resource("aws_internet_gateway", "this", tfjson.Body{
		"vpc_id": vpcID,
		"tags":   map[string]string{"Name": n.Name},
	})
	// Secondary blocks: their subnets take the VPC's ID from the
	// association, so Terraform creates the block first.
	blockVPC := map[netip.Prefix]string{}
	for _, c := range n.Subnets.Secondary {
		a := f.Resource("aws_vpc_ipv4_cidr_block_association", blockName(c), tfjson.Body{
			"vpc_id":     vpcID,
			"cidr_block": c.String(),
		})
		blockVPC[c] = tfjson.Attr(a, "vpc_id")
	}
	for _, s := range n.Subnets.Subnets {
		id := vpcID
		for c, ref := range blockVPC {
			if c.Contains(s.CIDR.Addr()) {
				id = ref
			}
		}
		b.subnet(f, s, id)
	}
	b.routes(f, vpcID, igw)
	b.endpoints(f, vpcID)
	b.flowLogs(f, vpcID)
}

func (b *module) subnet(f *tfjson.File, s cidr.Subnet, vpcID string) {
	tags := map[string]string{
		"Name": b.m.Network.Name + "-" + s.Tier + "-" + s.AZ + seqSuffix(s),
		"Tier": s.Tier,
	}
	switch s.Tier {
	case network.TierPublic:
		tags["kubernetes.io/role/elb"] = "1"
	case network.TierDatabase:
	default:
		tags["kubernetes.io/role/internal-elb"] = "1"
	}
	f.Resource("aws_subnet", subnetResource(s), tfjson.Body{
		"vpc_id":            vpcID,
		"cidr_block":        s.CIDR.String(),
		"availability_zone": s.AZ,
		// Nothing launched here needs a public address: NAT gateways use
		// Elastic IPs and the NLB its own (CKV_AWS_130).
		"map_public_ip_on_launch": false,
		"tags":                    tags,
	})
}

func (b *module) routes(f *tfjson.File, vpcID, igw string) {
	n := b.m.Network
	public := f.Resource("aws_route_table", "public", tfjson.Body{
		"vpc_id": vpcID,
		"tags":   map[string]string{"Name": n.Name + "-public"},
	})
	f.Resource("aws_route", "public_internet", tfjson.Body{
		"route_table_id":         tfjson.Attr(public, "id"),
		"destination_cidr_block": "0.0.0.0/0",
		"gateway_id":             tfjson.Attr(igw, "id"),
	})
	// The database tier has no route out of the VPC at all.
	database := f.Resource("aws_route_table", "database", tfjson.Body{
		"vpc_id": vpcID,
		"tags":   map[string]string{"Name": n.Name + "-database"},
	})
	tables := []string{tfjson.Attr(public, "id"), tfjson.Attr(database, "id")}
	var nat string
	for i, az := range n.AZs {
		sfx := azSuffix(az)
		if i == 0 || n.NATPerAZ {
			nat = b.natGateway(f, az, igw)
		}
		private := f.Resource("aws_route_table", "private_"+sfx, tfjson.Body{
			"vpc_id": vpcID,
			"tags":   map[string]string{"Name": n.Name + "-private-" + az},
		})
		f.Resource("aws_route", "private_nat_"+sfx, tfjson.Body{
			"route_table_id":         tfjson.Attr(private, "id"),
			"destination_cidr_block": "0.0.0.0/0",
			"nat_gateway_id":         tfjson.Attr(nat, "id"),
		})
		tables = append(tables, tfjson.Attr(private, "id"))
	}
	for _, s := range n.Subnets.Subnets {
		table := "aws_route_table.private_" + azSuffix(s.AZ)
		switch s.Tier {
		case network.TierPublic:
			table = public
		case network.TierDatabase:
			table = database
		}
		name := subnetResource(s)
		f.Resource("aws_route_table_association", name, tfjson.Body{
			"subnet_id":      tfjson.Attr("aws_subnet."+name, "id"),
			"route_table_id": tfjson.Attr(table, "id"),
		})
	}
	if n.S3Endpoint {
		f.Resource("aws_vpc_endpoint", "s3", tfjson.Body{
			"vpc_id":            vpcID,
			"service_name":      endpointService(b.m.Region, "s3"),
			"vpc_endpoint_type": "Gateway",
			"route_table_ids":   tables,
			"tags":              map[string]string{"Name": n.Name + "-s3"},
		})
	}
}

// endpoints are interface endpoints in the control tier, reachable on 443
// from inside the VPC only.
func (b *module) endpoints(f *tfjson.File, vpcID string) {
	n := b.m.Network
	if len(n.Endpoints) == 0 {
		return
	}
	sg := f.Resource("aws_security_group", "vpc_endpoints", tfjson.Body{
		"name":        n.Name + "-vpc-endpoints",
		"description": "HTTPS from the VPC to AWS service endpoints",
		"vpc_id":      vpcID,
	})
	f.Resource("aws_vpc_security_group_ingress_rule", "vpc_endpoints_https", tfjson.Body{
		"security_group_id": tfjson.Attr(sg, "id"),
		"description":       "HTTPS from the VPC",
		"ip_protocol":       "tcp",
		"from_port":         443,
		"to_port":           443,
		"cidr_ipv4":         n.CIDR,
	})
	for _, c := range n.Subnets.Secondary {
		f.Resource("aws_vpc_security_group_ingress_rule", "vpc_endpoints_https_"+blockName(c), tfjson.Body{
			"security_group_id": tfjson.Attr(sg, "id"),
			"description":       "HTTPS from the VPC's block " + c.String(),
			"ip_protocol":       "tcp",
			"from_port":         443,
			"to_port":           443,
			"cidr_ipv4":         c.String(),
		})
	}
	// An interface endpoint takes one subnet per AZ.
	subnets := b.firstSubnetIDs(network.TierControl)
	for _, e := range n.Endpoints {
		f.Resource("aws_vpc_endpoint", strings.NewReplacer(".", "_", "-", "_").Replace(e.Name), tfjson.Body{
			"vpc_id":              vpcID,
			"service_name":        endpointService(b.m.Region, e.Service),
			"vpc_endpoint_type":   "Interface",
			"private_dns_enabled": true,
			"subnet_ids":          subnets,
			"security_group_ids":  []string{tfjson.Attr(sg, "id")},
			"tags":                map[string]string{"Name": n.Name + "-" + e.Service},
		})
	}
}

// endpointService is the name of an AWS endpoint service, the same form in
// the commercial and GovCloud partitions.
func endpointService(region, service string) string {
	return "com.amazonaws." + region + "." + service
}

// natGateway is a NAT gateway with its Elastic IP in an AZ's public
// subnet.
func (b *module) natGateway(f *tfjson.File, az, igw string) string {
	n := b.m.Network
	sfx := azSuffix(az)
	eip := f.Resource("aws_eip", "nat_"+sfx, tfjson.Body{
		"domain": "vpc",
		"tags":   map[string]string{"Name": n.Name + "-nat-" + az},
	})
	return f.Resource("aws_nat_gateway", sfx, tfjson.Body{
		"allocation_id": tfjson.Attr(eip, "id"),
		"subnet_id":     tfjson.Attr("aws_subnet."+subnetName(network.TierPublic, az), "id"),
		"tags":          map[string]string{"Name": n.Name + "-" + az},
		"depends_on":    []string{igw},
	})
}

func (b *module) flowLogs(f *tfjson.File, vpcID string) {
	n := b.m.Network
	group := b.logGroup(f, "vpc_flow_logs", n.FlowLogGroup)
	role := f.Resource("aws_iam_role", "vpc_flow_logs", tfjson.Body{
		"name":               n.Name + "-vpc-flow-logs",
		"assume_role_policy": b.assumeRolePolicy(f, "vpc_flow_logs_assume", "vpc-flow-logs"),
	})
	policy := f.Data("aws_iam_policy_document", "vpc_flow_logs", tfjson.Body{
		"statement": []tfjson.Body{{
			"actions":   []string{"logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"},
			"resources": []string{tfjson.Attr(group, "arn"), tfjson.Attr(group, "arn") + ":*"},
		}},
	})
	f.Resource("aws_iam_role_policy", "vpc_flow_logs", tfjson.Body{
		"name":   "write-flow-logs",
		"role":   tfjson.Attr(role, "id"),
		"policy": tfjson.Attr(policy, "json"),
	})
	f.Resource("aws_flow_log", "this", tfjson.Body{
		"vpc_id":                   vpcID,
		"traffic_type":             "ALL",
		"log_destination_type":     "cloud-watch-logs",
		"log_destination":          tfjson.Attr(group, "arn"),
		"iam_role_arn":             tfjson.Attr(role, "arn"),
		"max_aggregation_interval": 60,
	})
}

// logGroup is a KMS-encrypted log group with the environment's retention.
func (b *module) logGroup(f *tfjson.File, name, path string) string {
	return f.Resource("aws_cloudwatch_log_group", name, tfjson.Body{
		"name":              path,
		"retention_in_days": b.m.LogGroups.Retention,
		"kms_key_id":        tfjson.Attr("aws_kms_key.logs", "arn"),
	})
}

// subnetIDs references a tier's subnets: the first of every AZ in AZ
// order, then those growth added.
func (b *module) subnetIDs(tier string) []string {
	return subnetRefs(b.m.Network.Subnets.Tier(tier), "id")
}

// firstSubnetIDs references the first subnet of a tier in every AZ, for
// resources that take one subnet per AZ.
func (b *module) firstSubnetIDs(tier string) []string {
	return subnetRefs(b.m.Network.Subnets.First(tier), "id")
}

func subnetRefs(subs []cidr.Subnet, attr string) []string {
	var refs []string
	for _, s := range subs {
		refs = append(refs, tfjson.Attr("aws_subnet."+subnetResource(s), attr))
	}
	return refs
}

func subnetName(tier, az string) string { return tier + "_" + azSuffix(az) }

// subnetResource names a subnet's resources: "workspace_a" for the first
// workspace subnet in us-east-1a, "workspace_a_2" for the next one growth
// added. load.ReadCommitted reads the suffix back as the sequence.
func subnetResource(s cidr.Subnet) string {
	return subnetName(s.Tier, s.AZ) + strings.ReplaceAll(seqSuffix(s), "-", "_")
}

// seqSuffix is "" for a tier's first subnet in an AZ, "-2", "-3", … after.
func seqSuffix(s cidr.Subnet) string {
	if s.Seq == 0 {
		return ""
	}
	return "-" + strconv.Itoa(s.Seq+1)
}

// blockName names a secondary CIDR block's resources ("100.64.0.0/16" →
// "b100_64_0_0_16").
func blockName(c netip.Prefix) string {
	return "b" + strings.NewReplacer(".", "_", "/", "_").Replace(c.String())
}

// azSuffix is the zone letter of an AZ name ("us-east-1a" → "a"), unique
// within a region.
func azSuffix(az string) string { return az[len(az)-1:] }
