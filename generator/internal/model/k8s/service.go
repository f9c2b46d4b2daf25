package k8s

import (
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/coder-eks/coder-eks/generator/internal/model/helm"
	"github.com/coder-eks/coder-eks/generator/internal/plan/names"
)

// CoderdService is the Service the NLB's target group follows.
const (
	CoderdService     = "coder"
	CoderdServicePort = 443
)

// coderdService is how the Day-0 NLB reaches coderd: its TLS listener
// (443, ACM certificate) forwards to a target group of type ip, and the
// load balancer controller keeps that group's targets equal to the coderd
// pods behind this Service (TargetGroupBinding). Traffic goes from the NLB
// straight to a pod IP: no NodePort, no kube-proxy hop, which is what
// externalTrafficPolicy: Local gives instance targets (Kubernetes accepts
// that field only on NodePort and LoadBalancer Services, and a
// LoadBalancer Service would make the controller create a second NLB).
//
// There is no 3478/UDP port: coderd has no STUN listener (its embedded
// DERP node advertises no STUN port); the NLB's STUN listener goes to the
// STUN server (stun.go).
func coderdService(n names.Names) []any {
	svc := &corev1.Service{
		TypeMeta:   typeMeta("v1", "Service"),
		ObjectMeta: meta(CoderdService, names.CoderNamespace),
		Spec: corev1.ServiceSpec{
			Type:     corev1.ServiceTypeClusterIP,
			Selector: helm.PodLabels(helm.ReleaseCoder),
			Ports: []corev1.ServicePort{{
				Name:       "https",
				Protocol:   corev1.ProtocolTCP,
				Port:       CoderdServicePort,
				TargetPort: intstr.FromString("http"), // the chart's 8080
			}},
		},
	}
	binding := custom("elbv2.k8s.aws/v1beta1", "TargetGroupBinding", CoderdService, names.CoderNamespace, map[string]any{
		"targetGroupName": n.Network.CoderdTargetGroup,
		"targetType":      "ip",
		"serviceRef":      map[string]any{"name": CoderdService, "port": CoderdServicePort},
	})
	return []any{svc, binding}
}

// disruptionBudgets let node drains (upgrades, scale-down) take one coderd
// replica and one provisioner at a time. The coder chart has no PDB value.
func disruptionBudgets() []any {
	pdb := func(chart, namespace string) any {
		one := intstr.FromInt32(1)
		return &policyv1.PodDisruptionBudget{
			TypeMeta:   typeMeta("policy/v1", "PodDisruptionBudget"),
			ObjectMeta: meta(chart, namespace),
			Spec: policyv1.PodDisruptionBudgetSpec{
				MaxUnavailable: &one,
				Selector:       &metav1.LabelSelector{MatchLabels: helm.PodLabels(chart)},
			},
		}
	}
	return []any{
		pdb(helm.ReleaseCoder, names.CoderNamespace),
		pdb(helm.ReleaseProvisioner, names.ProvisionerNamespace),
	}
}
