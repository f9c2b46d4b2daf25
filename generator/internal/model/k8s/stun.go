package k8s

import (
	"strconv"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/coder-eks/coder-eks/generator/internal/config"
	"github.com/coder-eks/coder-eks/generator/internal/model/helm"
	"github.com/coder-eks/coder-eks/generator/internal/plan/names"
)

// STUN server objects. coderd has no STUN listener, so the seed's "STUN
// on the NLB" is a small STUN-only server (coturn) beside coderd on the
// control nodes: the NLB's UDP 3478 listener forwards to its pods (IP
// targets, bound by a TargetGroupBinding), and coderd advertises
// <access host>:3478 to clients and agents (stun_addresses' default).
const (
	STUNServer   = "coder-stun"
	stunReplicas = 2 // one per AZ at least; a STUN miss only delays a P2P path
)

func stunLabels() map[string]string {
	return map[string]string{"app.kubernetes.io/name": STUNServer, "app.kubernetes.io/instance": STUNServer}
}

// stunServer is the Deployment, Service, TargetGroupBinding, disruption
// budget and network policy of the STUN server; none when STUN is off.
func stunServer(c *config.Environment, n names.Names, img config.ImageComponent) []any {
	if !c.EnableSTUN {
		return nil
	}
	return []any{stunDeployment(c, img), stunService(), stunBinding(n), stunBudget(), stunPolicy()}
}

// stunDeployment runs the image as schema.components.coturn says it must
// run: as its user, keeping the capabilities its binary carries as file
// capabilities (exec fails with EPERM when one is outside the bounding
// set), with an emptyDir at every path it writes (the root filesystem is
// read-only); its pid file goes into the first.
func stunDeployment(c *config.Environment, img config.ImageComponent) *appsv1.Deployment {
	replicas := int32(stunReplicas)
	yes, no := true, false
	uid := img.RunAs
	var caps []corev1.Capability
	for _, cp := range img.Capabilities {
		caps = append(caps, corev1.Capability(cp))
	}
	var volumes []corev1.Volume
	var mounts []corev1.VolumeMount
	for i, p := range img.WritablePaths {
		name := "writable-" + strconv.Itoa(i)
		volumes = append(volumes, corev1.Volume{Name: name, VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}})
		mounts = append(mounts, corev1.VolumeMount{Name: name, MountPath: p})
	}
	args := []string{
		"--stun-only", "--listening-port=" + itoa(names.STUNPort),
		"--no-cli", "--no-tls", "--no-dtls", "--log-file=stdout", "--simple-log",
	}
	if len(img.WritablePaths) > 0 {
		args = append(args, "--pidfile="+img.WritablePaths[0]+"/turnserver.pid")
	}
	return &appsv1.Deployment{
		TypeMeta:   typeMeta("apps/v1", "Deployment"),
		ObjectMeta: meta(STUNServer, names.CoderNamespace),
		Spec: appsv1.DeploymentSpec{
			Replicas: &replicas,
			Selector: &metav1.LabelSelector{MatchLabels: stunLabels()},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: stunLabels()},
				Spec: corev1.PodSpec{
					NodeSelector:                 map[string]string{names.NodeGroupLabel: helm.GroupControl},
					AutomountServiceAccountToken: &no,
					TopologySpreadConstraints: []corev1.TopologySpreadConstraint{{
						MaxSkew: 1, TopologyKey: "topology.kubernetes.io/zone",
						WhenUnsatisfiable: corev1.ScheduleAnyway,
						LabelSelector:     &metav1.LabelSelector{MatchLabels: stunLabels()},
					}},
					SecurityContext: &corev1.PodSecurityContext{RunAsNonRoot: &yes, RunAsUser: &uid, RunAsGroup: &uid},
					Containers: []corev1.Container{{
						Name:         "stun",
						Image:        c.STUNServerImage,
						Args:         args,
						VolumeMounts: mounts,
						Ports: []corev1.ContainerPort{
							{Name: "stun", ContainerPort: names.STUNPort, Protocol: corev1.ProtocolUDP},
							{Name: "stun-tcp", ContainerPort: names.STUNPort, Protocol: corev1.ProtocolTCP},
						},
						ReadinessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{
							TCPSocket: &corev1.TCPSocketAction{Port: intstr.FromString("stun-tcp")},
						}},
						Resources: corev1.ResourceRequirements{
							Requests: resources("50m", "64Mi"),
							Limits:   resources("500m", "128Mi"),
						},
						SecurityContext: &corev1.SecurityContext{
							AllowPrivilegeEscalation: &no,
							ReadOnlyRootFilesystem:   &yes,
							Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}, Add: caps},
						},
					}},
					Volumes: volumes,
				},
			},
		},
	}
}

func stunService() *corev1.Service {
	return &corev1.Service{
		TypeMeta:   typeMeta("v1", "Service"),
		ObjectMeta: meta(STUNServer, names.CoderNamespace),
		Spec: corev1.ServiceSpec{
			Type:     corev1.ServiceTypeClusterIP,
			Selector: stunLabels(),
			Ports: []corev1.ServicePort{
				{Name: "stun", Protocol: corev1.ProtocolUDP, Port: names.STUNPort, TargetPort: intstr.FromString("stun")},
				{Name: "stun-tcp", Protocol: corev1.ProtocolTCP, Port: names.STUNPort, TargetPort: intstr.FromString("stun-tcp")},
			},
		},
	}
}

// stunBinding registers the STUN pods in the NLB's UDP target group.
func stunBinding(n names.Names) map[string]any {
	return custom("elbv2.k8s.aws/v1beta1", "TargetGroupBinding", STUNServer, names.CoderNamespace, map[string]any{
		"targetGroupName": n.Network.STUNTargetGroup,
		"targetType":      "ip",
		"serviceRef":      map[string]any{"name": STUNServer, "port": "stun"},
	})
}

func stunBudget() *policyv1.PodDisruptionBudget {
	one := intstr.FromInt32(1)
	return &policyv1.PodDisruptionBudget{
		TypeMeta:   typeMeta("policy/v1", "PodDisruptionBudget"),
		ObjectMeta: meta(STUNServer, names.CoderNamespace),
		Spec: policyv1.PodDisruptionBudgetSpec{
			MaxUnavailable: &one,
			Selector:       &metav1.LabelSelector{MatchLabels: stunLabels()},
		},
	}
}

// stunPolicy admits STUN from anywhere (through the NLB, which keeps the
// client's address for UDP) and the NLB's TCP health checks; the server
// only answers, so it needs no egress beyond the replies conntrack allows.
func stunPolicy() *networkingv1.NetworkPolicy {
	ingress := []networkingv1.NetworkPolicyIngressRule{{
		From:  []networkingv1.NetworkPolicyPeer{cidr(anywhere)},
		Ports: []networkingv1.NetworkPolicyPort{port(corev1.ProtocolUDP, names.STUNPort), port(corev1.ProtocolTCP, names.STUNPort)},
	}}
	return policy(STUNServer, names.CoderNamespace, stunLabels(), ingress, nil)
}

func resources(cpu, memory string) corev1.ResourceList {
	return corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(cpu), corev1.ResourceMemory: resource.MustParse(memory)}
}

func itoa(n int32) string { return strconv.Itoa(int(n)) }
