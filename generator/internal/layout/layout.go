// Package layout is the shape of the generator's output, rendered/<env>/:
// every folder and file name that more than one package must agree on.
// The package that writes a folder and the packages that point at it (Flux
// Kustomization and Terraform paths, configMapGenerator values files, the
// coderd module's template directories, the committed address plan load
// reads back, the capacity report's module paths) all take the name from
// here, so renaming a folder moves writer and readers together.
//
// Paths are slash-separated. Unless a function says otherwise they are
// relative to rendered/<env>/, the root of one environment's tree:
//
//	terraform/bootstrap/          state bucket, applied once (Bootstrap)
//	terraform/infra/              Day-0 root module, primary region (Infra)
//	terraform/infra-<region>/     Day-0 root module, secondary region (RegionInfra)
//	terraform/infra*/preflight-check.sh   quota pre-flight check (PreflightScript)
//	terraform/coderd/             Day-1/2 root module (Coderd)
//	templates/<name>/             composed Coder templates (Template)
//	capacity.md                   capacity report (CapacityReport)
//	<root>helm/<release>.values.yaml   Helm values (ValuesFile)
//	<root>k8s/                    cluster manifests (Manifests)
//	<root>flux/<layer>/           Flux layers (FluxLayer)
//	clusters/<cluster>/           a cluster's Flux entry folder (ClusterEntry)
//
// where <root> is "" for the primary cluster and regions/<region>/ for a
// secondary region's cluster (RegionRoot).
package layout

import (
	"fmt"
	"path"
	"strings"
)

// Rendered is the generator's output folder at the repository root.
const Rendered = "rendered"

// Env is an environment's tree relative to the repository root.
func Env(env string) string { return Rendered + "/" + env }

// FluxPath is dir of env's tree as Flux sees it: relative to the root of
// the GitRepository's artifact, which is the repository root.
func FluxPath(env, dir string) string { return "./" + path.Join(Env(env), dir) }

// Terraform root modules.
const (
	Bootstrap = "terraform/bootstrap"
	Infra     = "terraform/infra"
	Coderd    = "terraform/coderd"
)

// RegionInfra is the Day-0 root module of a secondary region.
func RegionInfra(region string) string { return Infra + "-" + region }

// InfraRegion reads a Day-0 module folder back: "" for Infra, the region
// for RegionInfra(region); ok is false for any other folder.
func InfraRegion(dir string) (region string, ok bool) {
	rest, ok := strings.CutPrefix(dir, Infra)
	switch {
	case !ok:
		return "", false
	case rest == "":
		return "", true
	}
	region, ok = strings.CutPrefix(rest, "-")
	if !ok || region == "" || strings.Contains(region, "/") {
		return "", false
	}
	return region, true
}

// Folders of a cluster, under its root.
const (
	Helm     = "helm"     // <release>.values.yaml, read by Flux's configMapGenerator
	K8s      = "k8s"      // cluster manifests, applied by the cluster layer
	Flux     = "flux"     // one folder per Flux layer
	Clusters = "clusters" // entry folders, one per cluster (Flux's clusters/<name> convention)
	Regions  = "regions"  // secondary regions' cluster roots
)

// Templates holds one folder per composed template.
const Templates = "templates"

// CapacityReport is the capacity report.
const CapacityReport = "capacity.md"

// PreflightScript is the service quota pre-flight check in each Day-0
// module folder; the capacity report names it.
const PreflightScript = "preflight-check.sh"

// Kustomization is the file kustomize builds a folder from; every folder
// a Flux Kustomization applies holds one.
const Kustomization = "kustomization.yaml"

// RegionRoot is the root of a secondary region's cluster: the folder its
// helm/, k8s/ and flux/ go under. The primary cluster's root is "".
func RegionRoot(region string) string { return Regions + "/" + region }

// ClusterEntry is a cluster's Flux entry folder; bootstrap points Flux at it.
func ClusterEntry(cluster string) string { return Clusters + "/" + cluster }

// ValuesFile is a release's Helm values file in the cluster at root.
func ValuesFile(root, release string) string { return path.Join(root, Helm, release+".values.yaml") }

// Manifests is the cluster manifests' folder of the cluster at root.
func Manifests(root string) string { return path.Join(root, K8s) }

// FluxLayer is a Flux layer's folder in the cluster at root.
func FluxLayer(root, layer string) string { return path.Join(root, Flux, layer) }

// Template is a composed template's folder.
func Template(name string) string { return Templates + "/" + name }

// fluxBuilt are the top folders Flux's kustomize build reads: entry
// folders, layers, manifests, values files (through configMapGenerator)
// and secondary regions' clusters.
var fluxBuilt = []string{Clusters, Flux, K8s, Helm, Regions}

// FluxBuilt reports whether Flux's kustomize build reads file p. Terraform
// modules and templates are read by tofu-controller and coderd instead.
func FluxBuilt(p string) bool {
	top, _, _ := strings.Cut(p, "/")
	for _, d := range fluxBuilt {
		if top == d && strings.Contains(p, "/") {
			return true
		}
	}
	return false
}

// Relative is the path of target as seen from the folder from, both
// clean paths inside one environment's tree ("../../helm/coder.values.yaml"
// from flux/coder). It fails on a path that leaves the tree.
func Relative(from, target string) (string, error) {
	for _, p := range []string{from, target} {
		if p == "" || strings.HasPrefix(p, "/") || path.Clean(p) != p || p == ".." || strings.HasPrefix(p, "../") {
			return "", fmt.Errorf("%q is not a clean path inside the environment's tree", p)
		}
	}
	fromParts := strings.Split(from, "/")
	to := strings.Split(target, "/")
	common := 0
	for common < len(fromParts) && common < len(to)-1 && fromParts[common] == to[common] {
		common++
	}
	return strings.Repeat("../", len(fromParts)-common) + strings.Join(to[common:], "/"), nil
}

// MustRelative is Relative for paths this package built, where a failure
// is a bug in the generator, not in an environment.
func MustRelative(from, target string) string {
	rel, err := Relative(from, target)
	if err != nil {
		panic("layout: " + err.Error())
	}
	return rel
}
