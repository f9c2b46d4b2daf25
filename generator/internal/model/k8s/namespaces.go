package k8s

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/coder-eks/coder-eks/generator/internal/plan/names"
)

// Pod Security admission levels. coderd and the provisioners run as
// non-root without privilege escalation but do not drop every capability,
// so "baseline" is enforced and "restricted" only warned about; workspaces
// get "baseline" too: no privileged pods, no host namespaces.
func namespaces() []any {
	ns := func(name string, extra map[string]string) any {
		labels := map[string]string{
			"pod-security.kubernetes.io/enforce": "baseline",
			"pod-security.kubernetes.io/warn":    "restricted",
		}
		for k, v := range extra {
			labels[k] = v
		}
		o := &corev1.Namespace{TypeMeta: typeMeta("v1", "Namespace"), ObjectMeta: meta(name, "")}
		o.Labels = labels
		return o
	}
	return []any{
		// The load balancer controller holds a new coderd pod unready
		// until the NLB reports it healthy, so a rollout never removes
		// the last healthy target.
		ns(names.CoderNamespace, map[string]string{"elbv2.k8s.aws/pod-readiness-gate-inject": "enabled"}),
		ns(names.ProvisionerNamespace, nil),
		ns(names.WorkspaceNamespace, nil),
	}
}
