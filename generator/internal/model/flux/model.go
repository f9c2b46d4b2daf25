// Package flux is the model of the GitOps side: the GitRepository Flux
// reads this repository from, the Kustomization that syncs the cluster's
// entry folder (rendered/<env>/clusters/<env>), one Kustomization per
// layer in dependency order, the Helm sources and releases, and the
// tofu-controller Terraform object that applies the Day-1/2 module.
//
// Every path is relative to the repository root, as Flux sees the
// GitRepository's artifact.
package flux

import (
	"time"

	helmv2 "github.com/fluxcd/helm-controller/api/v2"
	kustomizev1 "github.com/fluxcd/kustomize-controller/api/v1"
	sourcev1 "github.com/fluxcd/source-controller/api/v1"

	"github.com/coder-eks/coder-eks/generator/internal/config"
	"github.com/coder-eks/coder-eks/generator/internal/layout"
	"github.com/coder-eks/coder-eks/generator/internal/model/helm"
	"github.com/coder-eks/coder-eks/generator/internal/plan"
)

// RegionCluster names a secondary region's cluster (its entry folder is
// layout.ClusterEntry; the primary cluster's name is the environment's):
// multiregion-eu-west-1.
func RegionCluster(env, region string) string { return env + "-" + region }

// Layer is one Flux Kustomization and the folder it applies.
type Layer struct {
	Kustomization *kustomizev1.Kustomization
	// Dir is the folder inside rendered/<env>/.
	Dir string
	// Manifests is set on the layer that applies the cluster manifests,
	// whose folder render/k8s writes.
	Manifests bool
	// Releases applied by the layer, with their values files.
	Releases []Release
	// Objects other than releases the layer's folder holds (sources, the
	// Terraform object), by file name.
	Files map[string][]any
}

// Release is a HelmRelease and the ConfigMap its values come from.
type Release struct {
	Object     *helmv2.HelmRelease
	ConfigMap  string // generated from ValuesFile by configMapGenerator
	ValuesFile string // inside rendered/<env>/
}

// Model is the Flux tree of one environment.
type Model struct {
	Env string
	// Cluster names the entry folder (layout.ClusterEntry).
	Cluster string
	Source  string // environment file, for generated-file headers
	// Sync is what bootstrap applies once: the GitRepository and the
	// Kustomization that applies the entry folder, itself included.
	GitRepository *sourcev1.GitRepository
	Sync          *kustomizev1.Kustomization
	Layers        []Layer
}

// Reconcile intervals: sources are polled often so a merge lands within
// minutes; applied state is re-checked (and drift undone) less often.
const (
	gitInterval       = time.Minute
	chartRepoInterval = 12 * time.Hour
	applyInterval     = 10 * time.Minute
	retryInterval     = 2 * time.Minute
	releaseInterval   = 30 * time.Minute
	terraformInterval = 30 * time.Minute
)

// Build derives the Flux tree from a checked environment and its releases.
func Build(env *plan.Environment, releases helm.Model) Model {
	b := builder{env: env, c: &env.Config, cluster: env.Name}
	return b.model(b.layers(releases))
}

// BuildRegion derives the Flux tree of a secondary region's cluster, with
// the same conventions as the primary's: its own entry folder, the same
// GitRepository, and layers controllers → cluster manifests → workspace
// proxy, applying the region's folders (layout.RegionRoot).
func BuildRegion(env *plan.Environment, r plan.Region, releases helm.Model) Model {
	b := builder{env: env, c: &r.Config, cluster: RegionCluster(env.Name, r.Config.AWSRegion), root: releases.Root}
	return b.model(b.regionLayers(releases))
}

func (b builder) model(layers []Layer) Model {
	return Model{
		Env:           b.env.Name,
		Cluster:       b.cluster,
		Source:        b.env.RelFile(),
		GitRepository: b.gitRepository(),
		Sync:          b.sync(),
		Layers:        layers,
	}
}

type builder struct {
	env *plan.Environment
	c   *config.Environment
	// cluster names the entry folder; root is the folder inside
	// rendered/<env>/ the cluster's helm/, k8s/ and flux/ are in.
	cluster, root string
}

// layerDir is a Flux layer's folder of the cluster inside rendered/<env>/.
func (b builder) layerDir(layer string) string { return layout.FluxLayer(b.root, layer) }

// manifestsDir is the cluster's manifests folder inside rendered/<env>/.
func (b builder) manifestsDir() string { return layout.Manifests(b.root) }

// path is a folder of this environment's rendered tree as Flux sees it.
func (b builder) path(dir string) string { return layout.FluxPath(b.env.Name, dir) }
