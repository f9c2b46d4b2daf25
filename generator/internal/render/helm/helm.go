// Package helm renders the releases' values files,
// rendered/<env>/helm/<release>.values.yaml. Flux turns each into the
// ConfigMap its HelmRelease reads (see render/flux).
package helm

import (
	"fmt"

	"github.com/coder-eks/coder-eks/generator/internal/layout"
	model "github.com/coder-eks/coder-eks/generator/internal/model/helm"
	"github.com/coder-eks/coder-eks/generator/internal/render/yamldoc"
)

// Render returns one values file per release.
func Render(m model.Model) (map[string][]byte, error) {
	out := make(map[string][]byte, len(m.Releases))
	for _, r := range m.Releases {
		data, err := yamldoc.Encode(yamldoc.Header(m.Source), r.Values)
		p := layout.ValuesFile(m.Root, r.Name)
		if err != nil {
			return nil, fmt.Errorf("render %s: %w", p, err)
		}
		out[p] = data
	}
	return out, nil
}
