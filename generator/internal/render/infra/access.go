package infra

import (
	"github.com/coder-eks/coder-eks/generator/internal/plan/network"
	"github.com/coder-eks/coder-eks/generator/internal/render/ec2meta"
	"github.com/coder-eks/coder-eks/generator/internal/render/tfjson"
)

// operatorAccess is how operators reach a private-only EKS endpoint: a
// small instance in the control tier with no inbound rule and no key
// pair, reached through Systems Manager Session Manager port forwarding
// (AWS-StartPortForwardingSessionToRemoteHost to the endpoint on 443; see
// docs/operations.md). The cluster's security group admits 443 from it.
// With eks_endpoint_public_access the allow-listed public endpoint is the
// path instead and nothing is rendered here.
func (b *module) operatorAccess(f *tfjson.File) {
	if b.m.Cluster.PublicAccess {
		return
	}
	name := b.m.Cluster.Name + "-operator-access"
	role := f.Resource("aws_iam_role", "operator_access", tfjson.Body{
		"name":               name,
		"assume_role_policy": b.assumeRolePolicy(f, "operator_access_assume", "ec2"),
	})
	f.Resource("aws_iam_role_policy_attachment", "operator_access", tfjson.Body{
		"role":       tfjson.Attr(role, "name"),
		"policy_arn": managedPolicy("AmazonSSMManagedInstanceCore"),
	})
	profile := f.Resource("aws_iam_instance_profile", "operator_access", tfjson.Body{
		"name": name,
		"role": tfjson.Attr(role, "name"),
	})
	sg := f.Resource("aws_security_group", "operator_access", tfjson.Body{
		"name":        name,
		"description": "Session Manager host for operators: no inbound; HTTPS out (SSM, the EKS endpoint)",
		"vpc_id":      tfjson.Attr("aws_vpc.this", "id"),
	})
	f.Resource("aws_vpc_security_group_egress_rule", "operator_access_https", tfjson.Body{
		"security_group_id": tfjson.Attr(sg, "id"),
		"description":       "HTTPS to Systems Manager and the EKS endpoint",
		"ip_protocol":       "tcp",
		"from_port":         httpsPort,
		"to_port":           httpsPort,
		"cidr_ipv4":         anyIPv4,
	})
	f.Resource("aws_vpc_security_group_ingress_rule", "cluster_from_operator_access", tfjson.Body{
		"security_group_id":            tfjson.Ref("aws_eks_cluster.this.vpc_config[0].cluster_security_group_id"),
		"description":                  "Kubernetes API from the operator access host",
		"ip_protocol":                  "tcp",
		"from_port":                    httpsPort,
		"to_port":                      httpsPort,
		"referenced_security_group_id": tfjson.Attr(sg, "id"),
	})
	ami := f.Data("aws_ssm_parameter", "operator_access_ami", tfjson.Body{
		"name": "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
	})
	f.Resource("aws_instance", "operator_access", tfjson.Body{
		"ami":                    tfjson.Attr(ami, "value"),
		"instance_type":          "t3.micro",
		"subnet_id":              b.subnetIDs(network.TierControl)[0],
		"vpc_security_group_ids": []string{tfjson.Attr(sg, "id")},
		"iam_instance_profile":   tfjson.Attr(profile, "name"),
		"monitoring":             true,
		"ebs_optimized":          true,
		// IMDSv2 only, one hop: the SSM agent on the host itself is the
		// only user of the instance role; no container runs there.
		"metadata_options": ec2meta.IMDSv2(1),
		"root_block_device": []tfjson.Body{{
			"volume_type": "gp3",
			"volume_size": 8,
			"encrypted":   true,
			"kms_key_id":  kmsARN("ebs"),
		}},
		"tags": map[string]string{"Name": name},
		// The AMI parameter moves with every Amazon Linux release; the
		// host is replaced on purpose (taint), not by a routine plan.
		"lifecycle": []tfjson.Body{{"ignore_changes": []string{"ami"}}},
	})
}
