package layout_test

import (
	"path"
	"regexp"
	"strings"
	"testing"

	"github.com/coder-eks/coder-eks/generator/internal/layout"
	"github.com/coder-eks/coder-eks/generator/pipeline/pipelinetest"
)

const repoRoot = "../../.."

// placed reports whether file p of an environment's tree is where the
// layout puts files: it rebuilds p with the package's functions and
// compares. A package that writes a folder under a name of its own fails
// here.
func placed(p string) bool {
	seg := strings.Split(p, "/")
	switch {
	case p == layout.CapacityReport:
		return true
	case strings.HasPrefix(p, layout.Bootstrap+"/"), strings.HasPrefix(p, layout.Coderd+"/"):
		return true
	case len(seg) >= 3 && seg[0]+"/"+seg[1] == layout.Infra:
		return true
	case len(seg) >= 3:
		if region, ok := layout.InfraRegion(seg[0] + "/" + seg[1]); ok && strings.HasPrefix(p, layout.RegionInfra(region)+"/") {
			return true
		}
	}
	if len(seg) == 3 && p == layout.Template(seg[1])+"/"+seg[2] {
		return true
	}
	if len(seg) >= 3 && p == layout.ClusterEntry(seg[1])+"/"+strings.Join(seg[2:], "/") {
		return true
	}
	root, rest := "", seg
	if len(seg) >= 2 && seg[0] == layout.Regions {
		root, rest = layout.RegionRoot(seg[1]), seg[2:]
	}
	switch {
	case len(rest) == 2 && p == layout.ValuesFile(root, strings.TrimSuffix(rest[1], ".values.yaml")):
		return true
	case len(rest) == 2 && p == path.Join(layout.Manifests(root), rest[1]):
		return true
	case len(rest) == 3 && p == path.Join(layout.FluxLayer(root, rest[1]), rest[2]):
		return true
	}
	return false
}

func TestPlaced(t *testing.T) {
	for p, want := range map[string]bool{
		"helm/coder.values.yaml":                   true,
		"helm/coder.yaml":                          false,
		"regions/eu-west-1/k8s/namespaces.yaml":    true,
		"regions/eu-west-1/flux/proxy/x.yaml":      true,
		"terraform/infra-eu-west-1/eks.tf.json":    true,
		"terraform/infrastructure/eks.tf.json":     false,
		"templates/pod-swdev/main.tf.json":         true,
		"templates/pod-swdev/extra/main.tf.json":   false,
		"clusters/prod/flux-system/gotk-sync.yaml": true,
		"manifests/namespaces.yaml":                false,
		"capacity.md":                              true,
	} {
		if got := placed(p); got != want {
			t.Errorf("placed(%q) = %t, want %t", p, got, want)
		}
	}
}

var (
	// fluxPath is a Kustomization's or Terraform object's spec.path.
	fluxPath = regexp.MustCompile(`(?m)^\s+path: (\./\S+)$`)
	// valuesFile is a configMapGenerator entry.
	valuesFile = regexp.MustCompile(`(?m)^\s+- values\.yaml=(\S+)$`)
	// templateDir is a coderd_template's directory.
	templateDir = regexp.MustCompile(`"directory": "\$\{path\.module\}/([^"]+)"`)
)

// TestRenderedTreeFollowsLayout renders the shipped environments and
// proves writers and readers agree on the layout: every file sits where
// the layout puts it, and every path one package points at (Flux
// Kustomization and Terraform paths, configMapGenerator values files,
// coderd_template directories) names what another package wrote.
func TestRenderedTreeFollowsLayout(t *testing.T) {
	for env, fs := range pipelinetest.Shipped(t, repoRoot) {
		dirs := map[string]bool{} // every folder holding a file
		for p := range fs {
			if !placed(p) {
				t.Errorf("%s: %s is outside the layout (generator/internal/layout)", env, p)
			}
			for d := path.Dir(p); d != "."; d = path.Dir(d) {
				dirs[d] = true
			}
		}
		refs := 0
		for p, data := range fs {
			if layout.FluxBuilt(p) {
				for _, m := range fluxPath.FindAllSubmatch(data, -1) {
					refs++
					dir, ok := strings.CutPrefix(string(m[1]), layout.FluxPath(env, "")+"/")
					if !ok || !dirs[dir] {
						t.Errorf("%s: %s points Flux at %s, not a folder of rendered/%s", env, p, m[1], env)
					}
				}
				for _, m := range valuesFile.FindAllSubmatch(data, -1) {
					refs++
					if target := path.Join(path.Dir(p), string(m[1])); fs[target] == nil {
						t.Errorf("%s: %s generates values from %s (%s), which is not rendered", env, p, m[1], target)
					}
				}
			}
			if strings.HasPrefix(p, layout.Coderd+"/") {
				for _, m := range templateDir.FindAllSubmatch(data, -1) {
					refs++
					if main := path.Join(layout.Coderd, string(m[1]), "main.tf.json"); fs[main] == nil {
						t.Errorf("%s: %s uploads template %s, but %s is not rendered", env, p, m[1], main)
					}
				}
			}
		}
		if refs == 0 {
			t.Errorf("%s: found no path references: the patterns no longer match the rendered files", env)
		}
	}
}
