package flux

import (
	"time"

	helmv2 "github.com/fluxcd/helm-controller/api/v2"
	sourcev1 "github.com/fluxcd/source-controller/api/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/coder-eks/coder-eks/generator/internal/layout"
	"github.com/coder-eks/coder-eks/generator/internal/model/helm"
	"github.com/coder-eks/coder-eks/generator/internal/plan/names"
)

// ValuesKey is the ConfigMap key holding a release's values file.
const ValuesKey = "values.yaml"

// Remediation: a failed install is uninstalled and retried, a failed
// upgrade rolled back and retried, three times each; a forward-only
// release's failed upgrade is neither rolled back nor retried (its
// migrations have run) and waits for an operator (docs/operations.md).
const remediationRetries = 3

func (b builder) helmRepositories(m helm.Model) []any {
	var out []any
	for _, r := range m.Repositories {
		out = append(out, &sourcev1.HelmRepository{
			TypeMeta:   metav1.TypeMeta{APIVersion: sourcev1.GroupVersion.String(), Kind: sourcev1.HelmRepositoryKind},
			ObjectMeta: objectMeta(r.Name),
			Spec: sourcev1.HelmRepositorySpec{
				URL:      r.URL,
				Interval: metav1.Duration{Duration: chartRepoInterval},
			},
		})
	}
	return out
}

// release is a HelmRelease in flux-system installing into the release's
// namespace, its Helm storage there too (helm list -n <ns> shows it).
// Drift detection puts back what someone changed by hand.
func (b builder) release(r helm.Release) Release {
	cm := r.Name + "-values"
	rollback := helmv2.RollbackRemediationStrategy
	install := &helmv2.Install{
		CreateNamespace: r.CreateNamespace,
		DisableWait:     r.DisableWait,
		Remediation:     &helmv2.InstallRemediation{Retries: remediationRetries},
	}
	upgrade := &helmv2.Upgrade{
		CleanupOnFail: true,
		Remediation:   &helmv2.UpgradeRemediation{Retries: remediationRetries, Strategy: &rollback},
	}
	if r.ForwardOnly {
		no := false
		upgrade.Remediation = &helmv2.UpgradeRemediation{Retries: 0, RemediateLastFailure: &no}
	}
	if r.CRDs {
		install.CRDs = helmv2.CreateReplace
		upgrade.CRDs = helmv2.CreateReplace
	}
	hr := &helmv2.HelmRelease{
		TypeMeta:   metav1.TypeMeta{APIVersion: helmv2.GroupVersion.String(), Kind: helmv2.HelmReleaseKind},
		ObjectMeta: objectMeta(r.Name),
		Spec: helmv2.HelmReleaseSpec{
			Chart: &helmv2.HelmChartTemplate{Spec: helmv2.HelmChartTemplateSpec{
				Chart:   r.Chart,
				Version: r.Version,
				SourceRef: helmv2.CrossNamespaceObjectReference{
					Kind: sourcev1.HelmRepositoryKind, Name: r.Repository, Namespace: names.FluxNamespace,
				},
			}},
			Interval:         metav1.Duration{Duration: releaseInterval},
			ReleaseName:      r.Name,
			TargetNamespace:  r.Namespace,
			StorageNamespace: r.Namespace,
			Timeout:          &metav1.Duration{Duration: 10 * time.Minute},
			Install:          install,
			Upgrade:          upgrade,
			DriftDetection:   &helmv2.DriftDetection{Mode: helmv2.DriftDetectionEnabled},
			ValuesFrom:       []helmv2.ValuesReference{{Kind: "ConfigMap", Name: cm, ValuesKey: ValuesKey}},
		},
	}
	for _, d := range r.DependsOn {
		hr.Spec.DependsOn = append(hr.Spec.DependsOn, helmv2.DependencyReference{Name: d, Namespace: names.FluxNamespace})
	}
	if len(r.SecretValues) > 0 {
		// valuesFrom reads only the HelmRelease's own namespace.
		hr.Namespace = r.Namespace
	}
	for _, v := range r.SecretValues {
		hr.Spec.ValuesFrom = append(hr.Spec.ValuesFrom, helmv2.ValuesReference{
			Kind: "Secret", Name: v.Secret, ValuesKey: v.Key, TargetPath: v.TargetPath, Optional: true,
		})
	}
	return Release{Object: hr, ConfigMap: cm, ValuesFile: layout.ValuesFile(b.root, r.Name)}
}
