// Package k8s renders the cluster manifests, rendered/<env>/k8s/, one file
// per concern plus the kustomization.yaml Flux builds the folder with.
package k8s

import (
	"fmt"
	"sort"

	"github.com/coder-eks/coder-eks/generator/internal/layout"
	model "github.com/coder-eks/coder-eks/generator/internal/model/k8s"
	"github.com/coder-eks/coder-eks/generator/internal/render/yamldoc"
)

// Render returns the manifest files and their kustomization.yaml.
func Render(m model.Manifests) (map[string][]byte, error) {
	header := yamldoc.Header(m.Source)
	out := map[string][]byte{}
	dir := layout.Manifests(m.Root)
	var resources []string
	for _, f := range m.Files {
		data, err := yamldoc.Encode(header, f.Objects...)
		if err != nil {
			return nil, fmt.Errorf("render %s/%s: %w", dir, f.Name, err)
		}
		out[dir+"/"+f.Name] = data
		resources = append(resources, f.Name)
	}
	sort.Strings(resources)
	data, err := yamldoc.Encode(header, Kustomization(resources))
	if err != nil {
		return nil, fmt.Errorf("render %s/%s: %w", dir, layout.Kustomization, err)
	}
	out[dir+"/"+layout.Kustomization] = data
	return out, nil
}

// Kustomization is a kustomize kustomization.yaml listing resources.
func Kustomization(resources []string) map[string]any {
	return map[string]any{
		"apiVersion": "kustomize.config.k8s.io/v1beta1",
		"kind":       "Kustomization",
		"resources":  resources,
	}
}
