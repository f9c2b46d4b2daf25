package coderd

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/engine"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

// loadChart loads helm/<name> from the coder module at version, with its
// file://../libcoder dependency attached (Helm's loader reads charts/
// only; `helm dependency build` would copy libcoder there). The release
// pipeline injects the version into Chart.yaml (it reads 0.1.0 in git),
// and the chart derives the image tag from it, so the same is done here.
func loadChart(moduleDir, name, version string) (*chart.Chart, error) {
	ch, err := loader.LoadDir(filepath.Join(moduleDir, "helm", name))
	if err != nil {
		return nil, fmt.Errorf("load chart %s: %w", name, err)
	}
	lib, err := loader.LoadDir(filepath.Join(moduleDir, "helm", "libcoder"))
	if err != nil {
		return nil, fmt.Errorf("load chart libcoder: %w", err)
	}
	ch.AddDependency(lib)
	ch.Metadata.Version, ch.Metadata.AppVersion = version, version
	return ch, nil
}

// renderChart renders chart name with the values file as helm-controller
// would install it (release name and namespace from the HelmRelease) and
// returns the manifests by template file name.
func renderChart(moduleDir, name, version, valuesFile, release, namespace string) (map[string]string, error) {
	ch, err := loadChart(moduleDir, name, version)
	if err != nil {
		return nil, err
	}
	vals, err := chartutil.ReadValuesFile(valuesFile)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", valuesFile, err)
	}
	if err := chartutil.ProcessDependenciesWithMerge(ch, vals); err != nil {
		return nil, fmt.Errorf("chart %s dependencies: %w", name, err)
	}
	rv, err := chartutil.ToRenderValues(ch, vals,
		chartutil.ReleaseOptions{Name: release, Namespace: namespace, Revision: 1, IsInstall: true},
		chartutil.DefaultCapabilities)
	if err != nil {
		return nil, fmt.Errorf("chart %s values: %w", name, err)
	}
	out, err := engine.Render(ch, rv)
	if err != nil {
		return nil, fmt.Errorf("render chart %s with %s: %w", name, valuesFile, err)
	}
	return out, nil
}

// deployment finds the one Deployment among rendered manifests.
func deployment(manifests map[string]string) (*appsv1.Deployment, error) {
	var found []*appsv1.Deployment
	names := make([]string, 0, len(manifests))
	for n := range manifests {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		for _, doc := range strings.Split(manifests[n], "\n---") {
			var meta struct{ Kind string }
			if yaml.Unmarshal([]byte(doc), &meta) != nil || meta.Kind != "Deployment" {
				continue
			}
			var d appsv1.Deployment
			if err := yaml.Unmarshal([]byte(doc), &d); err != nil {
				return nil, fmt.Errorf("%s: %w", n, err)
			}
			found = append(found, &d)
		}
	}
	if len(found) != 1 {
		return nil, fmt.Errorf("rendered chart has %d Deployments, want 1", len(found))
	}
	return found[0], nil
}

// container returns the named container of a pod spec.
func container(spec corev1.PodSpec, name string) (corev1.Container, error) {
	for _, c := range spec.Containers {
		if c.Name == name {
			return c, nil
		}
	}
	return corev1.Container{}, fmt.Errorf("no container %q", name)
}
