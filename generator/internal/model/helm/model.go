// Package helm is the model of the Helm releases Flux installs on the
// cluster: which chart from which repository, at which version, into which
// namespace, and with which values. Values are plain maps (the charts'
// own keys) built from Kubernetes API types where a chart embeds one
// (env vars, resources, affinity), so their shape is the API's.
package helm

import (
	"fmt"

	"github.com/coder-eks/coder-eks/generator/internal/config"
	"github.com/coder-eks/coder-eks/generator/internal/plan"
	"github.com/coder-eks/coder-eks/generator/internal/plan/names"
)

// Layers group releases into the Flux Kustomizations that apply them, in
// dependency order.
const (
	LayerInfrastructure = "infrastructure" // controllers the rest needs
	LayerCoder          = "coder"          // coderd
	LayerProvisioners   = "provisioners"   // external provisioner daemons
)

// Repository is a Helm chart repository.
type Repository struct {
	Name string // Flux HelmRepository name
	URL  string
}

// Release is one Helm release.
type Release struct {
	Name       string // HelmRelease, Helm release and values file name
	Layer      string
	Namespace  string // where the chart's objects go
	Repository string // Repository.Name
	Chart      string
	Version    string
	// CreateNamespace is set for namespaces no manifest creates.
	CreateNamespace bool
	// CRDs is set for charts that ship CRDs in crds/: Flux then creates and
	// upgrades them (Helm alone never upgrades CRDs).
	CRDs bool
	// DisableWait installs without waiting for readiness, for a release
	// whose pods cannot start until a later layer has run.
	DisableWait bool
	// ForwardOnly releases are never rolled back automatically: their
	// upgrade migrates state (coderd's database schema) that an older
	// version cannot read. A failed upgrade stays failed for an operator.
	ForwardOnly bool
	// SecretValues are values read from Secrets of the release's
	// namespace at reconcile time (Flux valuesFrom); a release with any
	// is a HelmRelease in that namespace, where valuesFrom can read them.
	SecretValues []SecretValue
	DependsOn    []string // other releases, by Name
	Values       map[string]any
}

// SecretValue sets the value at TargetPath from Key of Secret; a missing
// Secret leaves it unset (the release still installs).
type SecretValue struct {
	Secret, Key, TargetPath string
}

// Model is every release of an environment.
type Model struct {
	Source string // environment file, for generated-file headers
	// Root is the folder inside rendered/<env>/ the cluster's files go
	// under: "" for the primary cluster, layout.RegionRoot for a secondary one.
	Root         string
	Repositories []Repository
	Releases     []Release
}

// Repository names.
const (
	repoCoder          = "coder"
	repoEKS            = "eks"
	repoAutoscaler     = "autoscaler"
	repoExternalSecret = "external-secrets"
	repoFluent         = "fluent"
	repoTofu           = "tofu-controller"
)

// Release names, also the names of the charts' objects.
const (
	ReleaseCoder           = "coder"
	ReleaseProvisioner     = "coder-provisioner"
	ReleaseLBController    = "aws-load-balancer-controller"
	ReleaseAutoscaler      = "cluster-autoscaler"
	ReleaseExternalSecrets = "external-secrets"
	ReleaseFluentBit       = "fluent-bit"
	ReleaseTofuController  = "tofu-controller"
)

// repositories are the chart repositories every cluster uses, from
// schema.components (coder's is the coder charts' own).
func repositories(cat config.Components) []Repository {
	return []Repository{
		{Name: repoAutoscaler, URL: cat.Autoscaler.Chart.Repository},
		{Name: repoCoder, URL: "https://helm.coder.com/v2"},
		{Name: repoEKS, URL: cat.LBController.Chart.Repository},
		{Name: repoExternalSecret, URL: cat.ESO.Chart.Repository},
		{Name: repoFluent, URL: cat.FluentBit.Chart.Repository},
	}
}

// Build derives the releases of a checked environment.
func Build(env *plan.Environment) (Model, error) {
	c := &env.Config
	n := names.For(c)
	cat := env.Catalog
	coderRes := coderdResources(env.Capacity)
	prov, err := provisioners(env.Capacity, env.Catalog.Sizing)
	if err != nil {
		return Model{}, fmt.Errorf("size provisioners: %w", err)
	}
	coderRel, err := coder(c, n, env.Catalog.Database, coderRes)
	if err != nil {
		return Model{}, fmt.Errorf("coder release: %w", err)
	}
	return Model{
		Source:       env.RelFile(),
		Repositories: append(repositories(cat.Components), Repository{Name: repoTofu, URL: cat.Components.Tofu.Chart.Repository}),
		Releases: []Release{
			lbController(c, n, cat.Components),
			autoscaler(c, n, cat.Components),
			externalSecrets(c, n, cat.Components),
			fluentBit(c, n, cat),
			tofuController(c, n, cat.Components),
			appendEnv(coderRel, append(requestLogEnv(env.Catalog.CoderdRequestLog), quietHoursEnv(env.Capacity.Autostop)...)...),
			provisioner(c, n, prov),
		},
	}, nil
}
