// Package flux renders the Flux tree of an environment:
//
//	clusters/<env>/                 entry folder bootstrap points Flux at
//	  kustomization.yaml
//	  flux-system/gotk-sync.yaml    GitRepository + root Kustomization
//	  layers.yaml                   one Kustomization per layer
//	flux/<layer>/                   what a layer applies: HelmReleases,
//	  kustomization.yaml            sources, the Terraform object; values
//	                                ConfigMaps generated from ../../helm/
//
// and guards every file Flux builds against post-build substitution.
package flux

import (
	"fmt"
	"sort"
	"strings"

	"github.com/coder-eks/coder-eks/generator/internal/layout"
	model "github.com/coder-eks/coder-eks/generator/internal/model/flux"
	renderk8s "github.com/coder-eks/coder-eks/generator/internal/render/k8s"
	"github.com/coder-eks/coder-eks/generator/internal/render/yamldoc"
)

// Labels on generated values ConfigMaps: helm-controller watches
// ConfigMaps labelled for it and upgrades a release as soon as its values
// change; the values are data, never input to Flux's ${VAR} substitution.
var valuesLabels = map[string]string{
	"reconcile.fluxcd.io/watch":              "Enabled",
	"kustomize.toolkit.fluxcd.io/substitute": "disabled",
}

type files struct {
	header string
	out    map[string][]byte
}

func (f *files) add(name string, docs ...any) error {
	data, err := yamldoc.Encode(f.header, docs...)
	if err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	f.out[name] = data
	return nil
}

// Render returns the entry folder and every layer folder.
func Render(m model.Model) (map[string][]byte, error) {
	f := &files{header: yamldoc.Header(m.Source), out: map[string][]byte{}}
	if err := entry(f, m); err != nil {
		return nil, err
	}
	for _, l := range m.Layers {
		if l.Manifests {
			continue // rendered by render/k8s
		}
		if err := layer(f, l); err != nil {
			return nil, err
		}
	}
	return f.out, nil
}

func entry(f *files, m model.Model) error {
	dir := layout.ClusterEntry(m.Cluster)
	if err := f.add(dir+"/flux-system/gotk-sync.yaml", m.GitRepository, m.Sync); err != nil {
		return err
	}
	if err := f.add(dir+"/flux-system/"+layout.Kustomization, renderk8s.Kustomization([]string{"gotk-sync.yaml"})); err != nil {
		return err
	}
	var layers []any
	for _, l := range m.Layers {
		layers = append(layers, l.Kustomization)
	}
	if err := f.add(dir+"/layers.yaml", layers...); err != nil {
		return err
	}
	return f.add(dir+"/"+layout.Kustomization, renderk8s.Kustomization([]string{"flux-system", "layers.yaml"}))
}

// layer writes a layer's objects and its kustomization.yaml, whose
// configMapGenerator turns each release's values file into the ConfigMap
// the release reads. Names carry no hash suffix: kustomize would not
// rewrite the reference inside a HelmRelease, and the watch label already
// triggers the upgrade.
func layer(f *files, l model.Layer) error {
	var resources []string
	if len(l.Releases) > 0 {
		var objs []any
		for _, r := range l.Releases {
			objs = append(objs, r.Object)
		}
		if err := f.add(l.Dir+"/releases.yaml", objs...); err != nil {
			return err
		}
		resources = append(resources, "releases.yaml")
	}
	for name, objs := range l.Files {
		if err := f.add(l.Dir+"/"+name, objs...); err != nil {
			return err
		}
		resources = append(resources, name)
	}
	sort.Strings(resources)
	k := renderk8s.Kustomization(resources)
	if len(l.Releases) > 0 {
		var gens []any
		for _, r := range l.Releases {
			rel, err := layout.Relative(l.Dir, r.ValuesFile)
			if err != nil {
				return fmt.Errorf("values file of %s: %w", r.Object.Name, err)
			}
			gens = append(gens, map[string]any{
				"name":      r.ConfigMap,
				"namespace": r.Object.Namespace,
				"files":     []string{model.ValuesKey + "=" + rel},
			})
		}
		k["configMapGenerator"] = gens
		k["generatorOptions"] = map[string]any{"disableNameSuffixHash": true, "labels": valuesLabels}
	}
	return f.add(l.Dir+"/"+layout.Kustomization, k)
}

// GuardSubstitution fails if a file Flux builds contains "${". Flux's
// post-build substitution, when a Kustomization enables it, replaces
// ${VAR} in everything the Kustomization applies and in strict mode fails
// on an unset one. No rendered Kustomization enables it, and this keeps
// every built file safe if one ever does. (Templates and scripts with
// ${...} live under terraform/, which only tofu-controller reads.)
func GuardSubstitution(fs map[string][]byte) error {
	var bad []string
	for p, data := range fs {
		if layout.FluxBuilt(p) && strings.Contains(string(data), "${") {
			bad = append(bad, p)
		}
	}
	if len(bad) > 0 {
		sort.Strings(bad)
		return fmt.Errorf("files Flux builds contain \"${\", which Flux's post-build substitution would replace: %s", strings.Join(bad, ", "))
	}
	return nil
}
