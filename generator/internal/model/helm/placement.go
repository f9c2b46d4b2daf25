package helm

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/coder-eks/coder-eks/generator/internal/config"
	"github.com/coder-eks/coder-eks/generator/internal/plan/names"
)

// Node group label values (names.NodeGroupLabel), as the infra module sets
// them.
const (
	GroupControl     = "control"
	GroupProvisioner = "provisioner"
	GroupWorkspace   = "workspace"
)

// IRSAAnnotation is the service-account annotation through which EKS
// hands a pod the credentials of an IAM role.
const IRSAAnnotation = "eks.amazonaws.com/role-arn"

func irsa(c *config.Environment, role string) map[string]string {
	return map[string]string{IRSAAnnotation: names.RoleARN(c, role)}
}

// onGroup selects a node group by its label.
func onGroup(group string) map[string]string {
	return map[string]string{names.NodeGroupLabel: group}
}

// tolerate lets a pod onto a group tainted with its label. The control
// group carries no taint today; coderd tolerates one anyway so that
// tainting the group later cannot evict it.
func tolerate(group string) []corev1.Toleration {
	return []corev1.Toleration{{
		Key:      names.NodeGroupLabel,
		Operator: corev1.TolerationOpEqual,
		Value:    group,
		Effect:   corev1.TaintEffectNoSchedule,
	}}
}

// PodLabels are the selector labels the coder charts give their pods.
// Each release is named after its chart, so one name gives both.
func PodLabels(release string) map[string]string {
	return map[string]string{
		"app.kubernetes.io/name":     release,
		"app.kubernetes.io/instance": release,
	}
}

// spreadAcrossZones keeps replicas balanced over the AZs (a zone outage
// takes at most its share) and prefers one replica per node.
func spreadAcrossZones(labels map[string]string) []corev1.TopologySpreadConstraint {
	return []corev1.TopologySpreadConstraint{
		{
			MaxSkew:           1,
			TopologyKey:       "topology.kubernetes.io/zone",
			WhenUnsatisfiable: corev1.DoNotSchedule,
			LabelSelector:     &metav1.LabelSelector{MatchLabels: labels},
		},
		{
			MaxSkew:           1,
			TopologyKey:       "kubernetes.io/hostname",
			WhenUnsatisfiable: corev1.ScheduleAnyway,
			LabelSelector:     &metav1.LabelSelector{MatchLabels: labels},
		},
	}
}

// antiAffinity prefers to keep replicas on different nodes and zones. It
// is a preference, not a rule: a rolling update's surge pod must still
// fit when the group is at its maximum size.
func antiAffinity(labels map[string]string) *corev1.Affinity {
	term := func(weight int32, key string) corev1.WeightedPodAffinityTerm {
		return corev1.WeightedPodAffinityTerm{
			Weight: weight,
			PodAffinityTerm: corev1.PodAffinityTerm{
				LabelSelector: &metav1.LabelSelector{MatchLabels: labels},
				TopologyKey:   key,
			},
		}
	}
	return &corev1.Affinity{PodAntiAffinity: &corev1.PodAntiAffinity{
		PreferredDuringSchedulingIgnoredDuringExecution: []corev1.WeightedPodAffinityTerm{
			term(100, "kubernetes.io/hostname"),
			term(50, "topology.kubernetes.io/zone"),
		},
	}}
}
