package infra

import (
	"strings"

	model "github.com/coder-eks/coder-eks/generator/internal/model/infra"
	"github.com/coder-eks/coder-eks/generator/internal/plan/names"
	"github.com/coder-eks/coder-eks/generator/internal/plan/network"
	"github.com/coder-eks/coder-eks/generator/internal/render/tfjson"
)

const cluster = "aws_eks_cluster.this"

// eks renders the control plane: secrets encrypted with KMS, the API on a
// private endpoint, every control-plane log type, access entries instead
// of the aws-auth ConfigMap, the OIDC provider for IRSA and the add-ons.
func (b *module) eks(f *tfjson.File) {
	c := b.m.Cluster
	role := f.Resource("aws_iam_role", "cluster", tfjson.Body{
		"name":               c.Name + "-cluster",
		"assume_role_policy": b.assumeRolePolicy(f, "cluster_assume", "eks"),
	})
	f.Resource("aws_iam_role_policy_attachment", "cluster", tfjson.Body{
		"role":       tfjson.Attr(role, "name"),
		"policy_arn": managedPolicy("AmazonEKSClusterPolicy"),
	})
	// EKS would create this group itself, unencrypted and kept forever.
	logs := b.logGroup(f, "cluster", b.m.LogGroups.Cluster)
	var subnets []string
	for _, tier := range []string{network.TierControl, network.TierProvisioner, network.TierWorkspace} {
		subnets = append(subnets, b.subnetIDs(tier)...)
	}
	vpcConfig := tfjson.Body{
		"subnet_ids":              subnets,
		"endpoint_private_access": true,
		"endpoint_public_access":  c.PublicAccess,
	}
	if c.PublicAccess {
		vpcConfig["public_access_cidrs"] = c.PublicAccessCIDRs
	}
	f.Resource("aws_eks_cluster", "this", tfjson.Body{
		"name":                      c.Name,
		"version":                   c.Version,
		"role_arn":                  tfjson.Attr(role, "arn"),
		"enabled_cluster_log_types": c.LogTypes,
		"vpc_config":                []tfjson.Body{vpcConfig},
		"encryption_config": []tfjson.Body{{
			"resources": []string{"secrets"},
			"provider":  []tfjson.Body{{"key_arn": tfjson.Attr("aws_kms_key.eks", "arn")}},
		}},
		"access_config": []tfjson.Body{{
			"authentication_mode":                         "API",
			"bootstrap_cluster_creator_admin_permissions": false,
		}},
		"kubernetes_network_config": []tfjson.Body{{"service_ipv4_cidr": c.ServiceCIDR}},
		"upgrade_policy":            []tfjson.Body{{"support_type": "STANDARD"}},
		"depends_on":                []string{"aws_iam_role_policy_attachment.cluster", logs},
	})
	for i, arn := range c.AdminRoleARNs {
		b.adminAccess(f, i, arn)
	}
	f.Resource("aws_iam_openid_connect_provider", "eks", tfjson.Body{
		"url":            tfjson.Ref(cluster + ".identity[0].oidc[0].issuer"),
		"client_id_list": []string{irsaAudience},
	})
	b.addons(f)
}

func (b *module) adminAccess(f *tfjson.File, i int, arn string) {
	name := "admin_" + string(rune('a'+i))
	entry := f.Resource("aws_eks_access_entry", name, tfjson.Body{
		"cluster_name":  tfjson.Attr(cluster, "name"),
		"principal_arn": arn,
	})
	f.Resource("aws_eks_access_policy_association", name, tfjson.Body{
		"cluster_name":  tfjson.Attr(cluster, "name"),
		"principal_arn": tfjson.Attr(entry, "principal_arn"),
		"policy_arn":    names.ARN(partition, "eks", "", "aws", "cluster-access-policy/AmazonEKSClusterAdminPolicy"),
		"access_scope":  []tfjson.Body{{"type": "cluster"}},
	})
}

func (b *module) addons(f *tfjson.File) {
	for _, a := range b.m.Cluster.Addons {
		body := tfjson.Body{
			"cluster_name":                tfjson.Attr(cluster, "name"),
			"addon_name":                  a.Name,
			"resolve_conflicts_on_create": "OVERWRITE",
			"resolve_conflicts_on_update": "OVERWRITE",
		}
		if a.IRSA != nil {
			role := b.irsaRole(f, *a.IRSA)
			f.Resource("aws_iam_role_policy_attachment", a.IRSA.Key, tfjson.Body{
				"role":       tfjson.Attr(role, "name"),
				"policy_arn": managedPolicy(a.Policy),
			})
			body["service_account_role_arn"] = tfjson.Attr(role, "arn")
		}
		if a.Config != "" {
			body["configuration_values"] = a.Config
		}
		if a.AfterNodes {
			var deps []string
			for _, g := range b.m.NodeGroups {
				deps = append(deps, "aws_eks_node_group."+g.Key)
			}
			if a.IRSA != nil && a.IRSA.Key == model.RoleCloudWatchAgent {
				deps = append(deps, b.ciLogGroups()...)
			}
			body["depends_on"] = deps
		}
		f.Resource("aws_eks_addon", strings.ReplaceAll(a.Name, "-", "_"), body)
	}
}
