package flux

import (
	"fmt"

	kustomizev1 "github.com/fluxcd/kustomize-controller/api/v1"
	"github.com/fluxcd/pkg/apis/meta"
	sourcev1 "github.com/fluxcd/source-controller/api/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/coder-eks/coder-eks/generator/internal/layout"
	modelk8s "github.com/coder-eks/coder-eks/generator/internal/model/k8s"
	"github.com/coder-eks/coder-eks/generator/internal/plan/names"
)

// SyncName names the GitRepository and the root Kustomization, as flux
// bootstrap does.
const SyncName = "flux-system"

func objectMeta(name string) metav1.ObjectMeta {
	return metav1.ObjectMeta{Name: name, Namespace: names.FluxNamespace}
}

// gitRepository is this repository. Only this environment's rendered
// tree is kept in the artifact: other environments' changes do not
// trigger reconciliations here, and nothing outside rendered/ is applied.
func (b builder) gitRepository() *sourcev1.GitRepository {
	ignore := fmt.Sprintf("/*\n!/%s/\n/%s/*\n!/%s/%s/\n", layout.Rendered, layout.Rendered, layout.Rendered, b.env.Name)
	return &sourcev1.GitRepository{
		TypeMeta:   metav1.TypeMeta{APIVersion: sourcev1.GroupVersion.String(), Kind: sourcev1.GitRepositoryKind},
		ObjectMeta: objectMeta(SyncName),
		Spec: sourcev1.GitRepositorySpec{
			URL:       b.c.FluxGitURL,
			Reference: &sourcev1.GitRepositoryRef{Branch: b.c.FluxGitBranch},
			SecretRef: &meta.LocalObjectReference{Name: modelk8s.SecretFluxGit},
			Interval:  metav1.Duration{Duration: gitInterval},
			Ignore:    &ignore,
		},
	}
}

// sync applies the cluster's entry folder: this object, the
// GitRepository and the layers' Kustomizations.
func (b builder) sync() *kustomizev1.Kustomization {
	return &kustomizev1.Kustomization{
		TypeMeta:   metav1.TypeMeta{APIVersion: kustomizev1.GroupVersion.String(), Kind: kustomizev1.KustomizationKind},
		ObjectMeta: objectMeta(SyncName),
		Spec: kustomizev1.KustomizationSpec{
			Interval:  metav1.Duration{Duration: applyInterval},
			Path:      b.path(layout.ClusterEntry(b.cluster)),
			Prune:     true,
			SourceRef: gitSource(),
		},
	}
}

func gitSource() kustomizev1.CrossNamespaceSourceReference {
	return kustomizev1.CrossNamespaceSourceReference{Kind: sourcev1.GitRepositoryKind, Name: SyncName}
}
