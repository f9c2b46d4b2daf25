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
	"github.com/coder-eks/coder-eks/generator/internal/model/helm"
	"github.com/coder-eks/coder-eks/generator/internal/validate"
)

// RenderedDir is the generator's output folder at the repository root.
const RenderedDir = "rendered"

// Folders inside rendered/<env>/.
const (
	HelmDir = "helm" // <release>.values.yaml
	K8sDir  = "k8s"  // cluster manifests
	FluxDir = "flux" // one folder per layer
)

// ClustersDir is the cluster's entry folder inside rendered/<env>/,
// following Flux's clusters/<name> convention; bootstrap points Flux at it.
func ClustersDir(env string) string { return "clusters/" + env }

// Layer is one Flux Kustomization and the folder it applies.
type Layer struct {
	Kustomization *kustomizev1.Kustomization
	// Dir is the folder inside rendered/<env>/.
	Dir string
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
	Env    string
	Source string // environment file, for generated-file headers
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
func Build(env *validate.Checked, releases helm.Model) Model {
	b := builder{env: env, c: &env.Config}
	return Model{
		Env:           env.Name,
		Source:        env.RelFile(),
		GitRepository: b.gitRepository(),
		Sync:          b.sync(),
		Layers:        b.layers(releases),
	}
}

type builder struct {
	env *validate.Checked
	c   *config.Environment
}

// path is a folder of this environment's rendered tree as Flux sees it.
func (b builder) path(dir string) string {
	return "./" + RenderedDir + "/" + b.env.Name + "/" + dir
}
