package infra

import "github.com/coder-eks/coder-eks/generator/internal/render/tfjson"

const (
	workspaceRole = "aws_iam_role.ec2_workspace"
	workspaceSG   = "aws_security_group.ec2_workspaces"
)

// ec2Workspaces renders what the composed EC2 templates launch workspaces
// with: an instance profile that only allows Systems Manager, and a
// security group with no ingress whose egress is HTTPS (the agent's
// connection to the access URL, package mirrors) and STUN.
func (b *module) ec2Workspaces(f *tfjson.File) {
	w := b.m.Workspaces
	role := f.Resource("aws_iam_role", "ec2_workspace", tfjson.Body{
		"name":               w.InstanceRole,
		"assume_role_policy": b.assumeRolePolicy(f, "ec2_workspace_assume", "ec2"),
	})
	f.Resource("aws_iam_role_policy_attachment", "ec2_workspace_ssm", tfjson.Body{
		"role":       tfjson.Attr(role, "name"),
		"policy_arn": managedPolicy("AmazonSSMManagedInstanceCore"),
	})
	f.Resource("aws_iam_instance_profile", "ec2_workspace", tfjson.Body{
		"name": w.InstanceRole,
		"role": tfjson.Attr(role, "name"),
	})
	f.Resource("aws_security_group", "ec2_workspaces", tfjson.Body{
		"name":        w.SecurityGroup,
		"description": "EC2 workspaces: no ingress; HTTPS and STUN out",
		"vpc_id":      tfjson.Attr("aws_vpc.this", "id"),
	})
	for _, r := range []struct {
		key, proto string
		port       int
	}{{"https", "tcp", httpsPort}, {"stun", "udp", b.m.LoadBalancer.STUNPort}} {
		f.Resource("aws_vpc_security_group_egress_rule", "ec2_workspaces_"+r.key, tfjson.Body{
			"security_group_id": tfjson.Attr(workspaceSG, "id"),
			"description":       r.key + " out",
			"ip_protocol":       r.proto,
			"from_port":         r.port,
			"to_port":           r.port,
			"cidr_ipv4":         anyIPv4,
		})
	}
}
