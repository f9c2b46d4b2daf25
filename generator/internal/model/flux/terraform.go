package flux

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/coder-eks/coder-eks/generator/internal/layout"
	"github.com/coder-eks/coder-eks/generator/internal/model/helm"
	modelk8s "github.com/coder-eks/coder-eks/generator/internal/model/k8s"
	"github.com/coder-eks/coder-eks/generator/internal/plan/names"
)

// TerraformName names the tofu-controller object.
const TerraformName = "coderd"

// terraform applies the Day-1/2 module (groups, provisioner key,
// templates) from the same GitRepository whenever it changes, approving
// its plans automatically, and re-plans on an interval so drift made in
// the Coder UI is undone.
//
// The module keeps its own S3 backend: tofu-controller's Kubernetes
// backend is disabled, so Flux and an operator running `terraform apply`
// by hand share one state. The runner's service account (tf-runner) holds
// the IAM role for the state bucket; the coderd provider reads CODER_URL
// and CODER_SESSION_TOKEN from the runner's environment, the license
// variable comes from the license Secret (varsFrom).
//
// The object turns the module on (enable_coderd_provider = true, whatever
// the variable's default): on this path the gate is the owner token. Its
// Secret exists only once someone has stored a token in Secrets Manager
// (External Secrets cannot copy an empty secret), and the runner pod
// cannot start without it (the reference is not optional), so nothing is
// planned before then. The environment's enable_coderd_provider remains
// the default for a by-hand apply.
func (b builder) terraform() any {
	env := []corev1.EnvVar{
		{Name: "CODER_URL", Value: names.For(b.c).Access.URL},
		{Name: "CODER_SESSION_TOKEN", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
			LocalObjectReference: corev1.LocalObjectReference{Name: modelk8s.SecretSessionToken},
			Key:                  modelk8s.SecretSessionTokenKey,
		}}},
	}
	return map[string]any{
		"apiVersion": "infra.contrib.fluxcd.io/v1alpha2",
		"kind":       "Terraform",
		"metadata":   map[string]any{"name": TerraformName, "namespace": names.FluxNamespace},
		"spec": map[string]any{
			"interval":           terraformInterval.String(),
			"retryInterval":      retryInterval.String(),
			"path":               b.path(layout.Coderd),
			"sourceRef":          map[string]any{"kind": "GitRepository", "name": SyncName, "namespace": names.FluxNamespace},
			"approvePlan":        "auto",
			"backendConfig":      map[string]any{"disable": true},
			"serviceAccountName": names.TofuRunnerServiceAccount,
			"vars":               []any{map[string]any{"name": names.EnableCoderdVariable, "value": true}},
			// The license Secret's one key is the module's license
			// variable; tofu-controller passes it as a sensitive value.
			"varsFrom": []any{map[string]any{
				"kind":     "Secret",
				"name":     modelk8s.SecretLicense,
				"varsKeys": []string{modelk8s.SecretLicenseKey},
			}},
			"storeReadablePlan": "human",
			"runnerPodTemplate": map[string]any{"spec": map[string]any{
				"env":          env,
				"nodeSelector": map[string]string{names.NodeGroupLabel: helm.GroupControl},
			}},
		},
	}
}
