package flux

import (
	"path"
	"strings"
	"testing"

	"github.com/coder-eks/coder-eks/generator/internal/layout"
	"github.com/coder-eks/coder-eks/generator/internal/load"
	"github.com/coder-eks/coder-eks/generator/internal/model/helm"
	"github.com/coder-eks/coder-eks/generator/internal/plan/plantest"
)

const repoRoot = "../../../.."

// TestLayerOrder builds the Flux model of every shipped environment and
// each of its secondary regions and proves what Flux needs to reconcile
// it: one layer without dependencies, every other depending on one listed
// before it (so the chain has no cycle and starts from the
// infrastructure), every Kustomization pointing inside the environment's
// rendered tree, and every Helm release in exactly one layer.
func TestLayerOrder(t *testing.T) {
	names, err := load.Discover(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		derived := plantest.Derive(t, repoRoot, name)
		releases, err := helm.Build(derived)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(name, func(t *testing.T) { checkLayers(t, name, Build(derived, releases), releases) })
		for _, r := range derived.Secondaries {
			rel, err := helm.BuildRegion(derived, r)
			if err != nil {
				t.Fatal(err)
			}
			t.Run(name+"/"+r.Config.AWSRegion, func(t *testing.T) { checkLayers(t, name, BuildRegion(derived, r, rel), rel) })
		}
	}
}

func checkLayers(t *testing.T, env string, m Model, releases helm.Model) {
	t.Helper()
	seen := map[string]bool{}
	roots := 0
	placed := 0
	for _, l := range m.Layers {
		k := l.Kustomization
		switch deps := k.Spec.DependsOn; len(deps) {
		case 0:
			roots++
			if k.Name != LayerInfrastructure {
				t.Errorf("layer %s depends on nothing; only %s may", k.Name, LayerInfrastructure)
			}
		case 1:
			if !seen[deps[0].Name] {
				t.Errorf("layer %s depends on %s, which is not a layer before it", k.Name, deps[0].Name)
			}
		default:
			t.Errorf("layer %s depends on %d layers", k.Name, len(deps))
		}
		seen[k.Name] = true
		want := "./" + path.Join(layout.Rendered, env, l.Dir)
		if k.Spec.Path != want {
			t.Errorf("layer %s: path %s, want %s (its directory in the rendered tree)", k.Name, k.Spec.Path, want)
		}
		if !strings.HasPrefix(k.Spec.Path, "./"+layout.Rendered+"/"+env+"/") {
			t.Errorf("layer %s reconciles %s, outside rendered/%s", k.Name, k.Spec.Path, env)
		}
		placed += len(l.Releases)
	}
	if roots != 1 {
		t.Errorf("%d layers without dependencies, want 1", roots)
	}
	if placed != len(releases.Releases) {
		t.Errorf("%d releases in layers, %d in the Helm model: a release's layer is missing", placed, len(releases.Releases))
	}
}
