package helm

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/coder-eks/coder-eks/generator/internal/config"
	"github.com/coder-eks/coder-eks/generator/internal/plan/names"
)

// ProvisionerKeyAnnotation is the provisioner pods' annotation holding
// their key's SHA-256 (no dots: it is one element of a values path).
const ProvisionerKeyAnnotation = "coder-eks/provisioner-key-sha256"

func provisioner(c *config.Environment, n names.Names, size provisionerSizing) Release {
	labels := PodLabels(ReleaseProvisioner)
	env := []corev1.EnvVar{value("CODER_URL", n.Access.URL)}
	if c.EnablePrometheusMetrics {
		env = append(env, value("CODER_PROMETHEUS_ENABLE", "true"))
	}
	return Release{
		Name: ReleaseProvisioner, Layer: LayerProvisioners, Namespace: names.ProvisionerNamespace,
		Repository: repoCoder, Chart: "coder-provisioner", Version: c.CoderVersion,
		// The key Secret is filled only after the Day-1/2 module (the
		// last layer) has created the key: installing must not wait for
		// pods that cannot start before then.
		DisableWait: true,
		DependsOn:   []string{ReleaseCoder},
		// The key's hash as a pod annotation: when the Day-1/2 module
		// rotates the key and External Secrets writes it, helm-controller
		// upgrades the release and the pods restart onto the new key
		// (the old one is deleted in the same apply).
		SecretValues: []SecretValue{{
			Secret: SecretProvKey, Key: SecretProvKeyHashKey,
			TargetPath: "coder.podAnnotations." + ProvisionerKeyAnnotation,
		}},
		Values: map[string]any{
			"coder": map[string]any{
				"replicaCount": size.Replicas,
				"env":          env,
				"serviceAccount": map[string]any{
					"name":        names.ProvisionerServiceAccount,
					"annotations": irsa(c, n.IAM.Provisioner),
					// Workspaces live in their own namespace; the
					// provisioner's rights there are rendered in k8s/.
					"workspacePerms":    false,
					"enableDeployments": false,
				},
				"resources":    size.Resources,
				"nodeSelector": onGroup(GroupProvisioner),
				"tolerations":  tolerate(GroupProvisioner),
				"affinity":     antiAffinity(labels),
			},
			"provisionerDaemon": map[string]any{
				// A provisioner key: its tags (provisioner_key_tags) come
				// from the key, so provisionerDaemon.tags stays empty.
				"keySecretName": SecretProvKey,
				"keySecretKey":  SecretProvKeyKey,
				// Let a running build finish when a pod is stopped.
				"terminationGracePeriodSeconds": size.TerminationGraceSeconds,
			},
		},
	}
}
