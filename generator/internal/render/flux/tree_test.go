// Tests in package flux_test build the rendered Flux tree the way kustomize-controller
// does, with Flux's own kustomize library, starting from each environment's
// entry folder and following every Kustomization's path. Every object must
// decode strictly into its API type, and every reference between objects
// (sourceRef, dependsOn, valuesFrom, Secret references, health checks) must
// name an object of the tree.
package flux_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	fluxkustomize "github.com/fluxcd/pkg/kustomize"
	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/kustomize/api/resource"
	"sigs.k8s.io/yaml"

	"github.com/coder-eks/coder-eks/generator/internal/layout"
	fluxm "github.com/coder-eks/coder-eks/generator/internal/model/flux"
	"github.com/coder-eks/coder-eks/generator/internal/plan/names"
	"github.com/coder-eks/coder-eks/generator/pipeline"
)

// repoRoot is the repository root, where environments/ and schema/ are.
const repoRoot = "../../../.."

// builtObject is one object of the built tree.
type builtObject struct {
	From string             // Flux path (Kustomization spec.path) it came from
	Res  *resource.Resource // as kustomize built it
	U    map[string]any     // its content
}

func (o builtObject) kind() string       { return o.U["kind"].(string) }
func (o builtObject) apiVersion() string { return o.U["apiVersion"].(string) }
func (o builtObject) meta(field string) string {
	m, _ := o.U["metadata"].(map[string]any)
	s, _ := m[field].(string)
	return s
}
func (o builtObject) String() string {
	return fmt.Sprintf("%s %s/%s (from %s)", o.kind(), o.meta("namespace"), o.meta("name"), o.From)
}

// tree is every object of one environment, with the Kustomizations that
// built each path.
type tree struct {
	Objects []builtObject
	// Kustomizations maps each built path to the Flux Kustomization
	// object that applies it.
	Kustomizations map[string]map[string]any
}

// renderEnv renders an environment into dir/rendered/<env>/, as it would
// sit in the repository (and in the GitRepository artifact), and returns
// its clusters: the entry folders under clusters/, sorted.
func renderEnv(t *testing.T, dir, env string) []string {
	t.Helper()
	fs, err := pipeline.Render(repoRoot, env)
	if err != nil {
		t.Fatalf("render %s: %v", env, err)
	}
	var clusters []string
	for p := range fs {
		if rest, ok := strings.CutPrefix(p, "clusters/"); ok && strings.Count(rest, "/") == 1 && strings.HasSuffix(rest, "/kustomization.yaml") {
			clusters = append(clusters, strings.TrimSuffix(rest, "/kustomization.yaml"))
		}
	}
	sort.Strings(clusters)
	for p, data := range fs {
		full := filepath.Join(dir, layout.Rendered, env, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return clusters
}

// buildTree builds the entry folder, then every path a built
// Kustomization names, each once, as kustomize-controller would: the
// Flux generator prepares kustomization.yaml, SecureBuild builds inside
// the artifact root.
func buildTree(t *testing.T, root, env, cluster string) tree {
	t.Helper()
	entry := layout.FluxPath(env, layout.ClusterEntry(cluster))
	bootstrap := map[string]any{
		"apiVersion": "kustomize.toolkit.fluxcd.io/v1",
		"kind":       "Kustomization",
		"metadata":   map[string]any{"name": fluxm.SyncName, "namespace": "flux-system"},
		"spec":       map[string]any{"path": entry},
	}
	tr := tree{Kustomizations: map[string]map[string]any{}}
	queue := []map[string]any{bootstrap}
	for len(queue) > 0 {
		ks := queue[0]
		queue = queue[1:]
		path := nested(ks, "spec", "path")
		if _, done := tr.Kustomizations[path]; done {
			continue
		}
		tr.Kustomizations[path] = ks
		for _, o := range build(t, root, path, ks) {
			tr.Objects = append(tr.Objects, o)
			if o.kind() == "Kustomization" && strings.HasPrefix(o.apiVersion(), "kustomize.toolkit.fluxcd.io/") {
				queue = append(queue, o.U)
			}
		}
	}
	// The sync Kustomization the entry folder holds must apply the entry
	// folder itself, or bootstrap would hand Flux a tree it does not keep.
	if got := syncPath(tr); got != entry {
		t.Errorf("Kustomization %s applies %q, want the entry folder %q", fluxm.SyncName, got, entry)
	}
	return tr
}

func syncPath(tr tree) string {
	for _, o := range tr.Objects {
		if o.kind() == "Kustomization" && o.meta("name") == fluxm.SyncName && o.From != "" {
			return nested(o.U, "spec", "path")
		}
	}
	return ""
}

func build(t *testing.T, root, path string, ks map[string]any) []builtObject {
	t.Helper()
	dir := filepath.Join(root, filepath.FromSlash(strings.TrimPrefix(path, "./")))
	if _, err := os.Stat(filepath.Join(dir, "kustomization.yaml")); err != nil {
		t.Fatalf("%s has no kustomization.yaml: every rendered Flux path carries its own", path)
	}
	gen := fluxkustomize.NewGenerator(root, unstructured.Unstructured{Object: ks})
	action, err := gen.WriteFile(dir)
	if err != nil {
		t.Fatalf("prepare %s: %v", path, err)
	}
	defer func() {
		if err := fluxkustomize.CleanDirectory(dir, action); err != nil {
			t.Errorf("clean %s: %v", path, err)
		}
	}()
	resMap, err := fluxkustomize.SecureBuild(root, dir, false)
	if err != nil {
		t.Fatalf("build %s: %v", path, err)
	}
	var out []builtObject
	for _, res := range resMap.Resources() {
		data, err := res.AsYAML()
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		var u map[string]any
		if err := yaml.Unmarshal(data, &u); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out = append(out, builtObject{From: path, Res: res, U: u})
	}
	if len(out) == 0 {
		t.Errorf("%s builds no object", path)
	}
	return out
}

// nested reads a string field, "" if absent.
func nested(obj map[string]any, fields ...string) string {
	s, _, _ := unstructured.NestedString(obj, fields...)
	return s
}

// TestFluxTree builds the tree of each cluster of each environment (the
// primary's and every secondary region's) and checks it.
func TestFluxTree(t *testing.T) {
	envs, err := pipeline.Environments(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	for _, env := range envs {
		t.Run(env, func(t *testing.T) {
			root := t.TempDir()
			clusters := renderEnv(t, root, env)
			if want := wantClusters[env]; !cmp.Equal(clusters, want) {
				t.Errorf("clusters %v, want %v", clusters, want)
			}
			for _, cluster := range clusters {
				t.Run(cluster, func(t *testing.T) {
					tr := buildTree(t, root, env, cluster)
					t.Run("layers", func(t *testing.T) { checkLayers(t, tr, env, cluster == env) })
					t.Run("decode", func(t *testing.T) { checkDecode(t, tr) })
					t.Run("references", func(t *testing.T) { checkReferences(t, tr) })
					t.Run("substitution", func(t *testing.T) { checkSubstitution(t, tr) })
					t.Run("forward-only", func(t *testing.T) { checkForwardOnly(t, tr) })
					t.Run("key-rotation", func(t *testing.T) { checkKeyRotation(t, tr) })
					t.Run("catalogue", func(t *testing.T) {
						checkCatalogue(t, tr, env, strings.TrimPrefix(strings.TrimPrefix(cluster, env), "-"))
					})
					if cluster != env {
						t.Run("region-workloads", func(t *testing.T) { checkRegionWorkloads(t, tr) })
					}
					if cluster == env {
						t.Run("terraform", func(t *testing.T) { checkTerraformModule(t, tr, root) })
					}
				})
			}
		})
	}
}

// wantClusters are the entry folders of the shipped environments: one per
// region.
var wantClusters = map[string][]string{
	"prod":        {"prod"},
	"staging":     {"staging"},
	"pubsec":      {"pubsec"},
	"multiregion": {"multiregion", "multiregion-eu-west-1"},
}

// checkLayers pins the layer order the issue asks for, and that every
// path of the tree was built: in the primary cluster infrastructure
// controllers → cluster manifests → coder → provisioners → Day-1/2; in a
// secondary region's, controllers → cluster manifests → workspace proxy.
func checkLayers(t *testing.T, tr tree, env string, primary bool) {
	want := map[string]string{
		fluxm.LayerInfrastructure: "",
		fluxm.LayerCluster:        fluxm.LayerInfrastructure,
		fluxm.LayerCoder:          fluxm.LayerCluster,
		fluxm.LayerProvisioners:   fluxm.LayerCoder,
		fluxm.LayerDay12:          fluxm.LayerProvisioners,
	}
	if !primary {
		want = map[string]string{
			fluxm.LayerInfrastructure: "",
			fluxm.LayerCluster:        fluxm.LayerInfrastructure,
			fluxm.LayerProxy:          fluxm.LayerCluster,
			fluxm.LayerProvisioners:   fluxm.LayerProxy,
		}
	}
	got := map[string]string{}
	for _, o := range tr.Objects {
		if o.kind() != "Kustomization" || o.meta("name") == fluxm.SyncName {
			continue
		}
		deps, _, _ := unstructured.NestedSlice(o.U, "spec", "dependsOn")
		var names []string
		for _, d := range deps {
			names = append(names, d.(map[string]any)["name"].(string))
		}
		sort.Strings(names)
		got[o.meta("name")] = strings.Join(names, ",")
	}
	for name, dep := range want {
		if g, ok := got[name]; !ok {
			t.Errorf("no Kustomization %q", name)
		} else if g != dep {
			t.Errorf("Kustomization %q depends on %q, want %q", name, g, dep)
		}
	}
	if len(tr.Kustomizations) != len(want)+1 {
		t.Errorf("built %d paths, want %d (entry folder + one per layer)", len(tr.Kustomizations), len(want)+1)
	}
	if !primary {
		// A secondary cluster applies only its region's folders.
		for p := range tr.Kustomizations {
			if !strings.HasPrefix(p, layout.FluxPath(env, layout.Regions)+"/") && !strings.Contains(p, "/clusters/") {
				t.Errorf("secondary cluster applies %s, outside its region's folder", p)
			}
		}
	}
	day12 := layout.FluxPath(env, layout.Coderd)
	for _, o := range tr.Objects {
		if o.kind() == "Terraform" && nested(o.U, "spec", "path") != day12 {
			t.Errorf("%s applies %q, want the Day-1/2 module %q", o, nested(o.U, "spec", "path"), day12)
		}
	}
}

// checkTerraformModule: every Terraform object applies a root module that
// is in the rendered tree (its path holds .tf.json files), and is fed the
// variables the module declares without a usable default: the license.
func checkTerraformModule(t *testing.T, tr tree, root string) {
	found := false
	for _, o := range tr.Objects {
		if o.kind() != "Terraform" {
			continue
		}
		found = true
		dir := filepath.Join(root, filepath.FromSlash(nested(o.U, "spec", "path")))
		files, err := filepath.Glob(filepath.Join(dir, "*.tf.json"))
		if err != nil {
			t.Fatal(err)
		}
		if len(files) == 0 {
			t.Errorf("%s: path %q holds no .tf.json files", o, nested(o.U, "spec", "path"))
			continue
		}
		declared := map[string]bool{}
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var doc struct {
				Variable map[string]any `json:"variable"`
			}
			if err := json.Unmarshal(data, &doc); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			for v := range doc.Variable {
				declared[v] = true
			}
		}
		fed := map[string]bool{}
		vars, _, _ := unstructured.NestedSlice(o.U, "spec", "varsFrom")
		for _, v := range vars {
			keys, _, _ := unstructured.NestedStringSlice(v.(map[string]any), "varsKeys")
			for _, k := range keys {
				_, variable, renamed := strings.Cut(k, ":")
				if !renamed {
					variable = k
				}
				fed[variable] = true
			}
		}
		for v := range fed {
			if !declared[v] {
				t.Errorf("%s: varsFrom feeds %q, which the module does not declare", o, v)
			}
		}
		if !fed[names.LicenseVariable] {
			t.Errorf("%s: varsFrom does not feed %s", o, names.LicenseVariable)
		}
		checkDay12Gate(t, o)
	}
	if !found {
		t.Error("no Terraform object")
	}
}

// checkDay12Gate: the Flux path applies the Day-1/2 module with the module
// turned on, and what gates it is the owner token: the runner's
// CODER_SESSION_TOKEN comes from a Secret that must exist (not optional).
func checkDay12Gate(t *testing.T, o builtObject) {
	tf := decode[terraform](t, o)
	on := false
	for _, v := range tf.Spec.Vars {
		if v.Name == names.EnableCoderdVariable {
			on = v.Value == true
		}
	}
	if !on {
		t.Errorf("%s: does not set %s = true: the module's default leaves every resource out, so nothing is applied", o, names.EnableCoderdVariable)
	}
	gated := false
	for _, e := range tf.Spec.RunnerPodTemplate.Spec.Env {
		if e.Name == "CODER_SESSION_TOKEN" && e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil {
			ref := e.ValueFrom.SecretKeyRef
			gated = ref.Optional == nil || !*ref.Optional
		}
	}
	if !gated {
		t.Errorf("%s: CODER_SESSION_TOKEN is not read from a required Secret: the runner could start without a token", o)
	}
}
