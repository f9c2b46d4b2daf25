package k8s

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	networkingv1 "k8s.io/api/networking/v1"

	"github.com/coder-eks/coder-eks/generator/internal/config"
)

// openPorts lists "proto/port" of a policy's rules ("UDP/*" for a rule
// without a port, "*" for a rule without ports).
func openPorts(rules [][]networkingv1.NetworkPolicyPort) []string {
	var out []string
	for _, ports := range rules {
		if len(ports) == 0 {
			out = append(out, "*")
		}
		for _, p := range ports {
			s := string(*p.Protocol) + "/"
			if p.Port == nil {
				s += "*"
			} else {
				s += p.Port.String()
			}
			out = append(out, s)
		}
	}
	return out
}

func egressPorts(p *networkingv1.NetworkPolicy) []string {
	var rules [][]networkingv1.NetworkPolicyPort
	for _, r := range p.Spec.Egress {
		rules = append(rules, r.Ports)
	}
	return openPorts(rules)
}

func ingressPorts(p *networkingv1.NetworkPolicy) []string {
	var rules [][]networkingv1.NetworkPolicyPort
	for _, r := range p.Spec.Ingress {
		rules = append(rules, r.Ports)
	}
	return openPorts(rules)
}

func TestNetworkPolicies(t *testing.T) {
	tests := []struct {
		name             string
		stun, metrics    bool
		coderdIn         []string
		coderdOut        []string
		workspaceOut     []string
		provisionerInLen int
	}{
		{
			name: "STUN and metrics", stun: true, metrics: true,
			coderdIn:         []string{"TCP/8080", "*", "TCP/2112"},
			coderdOut:        []string{"TCP/5432", "TCP/443", "TCP/8080", "*", "UDP/3478", "UDP/19302"},
			workspaceOut:     []string{"TCP/443", "*", "UDP/3478", "UDP/19302"},
			provisionerInLen: 1,
		},
		{
			name:         "neither",
			coderdIn:     []string{"TCP/8080", "*"},
			coderdOut:    []string{"TCP/5432", "TCP/443", "TCP/8080", "*"},
			workspaceOut: []string{"TCP/443", "*"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &config.Environment{
				VPCCIDR: "10.0.0.0/16", EnableSTUN: tt.stun, EnablePrometheusMetrics: tt.metrics,
				STUNAddresses: []string{"stun.example.com:19302", "stun2.example.com:3478", "stun3.example.com:19302"},
			}
			byName := map[string]*networkingv1.NetworkPolicy{}
			for _, o := range networkPolicies(c) {
				p := o.(*networkingv1.NetworkPolicy)
				byName[p.Namespace+"/"+p.Name] = p
			}
			if len(byName) != 9 {
				t.Errorf("%d policies, want 9 (deny + DNS per namespace, one per workload)", len(byName))
			}
			check := func(what string, want, got []string) {
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("%s (-want +got):\n%s", what, diff)
				}
			}
			check("coderd ingress", tt.coderdIn, ingressPorts(byName["coder/coderd"]))
			check("coderd egress", tt.coderdOut, egressPorts(byName["coder/coderd"]))
			check("workspace egress", tt.workspaceOut, egressPorts(byName["coder-ws/workspace"]))
			if got := len(byName["coder-prov/provisioner"].Spec.Ingress); got != tt.provisionerInLen {
				t.Errorf("provisioner ingress rules = %d, want %d", got, tt.provisionerInLen)
			}
			for ns, p := range byName {
				for _, r := range p.Spec.Egress {
					for _, peer := range r.To {
						if peer.IPBlock != nil && peer.IPBlock.CIDR == anywhere && len(peer.IPBlock.Except) == 0 {
							t.Errorf("%s: egress to %s does not exclude the instance metadata service", ns, anywhere)
						}
					}
				}
			}
			if sel := byName["coder-ws/workspace"].Spec.PodSelector.MatchExpressions; len(sel) != 1 || sel[0].Key != "coder-eks/network-egress" || sel[0].Operator != "NotIn" || !cmp.Equal(sel[0].Values, []string{"none"}) {
				t.Errorf("workspace baseline selects %+v; want every pod but those with network-egress none", sel)
			}
			deny := byName["coder/default-deny"]
			if len(deny.Spec.PolicyTypes) != 2 || len(deny.Spec.Ingress)+len(deny.Spec.Egress) != 0 {
				t.Errorf("default-deny = %+v, want both directions and no rule", deny.Spec)
			}
		})
	}
}
