package flux

import (
	"time"

	kustomizev1 "github.com/fluxcd/kustomize-controller/api/v1"
	"github.com/fluxcd/pkg/apis/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/coder-eks/coder-eks/generator/internal/model/helm"
	modelk8s "github.com/coder-eks/coder-eks/generator/internal/model/k8s"
	"github.com/coder-eks/coder-eks/generator/internal/plan/names"
)

// Layer names (Kustomization names), in apply order.
const (
	LayerInfrastructure = helm.LayerInfrastructure // controllers and chart sources
	LayerCluster        = "cluster"                // the cluster manifests (layout.Manifests)
	LayerCoder          = helm.LayerCoder
	LayerProvisioners   = helm.LayerProvisioners
	LayerDay12          = "day12" // the Day-1/2 Terraform object
	LayerProxy          = helm.LayerProxy
)

// layers orders the tree: controllers (and their CRDs) → cluster
// manifests → coderd → provisioners → Day-1/2. A layer starts only when
// the one before it is Ready.
func (b builder) layers(releases helm.Model) []Layer {
	byLayer := map[string][]Release{}
	for _, r := range releases.Releases {
		byLayer[r.Layer] = append(byLayer[r.Layer], b.release(r))
	}
	return []Layer{
		{
			// wait: every controller must be running (and its CRDs
			// established) before anything uses them.
			Kustomization: b.kustomization(LayerInfrastructure, b.layerDir(LayerInfrastructure), "", true, 15*time.Minute),
			Dir:           b.layerDir(LayerInfrastructure),
			Releases:      byLayer[LayerInfrastructure],
			Files:         map[string][]any{"sources.yaml": b.helmRepositories(releases)},
		},
		b.clusterLayer(),
		{
			// wait: provisioners connect to a running coderd.
			Kustomization: b.kustomization(LayerCoder, b.layerDir(LayerCoder), LayerCluster, true, 20*time.Minute),
			Dir:           b.layerDir(LayerCoder),
			Releases:      byLayer[LayerCoder],
		},
		{
			Kustomization: b.kustomization(LayerProvisioners, b.layerDir(LayerProvisioners), LayerCoder, true, 15*time.Minute),
			Dir:           b.layerDir(LayerProvisioners),
			Releases:      byLayer[LayerProvisioners],
		},
		{
			// No wait: the Terraform object is Ready only once an owner
			// token is stored, and nothing depends on it.
			Kustomization: b.kustomization(LayerDay12, b.layerDir(LayerDay12), LayerProvisioners, false, 10*time.Minute),
			Dir:           b.layerDir(LayerDay12),
			Files:         map[string][]any{"terraform.yaml": {b.terraform()}},
		},
	}
}

// clusterLayer applies rendered/<env>/k8s. It waits for what coderd needs
// to start (the secret store and coderd's secrets), not for every object:
// the provisioner key and the owner token are stored only after coderd
// runs, and waiting for them would deadlock the layers after it.
func (b builder) clusterLayer() Layer {
	k := b.kustomization(LayerCluster, b.manifestsDir(), LayerInfrastructure, false, 10*time.Minute)
	es := esRef
	k.Spec.HealthChecks = []meta.NamespacedObjectKindReference{
		es("ClusterSecretStore", modelk8s.SecretStore, ""),
		es("ExternalSecret", helm.SecretDBURL, names.CoderNamespace),
		es("ExternalSecret", helm.SecretOIDC, names.CoderNamespace),
	}
	if b.c.ExternalAuthClientID != "" {
		k.Spec.HealthChecks = append(k.Spec.HealthChecks, es("ExternalSecret", helm.SecretExternalAuth, names.CoderNamespace))
	}
	return Layer{Kustomization: k, Dir: b.manifestsDir(), Manifests: true}
}

// regionLayers orders a secondary cluster's tree: controllers → cluster
// manifests → workspace proxy → provisioners. The cluster layer waits for the secret
// store and the proxy token, which exists once the primary's Day-1/2
// module has registered the proxy: until then the proxy layer waits
// (retrying) instead of starting pods that cannot authenticate.
func (b builder) regionLayers(releases helm.Model) []Layer {
	byLayer := map[string][]Release{}
	for _, r := range releases.Releases {
		byLayer[r.Layer] = append(byLayer[r.Layer], b.release(r))
	}
	cluster := b.kustomization(LayerCluster, b.manifestsDir(), LayerInfrastructure, false, 10*time.Minute)
	cluster.Spec.HealthChecks = []meta.NamespacedObjectKindReference{
		esRef("ClusterSecretStore", modelk8s.SecretStore, ""),
		esRef("ExternalSecret", helm.SecretProxyToken, names.CoderNamespace),
	}
	return []Layer{
		{
			Kustomization: b.kustomization(LayerInfrastructure, b.layerDir(LayerInfrastructure), "", true, 15*time.Minute),
			Dir:           b.layerDir(LayerInfrastructure),
			Releases:      byLayer[LayerInfrastructure],
			Files:         map[string][]any{"sources.yaml": b.helmRepositories(releases)},
		},
		{Kustomization: cluster, Dir: b.manifestsDir(), Manifests: true},
		{
			Kustomization: b.kustomization(LayerProxy, b.layerDir(LayerProxy), LayerCluster, true, 20*time.Minute),
			Dir:           b.layerDir(LayerProxy),
			Releases:      byLayer[LayerProxy],
		},
		{
			// The region's provisioners start once the primary's
			// Day-1/2 module has written the region's key.
			Kustomization: b.kustomization(LayerProvisioners, b.layerDir(LayerProvisioners), LayerProxy, true, 15*time.Minute),
			Dir:           b.layerDir(LayerProvisioners),
			Releases:      byLayer[LayerProvisioners],
		},
	}
}

func esRef(kind, name, namespace string) meta.NamespacedObjectKindReference {
	return meta.NamespacedObjectKindReference{APIVersion: "external-secrets.io/v1", Kind: kind, Name: name, Namespace: namespace}
}

func (b builder) kustomization(name, dir, dependsOn string, wait bool, timeout time.Duration) *kustomizev1.Kustomization {
	k := &kustomizev1.Kustomization{
		TypeMeta:   metav1.TypeMeta{APIVersion: kustomizev1.GroupVersion.String(), Kind: kustomizev1.KustomizationKind},
		ObjectMeta: objectMeta(name),
		Spec: kustomizev1.KustomizationSpec{
			Interval:      metav1.Duration{Duration: applyInterval},
			RetryInterval: &metav1.Duration{Duration: retryInterval},
			Timeout:       &metav1.Duration{Duration: timeout},
			Path:          b.path(dir),
			Prune:         true,
			Wait:          wait,
			SourceRef:     gitSource(),
		},
	}
	if dependsOn != "" {
		k.Spec.DependsOn = []kustomizev1.DependencyReference{{Name: dependsOn}}
	}
	return k
}
