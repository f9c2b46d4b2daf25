package k8s

import (
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/coder-eks/coder-eks/generator/internal/config"
	"github.com/coder-eks/coder-eks/generator/internal/model/helm"
	"github.com/coder-eks/coder-eks/generator/internal/plan/names"
)

// Ports the policies open.
const (
	coderdHTTPPort  = names.CoderdHTTPPort // coderd's HTTP listener (the NLB targets it)
	metricsPort     = names.MetricsPort    // Prometheus, coderd and provisioners
	postgresPort    = names.PostgresPort
	httpsPort       = names.HTTPSPort
	dnsPort         = 53
	instanceMetaIP  = "169.254.169.254/32"
	anywhere        = "0.0.0.0/0"
	namespaceLabel  = "kubernetes.io/metadata.name"
	kubeDNSAppLabel = "k8s-app"
)

// networkPolicies deny all traffic in the three Coder namespaces and open
// only the flows Coder needs. The VPC CNI enforces them (its network
// policy agent must be enabled on the cluster).
//
//	coderd       in: 8080 from anywhere (NLB, other replicas' relay),
//	                 2112 from the VPC, anything from workspaces (tailnet)
//	             out: Aurora 5432 in the VPC, HTTPS (IdP, Git provider, AWS
//	                 and Kubernetes APIs), 8080 to replicas, workspaces,
//	                 STUN
//	provisioners out: HTTPS (coderd through the access URL, registries,
//	                 AWS and Kubernetes APIs); in: 2112 from the VPC
//	workspaces   in: coderd; out: HTTPS, coderd, and with STUN UDP to
//	                 the STUN servers' ports, except pods labelled
//	                 network-egress "none"
//
// Every namespace may resolve names through CoreDNS. Egress never reaches
// the instance metadata service. Templates that grant a workspace more
// ("unrestricted" egress) add their own policies; policies only add up.
func networkPolicies(c *config.Environment) []any {
	var out []any
	for _, ns := range []string{names.CoderNamespace, names.ProvisionerNamespace, names.WorkspaceNamespace} {
		out = append(out, defaultDeny(ns), allowDNS(ns))
	}
	out = append(out, coderdPolicy(c), provisionerPolicy(c), workspacePolicy(c))
	return out
}

func policy(name, namespace string, pods map[string]string, ingress []networkingv1.NetworkPolicyIngressRule, egress []networkingv1.NetworkPolicyEgressRule) *networkingv1.NetworkPolicy {
	p := &networkingv1.NetworkPolicy{
		TypeMeta:   typeMeta("networking.k8s.io/v1", "NetworkPolicy"),
		ObjectMeta: meta(name, namespace),
		Spec: networkingv1.NetworkPolicySpec{
			PodSelector: metav1.LabelSelector{MatchLabels: pods},
			Ingress:     ingress,
			Egress:      egress,
		},
	}
	if ingress != nil {
		p.Spec.PolicyTypes = append(p.Spec.PolicyTypes, networkingv1.PolicyTypeIngress)
	}
	if egress != nil {
		p.Spec.PolicyTypes = append(p.Spec.PolicyTypes, networkingv1.PolicyTypeEgress)
	}
	return p
}

// defaultDeny selects every pod for both directions with no rule.
func defaultDeny(ns string) any {
	return policy("default-deny", ns, nil, []networkingv1.NetworkPolicyIngressRule{}, []networkingv1.NetworkPolicyEgressRule{})
}

func allowDNS(ns string) any {
	to := []networkingv1.NetworkPolicyPeer{{
		NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{namespaceLabel: names.SystemNamespace}},
		PodSelector:       &metav1.LabelSelector{MatchLabels: map[string]string{kubeDNSAppLabel: "kube-dns"}},
	}}
	return policy("allow-dns", ns, nil, nil, []networkingv1.NetworkPolicyEgressRule{{
		To:    to,
		Ports: []networkingv1.NetworkPolicyPort{port(corev1.ProtocolUDP, dnsPort), port(corev1.ProtocolTCP, dnsPort)},
	}})
}

func coderdPolicy(c *config.Environment) any {
	ingress := []networkingv1.NetworkPolicyIngressRule{
		{From: []networkingv1.NetworkPolicyPeer{cidr(anywhere)}, Ports: ports(corev1.ProtocolTCP, coderdHTTPPort)},
		{From: []networkingv1.NetworkPolicyPeer{inNamespace(names.WorkspaceNamespace)}},
	}
	if c.EnablePrometheusMetrics {
		ingress = append(ingress, networkingv1.NetworkPolicyIngressRule{
			From: []networkingv1.NetworkPolicyPeer{cidr(c.VPCCIDR)}, Ports: ports(corev1.ProtocolTCP, metricsPort),
		})
	}
	egress := []networkingv1.NetworkPolicyEgressRule{
		{To: []networkingv1.NetworkPolicyPeer{cidr(c.VPCCIDR)}, Ports: ports(corev1.ProtocolTCP, postgresPort)},
		{To: []networkingv1.NetworkPolicyPeer{internet()}, Ports: ports(corev1.ProtocolTCP, httpsPort)},
		{To: []networkingv1.NetworkPolicyPeer{podsOf(helm.ReleaseCoder)}, Ports: ports(corev1.ProtocolTCP, coderdHTTPPort)},
		{To: []networkingv1.NetworkPolicyPeer{inNamespace(names.WorkspaceNamespace)}},
	}
	if c.EnableSTUN {
		egress = append(egress, networkingv1.NetworkPolicyEgressRule{
			To: []networkingv1.NetworkPolicyPeer{internet()}, Ports: stunPorts(c),
		})
	}
	return policy("coderd", names.CoderNamespace, helm.PodLabels(helm.ReleaseCoder), ingress, egress)
}

func provisionerPolicy(c *config.Environment) any {
	var ingress []networkingv1.NetworkPolicyIngressRule
	if c.EnablePrometheusMetrics {
		ingress = []networkingv1.NetworkPolicyIngressRule{{
			From: []networkingv1.NetworkPolicyPeer{cidr(c.VPCCIDR)}, Ports: ports(corev1.ProtocolTCP, metricsPort),
		}}
	}
	egress := []networkingv1.NetworkPolicyEgressRule{
		{To: []networkingv1.NetworkPolicyPeer{internet()}, Ports: ports(corev1.ProtocolTCP, httpsPort)},
	}
	return policy("provisioner", names.ProvisionerNamespace, helm.PodLabels(helm.ReleaseProvisioner), ingress, egress)
}

func workspacePolicy(c *config.Environment) any {
	ingress := []networkingv1.NetworkPolicyIngressRule{
		{From: []networkingv1.NetworkPolicyPeer{inNamespace(names.CoderNamespace)}},
	}
	egress := []networkingv1.NetworkPolicyEgressRule{
		{To: []networkingv1.NetworkPolicyPeer{internet()}, Ports: ports(corev1.ProtocolTCP, httpsPort)},
		{To: []networkingv1.NetworkPolicyPeer{inNamespace(names.CoderNamespace)}},
	}
	// UDP only to the STUN servers' ports, as the EC2 workspaces' https-only
	// security group (names.STUNServerPorts): a workspace learns its
	// public address; direct paths to users need UDP to any port, so
	// https-only workspaces connect through coderd's DERP relay (HTTPS)
	// unless their template grants unrestricted egress.
	if ports := stunPorts(c); len(ports) > 0 {
		egress = append(egress, networkingv1.NetworkPolicyEgressRule{
			To: []networkingv1.NetworkPolicyPeer{internet()}, Ports: ports,
		})
	}
	p := policy("workspace", names.WorkspaceNamespace, nil, ingress, egress)
	// Workspaces whose template grants no egress (network-egress: none)
	// stay out of this baseline; their own policy lets them reach coderd.
	p.Spec.PodSelector.MatchExpressions = []metav1.LabelSelectorRequirement{{
		Key: names.NetworkEgressLabel, Operator: metav1.LabelSelectorOpNotIn, Values: []string{"none"},
	}}
	return p
}

func port(proto corev1.Protocol, n int) networkingv1.NetworkPolicyPort {
	p := intstr.FromInt32(int32(n))
	return networkingv1.NetworkPolicyPort{Protocol: &proto, Port: &p}
}

func ports(proto corev1.Protocol, n int) []networkingv1.NetworkPolicyPort {
	return []networkingv1.NetworkPolicyPort{port(proto, n)}
}

// stunPorts are the UDP ports of the configured STUN servers.
func stunPorts(c *config.Environment) []networkingv1.NetworkPolicyPort {
	var out []networkingv1.NetworkPolicyPort
	for _, p := range names.STUNServerPorts(c) {
		out = append(out, port(corev1.ProtocolUDP, p))
	}
	return out
}

func cidr(block string) networkingv1.NetworkPolicyPeer {
	return networkingv1.NetworkPolicyPeer{IPBlock: &networkingv1.IPBlock{CIDR: block}}
}

// internet is every IPv4 address but the instance metadata service, whose
// node credentials pods must not reach.
func internet() networkingv1.NetworkPolicyPeer {
	return networkingv1.NetworkPolicyPeer{IPBlock: &networkingv1.IPBlock{CIDR: anywhere, Except: []string{instanceMetaIP}}}
}

func inNamespace(ns string) networkingv1.NetworkPolicyPeer {
	return networkingv1.NetworkPolicyPeer{
		NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{namespaceLabel: ns}},
	}
}

// podsOf selects a release's pods in the policy's namespace.
func podsOf(release string) networkingv1.NetworkPolicyPeer {
	return networkingv1.NetworkPolicyPeer{PodSelector: &metav1.LabelSelector{MatchLabels: helm.PodLabels(release)}}
}
