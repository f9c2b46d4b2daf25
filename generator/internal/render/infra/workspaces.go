package infra

import (
	"strconv"

	model "github.com/coder-eks/coder-eks/generator/internal/model/infra"
	"github.com/coder-eks/coder-eks/generator/internal/plan/names"
	"github.com/coder-eks/coder-eks/generator/internal/render/tfjson"
)

const workspaceRole = "aws_iam_role.ec2_workspace"

// ec2Workspaces renders what the composed EC2 templates launch workspaces
// with: an instance profile that allows Systems Manager and reading the
// workspace secrets, and one security group per network-egress mode, all
// without ingress (the agent connects out).
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
	b.inlinePolicy(f, "ec2_workspace_secrets", role, append(b.workspaceSecretsPolicy(), dcvLicenseRead()))
	for _, sg := range w.SecurityGroups {
		b.workspaceSecurityGroup(f, sg.Key, sg.Name, sg.Egress == model.EgressUnrestricted)
	}
}

// workspaceSecurityGroup is one shared group of EC2 workspaces: egress
// HTTPS (the agent's connection to the access URL, package mirrors) and
// STUN, or everything when unrestricted.
func (b *module) workspaceSecurityGroup(f *tfjson.File, key, name string, unrestricted bool) {
	desc := "EC2 workspaces: no ingress; HTTPS and STUN out"
	if unrestricted {
		desc = "EC2 workspaces: no ingress; all egress"
	}
	sg := f.Resource("aws_security_group", key, tfjson.Body{
		"name":        name,
		"description": desc,
		"vpc_id":      tfjson.Attr("aws_vpc.this", "id"),
	})
	if unrestricted {
		f.Resource("aws_vpc_security_group_egress_rule", key+"_all", tfjson.Body{
			"security_group_id": tfjson.Attr(sg, "id"),
			"description":       "all out",
			"ip_protocol":       "-1",
			"cidr_ipv4":         anyIPv4,
		})
		return
	}
	type rule struct {
		key, proto string
		port       int
	}
	rules := []rule{{"https", "tcp", httpsPort}}
	// UDP to the STUN servers only, as the Kubernetes workspaces'
	// NetworkPolicy (one list: names.STUNServerPorts); the default
	// server's rule keeps its key.
	for _, p := range b.m.Workspaces.STUNPorts {
		k := "stun"
		if p != names.STUNPort {
			k = "stun_" + strconv.Itoa(p)
		}
		rules = append(rules, rule{k, "udp", p})
	}
	for _, r := range rules {
		f.Resource("aws_vpc_security_group_egress_rule", key+"_"+r.key, tfjson.Body{
			"security_group_id": tfjson.Attr(sg, "id"),
			"description":       r.key + " out",
			"ip_protocol":       r.proto,
			"from_port":         r.port,
			"to_port":           r.port,
			"cidr_ipv4":         anyIPv4,
		})
	}
}

// workspaceSecurityGroupARNs are the ARNs of every EC2 workspace group,
// the only groups provisioners may launch instances into.
func (b *module) workspaceSecurityGroupARNs() []string {
	var arns []string
	for _, sg := range b.m.Workspaces.SecurityGroups {
		arns = append(arns, tfjson.Attr("aws_security_group."+sg.Key, "arn"))
	}
	return arns
}

// k8sWorkspaces renders the IRSA role Kubernetes workspaces with
// identity-mode iam assume: every workspace has its own service account
// (prefix + workspace ID), so the trust policy matches the prefix with
// StringLike; no other namespace's accounts match.
func (b *module) k8sWorkspaces(f *tfjson.File) {
	w := b.m.Workspaces
	role := irsaRoleFor(f, "workspace", w.Role, serviceAccounts{namespace: w.Namespace, name: w.ServiceAccountPrefix, prefix: true})
	b.inlinePolicy(f, "workspace_secrets", role, b.workspaceSecretsPolicy())
}

// workspaceSecretsPolicy reads the secrets under the workspace prefix
// (secrets-injection secrets-manager) and decrypts them through Secrets
// Manager only. Operators create them with the module's secrets key.
// dcvLicenseRead lets Amazon DCV on an EC2 workspace (the Windows desktop
// base) find its licence: on EC2 the server checks an AWS-owned bucket of
// its region (Amazon DCV Administrator Guide, "Licensing on Amazon EC2":
// s3:GetObject on arn:aws:s3:::dcv-license.<region>/*); without it DCV
// falls back to a demo licence that expires.
func dcvLicenseRead() tfjson.Body {
	return allow("ReadDCVLicense", []string{"s3:GetObject"},
		[]string{names.ARN(partition, "s3", "", "", "dcv-license."+region+"/*")})
}

func (b *module) workspaceSecretsPolicy() []tfjson.Body {
	prefix := names.ARN(partition, "secretsmanager", region, accountID, "secret:"+b.m.Workspaces.SecretsPrefix+"*")
	return []tfjson.Body{
		allow("ReadWorkspaceSecrets", []string{"secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"}, []string{prefix}),
		cond(allow("DecryptSecrets", []string{"kms:Decrypt"}, []string{kmsARN("secrets")}),
			"StringEquals", "kms:ViaService", "secretsmanager."+region+"."+dnsSuffix),
	}
}
