package infra

import (
	"fmt"

	model "github.com/coder-eks/coder-eks/generator/internal/model/infra"
	"github.com/coder-eks/coder-eks/generator/internal/plan/names"
	"github.com/coder-eks/coder-eks/generator/internal/plan/network"
	"github.com/coder-eks/coder-eks/generator/internal/render/tfjson"
)

// iam renders the IRSA roles of coderd, provisioners and the cluster's
// controllers, each with an inline policy naming resource ARNs wherever
// the API has resource-level permissions; "*" is left only for Describe
// and List calls, which have none.
func (b *module) iam(f *tfjson.File) {
	policies := map[string]func() []tfjson.Body{
		model.RoleCoderd:          b.coderdPolicy,
		model.RoleWorkspaceProxy:  b.workspaceProxyPolicy,
		model.RoleProvisioner:     b.provisionerPolicy,
		model.RoleLBController:    b.lbControllerPolicy,
		model.RoleFluentBit:       b.fluentBitPolicy,
		model.RoleAutoscaler:      b.autoscalerPolicy,
		model.RolePrometheus:      b.prometheusPolicy,
		model.RoleExternalSecrets: b.externalSecretsPolicy,
		model.RoleTofuRunner:      b.tofuRunnerPolicy,
		model.RoleDBRoleJob:       b.dbRoleJobPolicy,
	}
	for _, r := range b.m.Roles {
		policy, ok := policies[r.Key]
		if !ok {
			panic(fmt.Sprintf("infra: no policy for IRSA role %s", r.Key))
		}
		if r.Key == model.RoleTofuRunner {
			b.stateKey(f)
		}
		b.inlinePolicy(f, r.Key, b.irsaRole(f, r), policy())
	}
	// The EBS CSI driver's managed policy does not cover volumes encrypted
	// with a customer-managed key.
	b.inlinePolicy(f, model.RoleEBSCSI, "aws_iam_role."+model.RoleEBSCSI, b.ebsKeyUse())
	b.ec2Workspaces(f)
	b.k8sWorkspaces(f)
	for _, s := range b.m.Secrets {
		f.Resource("aws_secretsmanager_secret", s.Key, tfjson.Body{
			"name":                    s.Name,
			"description":             s.Description,
			"kms_key_id":              kmsARN("secrets"),
			"recovery_window_in_days": 30,
		})
	}
}

func (b *module) inlinePolicy(f *tfjson.File, key, role string, statements []tfjson.Body) {
	doc := f.Data("aws_iam_policy_document", key, tfjson.Body{"statement": statements})
	f.Resource("aws_iam_role_policy", key, tfjson.Body{
		"name":   key,
		"role":   tfjson.Attr(role, "id"),
		"policy": tfjson.Attr(doc, "json"),
	})
}

func allow(sid string, actions, resources []string) tfjson.Body {
	return tfjson.Body{"sid": sid, "actions": actions, "resources": resources}
}

func cond(s tfjson.Body, test, variable string, values ...string) tfjson.Body {
	c, _ := s["condition"].([]tfjson.Body)
	s["condition"] = append(c, tfjson.Body{"test": test, "variable": variable, "values": values})
	return s
}

// coderdPolicy reads the OIDC and external-auth client secrets and the DB
// secret, decrypts them through Secrets Manager only, and connects to
// Aurora as its own database role with an IAM auth token. It cannot read
// the master password.
func (b *module) coderdPolicy() []tfjson.Body {
	secrets := append([]string{}, b.m.CoderdSecrets...)
	secrets = append(secrets, tfjson.Attr(dbSecret, "arn"))
	return []tfjson.Body{
		allow("ReadSecrets", []string{"secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"}, secrets),
		cond(allow("DecryptSecrets", []string{"kms:Decrypt"}, []string{kmsARN("secrets")}),
			"StringEquals", "kms:ViaService", "secretsmanager."+region+"."+dnsSuffix),
		allow("ConnectAurora", []string{"rds-db:connect"}, []string{b.dbUserARN()}),
	}
}

// dbRoleJobPolicy lets the role Job find the RDS-managed master secret
// (rds:DescribeDBClusters returns MasterUserSecret.SecretArn) and read it,
// decrypted with the RDS key through Secrets Manager only.
func (b *module) dbRoleJobPolicy() []tfjson.Body {
	return []tfjson.Body{
		allow("FindMasterSecret", []string{"rds:DescribeDBClusters"}, []string{tfjson.Attr(auroraCluster, "arn")}),
		allow("ReadMasterSecret", []string{"secretsmanager:GetSecretValue"}, []string{tfjson.Ref(masterSecretARN)}),
		cond(allow("DecryptMasterSecret", []string{"kms:Decrypt"}, []string{kmsARN("rds")}),
			"StringEquals", "kms:ViaService", "secretsmanager."+region+"."+dnsSuffix),
	}
}

// workspaceProxyPolicy reads the proxy's token secret (by name: the
// Day-1/2 coderd module creates it in this region; Secrets Manager appends
// six random characters to a secret's ARN) and decrypts it through
// Secrets Manager only.
func (b *module) workspaceProxyPolicy() []tfjson.Body {
	return []tfjson.Body{
		allow("ReadProxyToken", []string{"secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"}, b.proxyTokenSecretARNs()),
		cond(allow("DecryptSecrets", []string{"kms:Decrypt"}, []string{kmsARN("secrets")}),
			"StringEquals", "kms:ViaService", "secretsmanager."+region+"."+dnsSuffix),
	}
}

// ec2ARN is an EC2 resource ARN of this account and region.
func ec2ARN(resource string) string {
	return names.ARN(partition, "ec2", region, accountID, resource)
}

// provisionerPolicy is what the composed EC2 templates need: launch
// instances tagged for this environment into the workspace subnets and
// security groups with the workspace instance profile, and manage only
// instances and volumes carrying the tag. Only instances and volumes are
// tagged at launch (the aws provider's tag_specifications), so only they
// carry the aws:RequestTag condition; the other resources RunInstances
// touches are scoped by ARN.
func (b *module) provisionerPolicy() []tfjson.Body {
	tagKey, tagValue := names.WorkspaceTagKey, b.m.Cluster.Name
	tagged := []string{ec2ARN("instance/*"), ec2ARN("volume/*")}
	statements := []tfjson.Body{
		allow("Describe", []string{"ec2:Describe*"}, []string{"*"}),
		// Templates find the EBS key by its alias; ListAliases has no
		// resource-level permission.
		allow("FindEBSKeyAlias", []string{"kms:ListAliases"}, []string{"*"}),
		cond(allow("LaunchTagged", []string{"ec2:RunInstances", "ec2:CreateVolume"}, tagged),
			"StringEquals", "aws:RequestTag/"+tagKey, tagValue),
		allow("LaunchIntoWorkspaceNetwork", []string{"ec2:RunInstances"},
			append(b.workspaceSubnetARNs(), append(b.workspaceSecurityGroupARNs(), ec2ARN("network-interface/*"))...)),
		allow("LaunchFromImages", []string{"ec2:RunInstances"}, []string{
			names.ARN(partition, "ec2", region, "", "image/*"),
			names.ARN(partition, "ec2", region, "", "snapshot/*"),
		}),
		cond(allow("TagOnCreate", []string{"ec2:CreateTags"}, tagged),
			"StringEquals", "ec2:CreateAction", "RunInstances", "CreateVolume"),
		cond(allow("ManageTagged", []string{
			"ec2:StartInstances", "ec2:StopInstances", "ec2:RebootInstances", "ec2:TerminateInstances",
			"ec2:ModifyInstanceAttribute", "ec2:AttachVolume", "ec2:DetachVolume", "ec2:DeleteVolume", "ec2:CreateTags",
			// Growing a home volume (aws_ebs_volume size) is ModifyVolume.
			"ec2:ModifyVolume",
		}, tagged),
			"StringEquals", "aws:ResourceTag/"+tagKey, tagValue),
		cond(allow("PassWorkspaceRole", []string{"iam:PassRole"}, []string{tfjson.Attr(workspaceRole, "arn")}),
			"StringEquals", "iam:PassedToService", b.principal("ec2")),
	}
	return append(statements, b.ebsKeyUse()...)
}

// workspaceSubnetARNs are the workspace tier's subnets, where EC2
// workspaces are launched.
func (b *module) workspaceSubnetARNs() []string {
	return subnetRefs(b.m.Network.Subnets.Tier(network.TierWorkspace), "arn")
}

// ebsKeyUse lets a role create encrypted volumes with the EBS key; grants
// only for AWS resources (the volumes' attachment).
func (b *module) ebsKeyUse() []tfjson.Body {
	key := []string{kmsARN("ebs")}
	use := allow("UseEBSKey", []string{"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"}, key)
	grant := cond(allow("GrantEBSKey", []string{"kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"}, key),
		"Bool", "kms:GrantIsForAWSResource", "true")
	return []tfjson.Body{use, grant}
}

// lbControllerPolicy covers TargetGroupBinding only: the controller
// registers coderd pods in the module's target groups and changes nothing
// else (no load balancers, listeners or security-group rules of its own).
func (b *module) lbControllerPolicy() []tfjson.Body {
	groups := []string{tfjson.Attr(coderdTG, "arn")}
	if b.m.LoadBalancer.STUNTargetGroup != "" {
		groups = append(groups, tfjson.Attr(stunTG, "arn"))
	}
	return []tfjson.Body{
		allow("Describe", []string{
			"elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeLoadBalancerAttributes",
			"elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeListenerAttributes",
			"elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeTargetGroupAttributes",
			"elasticloadbalancing:DescribeTargetHealth", "elasticloadbalancing:DescribeTags",
			"ec2:DescribeAvailabilityZones", "ec2:DescribeInstances", "ec2:DescribeNetworkInterfaces",
			"ec2:DescribeSecurityGroups", "ec2:DescribeSubnets", "ec2:DescribeVpcs", "ec2:DescribeAccountAttributes",
			"ec2:DescribeInternetGateways", "ec2:GetSecurityGroupsForVpc", "ec2:DescribeTags",
		}, []string{"*"}),
		allow("RegisterCoderdTargets", []string{
			"elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets",
		}, groups),
	}
}

// fluentBitPolicy writes to the coderd, provisioner and workspace log
// groups, which the module creates (Fluent Bit runs with auto_create_group
// off).
func (b *module) fluentBitPolicy() []tfjson.Body {
	var streams []string
	for _, g := range []string{"coderd", "provisioner", "workspaces"} {
		arn := tfjson.Attr("aws_cloudwatch_log_group."+g, "arn")
		streams = append(streams, arn, arn+":*")
	}
	return []tfjson.Body{
		allow("WriteLogs", []string{"logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"}, streams),
	}
}

// autoscalerPolicy lets cluster-autoscaler resize and shrink only the node
// groups' Auto Scaling groups.
func (b *module) autoscalerPolicy() []tfjson.Body {
	var asgs, groups []string
	for _, g := range b.m.NodeGroups {
		group := "aws_eks_node_group." + g.Key
		asgs = append(asgs, names.ARN(partition, "autoscaling", region, accountID,
			"autoScalingGroup:*:autoScalingGroupName/"+tfjson.Ref(group+".resources[0].autoscaling_groups[0].name")))
		groups = append(groups, tfjson.Attr(group, "arn"))
	}
	return []tfjson.Body{
		allow("Describe", []string{
			"autoscaling:DescribeAutoScalingGroups", "autoscaling:DescribeAutoScalingInstances",
			"autoscaling:DescribeLaunchConfigurations", "autoscaling:DescribeScalingActivities",
			"autoscaling:DescribeTags", "ec2:DescribeImages", "ec2:DescribeInstanceTypes",
			"ec2:DescribeLaunchTemplateVersions", "ec2:GetInstanceTypesFromInstanceRequirements",
		}, []string{"*"}),
		allow("DescribeNodeGroups", []string{"eks:DescribeNodegroup"}, groups),
		allow("ScaleNodeGroups", []string{
			"autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup",
		}, asgs),
	}
}

// externalSecretsPolicy lets External Secrets read every secret the
// cluster needs, each by name (ExternalSecret data/dataFrom.extract:
// GetSecretValue only, external-secrets v0.20.4
// pkg/provider/aws/secretsmanager/secretsmanager.go fetch): coderd's, the
// database's connection details and the platform secrets. No find: a tag
// search is BatchGetSecretValue plus ListSecrets (findByTags →
// fetchWithBatch), and nothing here needs one.
func (b *module) externalSecretsPolicy() []tfjson.Body {
	var secrets []string
	keys := []string{kmsARN("secrets")}
	if b.m.Secondary {
		// The workspace proxy's token secret, created by the Day-1/2
		// module: by name.
		secrets = append(secrets, b.proxyTokenSecretARNs()...)
	} else {
		secrets = append(secrets, b.m.CoderdSecrets...)
		secrets = append(secrets, tfjson.Attr(dbSecret, "arn"))
	}
	for _, s := range b.m.Secrets {
		secrets = append(secrets, tfjson.Attr("aws_secretsmanager_secret."+s.Key, "arn"))
	}
	return []tfjson.Body{
		allow("ReadSecrets", []string{"secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"}, secrets),
		cond(allow("DecryptSecrets", []string{"kms:Decrypt"}, keys),
			"StringEquals", "kms:ViaService", "secretsmanager."+region+"."+dnsSuffix),
	}
}

// workspacesPrefix is where OpenTofu's S3 backend keeps non-default
// workspaces (workspace_key_prefix "env:" and a slash), listed on every
// plan.
const workspacesPrefix = "env:/"

// stateKeyAlias is the bootstrap module's state key, found by its alias in
// the state bucket's region.
const stateKeyAlias = "data.aws_kms_alias.state"

func (b *module) stateKey(f *tfjson.File) {
	f.Data("aws_kms_alias", "state", tfjson.Body{"name": b.m.Backend.KMSAlias, "region": b.m.Backend.Region})
}

// tofuRunnerPolicy is what tofu-controller's runner needs to apply the
// Day-1/2 module: its state object and lock file in the state bucket
// (encrypted with the state key), and writing the provisioner key to its
// Secrets Manager secret. The coderd provider itself talks to Coder only.
// OpenTofu's S3 backend lists the workspaces under workspace_key_prefix
// ("env:/") on every init and plan (opentofu v1.10.6
// internal/backend/remote-state/s3/backend_state.go, Workspaces); the aws
// provider's aws_secretsmanager_secret data source reads the secret's
// resource policy (GetResourcePolicy).
func (b *module) tofuRunnerPolicy() []tfjson.Body {
	bucket := names.ARN(partition, "s3", "", "", b.m.Backend.Bucket)
	key := bucket + "/" + names.CoderdStateKey
	secret := []string{tfjson.Attr("aws_secretsmanager_secret.provisioner_key", "arn")}
	return append([]tfjson.Body{
		cond(allow("ListState", []string{"s3:ListBucket"}, []string{bucket}),
			"StringEquals", "s3:prefix", names.CoderdStateKey, names.CoderdStateKey+".tflock", workspacesPrefix),
		allow("ReadWriteState", []string{"s3:GetObject", "s3:PutObject"}, []string{key}),
		allow("LockState", []string{"s3:GetObject", "s3:PutObject", "s3:DeleteObject"}, []string{key + ".tflock"}),
		cond(allow("UseStateKey", []string{"kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"}, []string{tfjson.Attr(stateKeyAlias, "target_key_arn")}),
			"StringEquals", "kms:ViaService", "s3."+b.m.Backend.Region+"."+dnsSuffix),
		allow("WriteProvisionerKey", []string{"secretsmanager:DescribeSecret", "secretsmanager:GetResourcePolicy", "secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue"}, secret),
		cond(allow("UseSecretsKey", []string{"kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"}, []string{kmsARN("secrets")}),
			"StringEquals", "kms:ViaService", "secretsmanager."+region+"."+dnsSuffix),
	}, b.proxyTokenWrites()...)
}

// proxyTokenWrites let the runner store each secondary region's workspace
// proxy token (coderd_workspace_proxy) in that region's secret, encrypted
// with that region's secrets key through Secrets Manager only.
func (b *module) proxyTokenWrites() []tfjson.Body {
	var out []tfjson.Body
	for i, s := range b.m.ProxyTokens {
		sid := fmt.Sprintf("ProxyToken%d", i)
		arn := secretARN(s.Region, s.Name)
		out = append(out,
			allow(sid, []string{"secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue"}, []string{arn}),
			cond(allow(sid+"Key", []string{"kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"},
				[]string{names.ARN(partition, "kms", s.Region, accountID, "key/*")}),
				"StringEquals", "kms:ViaService", "secretsmanager."+s.Region+"."+dnsSuffix))
	}
	return out
}

// proxyTokenSecretARNs match the workspace proxy's token secret by name
// (Secrets Manager appends six random characters to a secret's ARN).
func (b *module) proxyTokenSecretARNs() []string {
	var arns []string
	for _, name := range b.m.CoderdSecrets {
		arns = append(arns, secretARN(region, name))
	}
	return arns
}

// secretARN matches a Secrets Manager secret by name: Secrets Manager
// appends "-" and six random characters to a secret's ARN.
func secretARN(region, name string) string {
	return names.ARN(partition, "secretsmanager", region, accountID, "secret:"+name+"-??????")
}

// prometheusPolicy remote-writes to the environment's AMP workspace.
func (b *module) prometheusPolicy() []tfjson.Body {
	return []tfjson.Body{
		allow("RemoteWrite", []string{"aps:RemoteWrite"}, []string{tfjson.Attr(ampWorkspace, "arn")}),
	}
}
