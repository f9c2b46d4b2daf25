package k8s

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	networkingv1 "k8s.io/api/networking/v1"

	"github.com/coder-eks/coder-eks/generator/internal/config"
)

// TestProxyPolicy: a workspace proxy serves 8080 (and metrics to the VPC)
// and reaches only HTTPS and its sibling replicas; no database port.
func TestProxyPolicy(t *testing.T) {
	for _, prom := range []bool{false, true} {
		c := &config.Environment{VPCCIDR: "10.41.0.0/16", EnablePrometheusMetrics: prom}
		pol := proxyPolicy(c).(*networkingv1.NetworkPolicy)
		wantIn := []string{"TCP/8080"}
		if prom {
			wantIn = append(wantIn, "TCP/2112")
		}
		if diff := cmp.Diff(wantIn, ingressPorts(pol)); diff != "" {
			t.Errorf("prometheus %t: ingress (-want +got):\n%s", prom, diff)
		}
		if diff := cmp.Diff([]string{"TCP/443", "TCP/8080"}, egressPorts(pol)); diff != "" {
			t.Errorf("prometheus %t: egress (-want +got):\n%s", prom, diff)
		}
	}
}
