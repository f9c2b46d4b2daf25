package infra

import (
	"sort"

	model "github.com/coder-eks/coder-eks/generator/internal/model/infra"
	"github.com/coder-eks/coder-eks/generator/internal/plan/network"
	"github.com/coder-eks/coder-eks/generator/internal/render/tfjson"
)

// outputs are what later steps (Helm values, the coderd module, operators'
// runbooks) read from this module's state.
func (b *module) outputs(f *tfjson.File) {
	out := func(name string, value any, description string) {
		f.Output(name, tfjson.Body{"value": value, "description": description})
	}
	m := b.m
	out("coder_access_url", m.DNS.AccessURL, "Coder ACCESS_URL")
	out("coder_wildcard_access_url", m.DNS.Wildcard, "Coder WILDCARD_ACCESS_URL")
	out("aws_region", region, "Region the module deploys to")
	out("cluster_name", tfjson.Attr(cluster, "name"), "EKS cluster name (aws eks update-kubeconfig --name ...)")
	out("cluster_endpoint", tfjson.Attr(cluster, "endpoint"), "EKS API endpoint (private)")
	out("cluster_certificate_authority_data", tfjson.Ref(cluster+".certificate_authority[0].data"), "EKS API CA bundle, base64")
	out("cluster_security_group_id", tfjson.Ref(cluster+".vpc_config[0].cluster_security_group_id"), "Security group EKS attaches to the control plane and managed nodes")
	if !m.Cluster.PublicAccess {
		out("operator_access_instance_id", tfjson.Attr("aws_instance.operator_access", "id"),
			"Session Manager host for kubectl/flux against the private endpoint (docs/operations.md)")
	}
	out("oidc_provider_arn", tfjson.Attr(oidcProvider, "arn"), "IAM OIDC provider for IRSA")
	out("vpc_id", tfjson.Attr("aws_vpc.this", "id"), "VPC ID")
	for _, tier := range []string{network.TierPublic, network.TierControl, network.TierProvisioner, network.TierWorkspace, network.TierDatabase} {
		out(tier+"_subnet_ids", b.subnetIDs(tier), "Subnets of the "+tier+" tier, in AZ order")
	}

	// IRSA roles, for the service accounts' eks.amazonaws.com/role-arn.
	roles := map[string]string{model.RoleEBSCSI: "aws_iam_role." + model.RoleEBSCSI}
	for _, r := range m.Roles {
		roles[r.Key] = "aws_iam_role." + r.Key
	}
	for _, a := range m.Cluster.Addons {
		if a.IRSA != nil {
			roles[a.IRSA.Key] = "aws_iam_role." + a.IRSA.Key
		}
	}
	keys := make([]string, 0, len(roles))
	for k := range roles {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		out(k+"_role_arn", tfjson.Attr(roles[k], "arn"), "IRSA role of "+k)
	}

	b.databaseOutputs(out)
	b.edgeOutputs(out)
}

// databaseOutputs: coderd reads the DB secret (coder/<env>/db-password),
// which points at the RDS-managed password secret.
func (b *module) databaseOutputs(out func(string, any, string)) {
	m := b.m
	if m.Database == nil {
		return
	}
	out("db_endpoint", tfjson.Attr(auroraCluster, "endpoint"), "Aurora writer endpoint")
	out("db_reader_endpoint", tfjson.Attr(auroraCluster, "reader_endpoint"), "Aurora reader endpoint")
	out("db_port", tfjson.Attr(auroraCluster, "port"), "Aurora port")
	out("db_name", tfjson.Attr(auroraCluster, "database_name"), "Database coderd uses")
	out("db_username", m.Database.AppUser, "Database role coderd connects as (IAM auth; created by the coder-db-role Job)")
	out("db_master_username", tfjson.Attr(auroraCluster, "master_username"), "Master user (password in db_master_password_secret_arn)")
	out("db_secret_arn", tfjson.Attr(dbSecret, "arn"), "Secret "+m.Database.SecretName+": connection details and the password secret's ARN")
	out("db_secret_name", tfjson.Attr(dbSecret, "name"), "Name of the DB secret")
	out("db_master_password_secret_arn", tfjson.Ref(masterSecretARN), "RDS-managed secret holding the master password (rotated by RDS)")
}

func (b *module) edgeOutputs(out func(string, any, string)) {
	m := b.m
	if m.Secondary {
		out("workspace_proxy_token_secret_name", m.CoderdSecrets[0], "Secrets Manager secret (this region) the Day-1/2 coderd module writes the workspace proxy's token into")
	}

	// Load balancer: the TargetGroupBindings of the Helm values issue bind
	// the coderd Service to these target groups.
	out("nlb_dns_name", tfjson.Attr(nlb, "dns_name"), "NLB DNS name")
	out("nlb_security_group_id", tfjson.Attr(nlbSG, "id"), "NLB security group")
	out("coderd_target_group_arn", tfjson.Attr(coderdTG, "arn"), "Target group for coderd pods, TCP "+itoa(m.LoadBalancer.CoderdPort)+" (IP targets)")
	if m.LoadBalancer.STUNTargetGroup != "" {
		out("stun_target_group_arn", tfjson.Attr(stunTG, "arn"), "Target group for coderd STUN, UDP "+itoa(m.LoadBalancer.STUNPort)+" (IP targets)")
	}
	out("certificate_arn", certificateARN(m.DNS.CertificateARN), "ACM certificate of the access URLs")

	// Observability.
	lg := m.LogGroups
	out("log_group_names", map[string]string{
		"coderd": lg.Coderd, "provisioner": lg.Provisioner, "workspaces": lg.Workspaces, "cluster": lg.Cluster,
	}, "CloudWatch log groups Fluent Bit and EKS write to")
	if m.Observability.AMPWorkspaceID != "" {
		out("amp_remote_write_url", tfjson.Attr(ampWorkspace, "prometheus_endpoint")+"api/v1/remote_write", "Amazon Managed Prometheus remote-write URL")
	}

	// EC2 workspaces of the composed templates.
	out("ec2_workspace_instance_profile", tfjson.Attr("aws_iam_instance_profile.ec2_workspace", "name"), "Instance profile of EC2 workspaces")
	groups := map[string]string{}
	for _, sg := range m.Workspaces.SecurityGroups {
		groups[sg.Egress] = tfjson.Attr("aws_security_group."+sg.Key, "id")
	}
	out("ec2_workspace_security_group_ids", groups, "Security groups of EC2 workspaces by network-egress mode")
	out("workspace_role_arn", tfjson.Attr("aws_iam_role.workspace", "arn"), "IRSA role of Kubernetes workspaces with identity-mode iam")
	out("ebs_kms_key_arn", kmsARN("ebs"), "KMS key for EBS volumes (nodes, EC2 workspaces)")
}

func sortStrings(s []string) { sort.Strings(s) }
