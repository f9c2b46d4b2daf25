// Package helm renders the releases' values files,
// rendered/<env>/helm/<release>.values.yaml. Flux turns each into the
// ConfigMap its HelmRelease reads (see render/flux).
package helm

import (
	"fmt"
	"path"

	model "github.com/coder-eks/coder-eks/generator/internal/model/helm"
	"github.com/coder-eks/coder-eks/generator/internal/render/yamldoc"
)

// Dir is where values files go inside an environment's rendered tree.
const Dir = "helm"

// Path is a release's values file inside rendered/<env>/.
func Path(release string) string { return Dir + "/" + release + ".values.yaml" }

// Render returns one values file per release.
func Render(m model.Model) (map[string][]byte, error) {
	out := make(map[string][]byte, len(m.Releases))
	for _, r := range m.Releases {
		data, err := yamldoc.Encode(yamldoc.Header(m.Source), r.Values)
		p := path.Join(m.Root, Path(r.Name))
		if err != nil {
			return nil, fmt.Errorf("render %s: %w", p, err)
		}
		out[p] = data
	}
	return out, nil
}
