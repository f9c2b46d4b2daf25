package k8s

import (
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"

	"github.com/coder-eks/coder-eks/generator/internal/config"
	"github.com/coder-eks/coder-eks/generator/internal/layout"
	"github.com/coder-eks/coder-eks/generator/internal/model/helm"
	"github.com/coder-eks/coder-eks/generator/internal/plan"
	"github.com/coder-eks/coder-eks/generator/internal/plan/names"
)

// BuildRegion derives the manifests of a secondary region's cluster: the
// three namespaces, the default StorageClass (the region's EBS key), the
// Service the region's NLB target group follows (names.For gives the
// region's proxy target group), disruption budgets, network policies
// (the proxy's instead of coderd's), the provisioners' rights in the
// workspace namespace, and External Secrets for the proxy token, the
// region's provisioner key and Flux's Git credentials from the region's
// own Secrets Manager.
func BuildRegion(env *plan.Environment, r plan.Region) Manifests {
	c := &r.Config
	n := names.For(c)
	policies := []any{}
	for _, ns := range []string{names.CoderNamespace, names.ProvisionerNamespace, names.WorkspaceNamespace} {
		policies = append(policies, defaultDeny(ns), allowDNS(ns))
	}
	policies = append(policies, proxyPolicy(c), provisionerPolicy(c), workspacePolicy(c))
	return Manifests{
		Source: env.RelFile(),
		Root:   layout.RegionRoot(c.AWSRegion),
		Files: []File{
			{Name: "namespaces.yaml", Objects: namespaces()},
			{Name: "storageclass.yaml", Objects: []any{storageClass(c, n)}},
			{Name: "coderd-service.yaml", Objects: coderdService(n)},
			{Name: "disruption-budgets.yaml", Objects: disruptionBudgets()},
			{Name: "network-policies.yaml", Objects: policies},
			{Name: "workspace-rbac.yaml", Objects: workspaceRBAC()},
			{Name: "external-secrets.yaml", Objects: []any{
				secretStore(c, namespaces()),
				single(helm.SecretProxyToken, names.CoderNamespace, helm.SecretProxyTokenKey, n.Secrets.ProxyToken, refreshLate),
				provisionerKey(n),
				fluxGitCredentials(n),
			}},
		},
	}
}

// proxyPolicy: a workspace proxy serves 8080 to the NLB (and its sibling
// replicas' DERP mesh), and talks HTTPS to the primary's access URL and
// DERP; nothing reaches a database.
func proxyPolicy(c *config.Environment) any {
	ingress := []networkingv1.NetworkPolicyIngressRule{
		{From: []networkingv1.NetworkPolicyPeer{cidr(anywhere)}, Ports: ports(corev1.ProtocolTCP, coderdHTTPPort)},
	}
	if c.EnablePrometheusMetrics {
		ingress = append(ingress, networkingv1.NetworkPolicyIngressRule{
			From: []networkingv1.NetworkPolicyPeer{cidr(c.VPCCIDR)}, Ports: ports(corev1.ProtocolTCP, metricsPort),
		})
	}
	egress := []networkingv1.NetworkPolicyEgressRule{
		{To: []networkingv1.NetworkPolicyPeer{internet()}, Ports: ports(corev1.ProtocolTCP, httpsPort)},
		{To: []networkingv1.NetworkPolicyPeer{podsOf(helm.ReleaseCoder)}, Ports: ports(corev1.ProtocolTCP, coderdHTTPPort)},
	}
	return policy("workspace-proxy", names.CoderNamespace, helm.PodLabels(helm.ReleaseCoder), ingress, egress)
}
