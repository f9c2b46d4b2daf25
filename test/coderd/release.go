package coderd

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

// RepoRoot is the repository's root: the nearest directory holding go.mod
// above the test's working directory (its package directory).
var RepoRoot = findRoot()

func findRoot() string {
	dir, err := os.Getwd()
	if err != nil {
		return "."
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "."
		}
		dir = parent
	}
}

// HelmRelease is one HelmRelease of the rendered Flux tree, with the values
// file its ConfigMap is generated from.
type HelmRelease struct {
	Chart, Version, Name, Namespace string
	ValuesFile                      string // path of the values file the ConfigMap holds
}

// helmReleaseDoc is what the tests read of a rendered HelmRelease.
type helmReleaseDoc struct {
	Kind string
	Spec struct {
		Chart struct {
			Spec struct{ Chart, Version string } `json:"spec"`
		} `json:"chart"`
		ReleaseName     string `json:"releaseName"`
		TargetNamespace string `json:"targetNamespace"`
		ValuesFrom      []struct {
			Kind, Name string
			Optional   bool
		} `json:"valuesFrom"`
	} `json:"spec"`
}

// helmReleases decodes the HelmReleases of a multi-document releases.yaml.
func helmReleases(data []byte) []helmReleaseDoc {
	var out []helmReleaseDoc
	for _, doc := range strings.Split(string(data), "\n---") {
		var hr helmReleaseDoc
		if yaml.Unmarshal([]byte(doc), &hr) == nil && hr.Kind == "HelmRelease" {
			out = append(out, hr)
		}
	}
	return out
}

// RenderedRelease reads the HelmRelease of chart in the Flux directory dir
// (relative to rendered/<env>/) and follows its ConfigMap valuesFrom to
// the file in the kustomization's configMapGenerator, as Flux would.
func RenderedRelease(t *testing.T, env, dir, chart string) HelmRelease {
	t.Helper()
	base := filepath.Join(RepoRoot, "rendered", env, dir)
	data, err := os.ReadFile(filepath.Join(base, "releases.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, hr := range helmReleases(data) {
		if hr.Spec.Chart.Spec.Chart != chart {
			continue
		}
		r := HelmRelease{Chart: chart, Version: hr.Spec.Chart.Spec.Version, Name: hr.Spec.ReleaseName, Namespace: hr.Spec.TargetNamespace}
		for _, vf := range hr.Spec.ValuesFrom {
			switch {
			case vf.Kind == "ConfigMap" && r.ValuesFile == "":
				r.ValuesFile = configMapFile(t, base, vf.Name)
			case vf.Optional: // e.g. the provisioner key's hash annotation
			default:
				t.Fatalf("%s: HelmRelease %s: valuesFrom %s/%s is not followed by this test", base, chart, vf.Kind, vf.Name)
			}
		}
		if r.ValuesFile == "" {
			t.Fatalf("%s: HelmRelease %s has no ConfigMap values", base, chart)
		}
		return r
	}
	t.Fatalf("%s: no HelmRelease of chart %s", base, chart)
	return HelmRelease{}
}

// configMapFile finds the file the kustomization in dir generates
// ConfigMap name from (key values.yaml).
func configMapFile(t *testing.T, dir, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "kustomization.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var k struct {
		ConfigMapGenerator []struct {
			Name  string
			Files []string
		} `json:"configMapGenerator"`
	}
	if err := yaml.Unmarshal(data, &k); err != nil {
		t.Fatal(err)
	}
	for _, g := range k.ConfigMapGenerator {
		for _, f := range g.Files {
			if key, file, ok := strings.Cut(f, "="); g.Name == name && ok && key == "values.yaml" {
				return filepath.Join(dir, file)
			}
		}
	}
	t.Fatalf("%s: no configMapGenerator %s with values.yaml", dir, name)
	return ""
}

// PodContainer renders the release's chart with its values through the
// Helm SDK and returns the container name of its one Deployment.
func PodContainer(t *testing.T, moduleDir string, r HelmRelease, chartDir, name string) corev1.Container {
	t.Helper()
	m, err := renderChart(moduleDir, chartDir, r.Version, r.ValuesFile, r.Name, r.Namespace)
	if err != nil {
		t.Fatal(err)
	}
	d, err := deployment(m)
	if err != nil {
		t.Fatalf("chart %s: %v", r.Chart, err)
	}
	c, err := container(d.Spec.Template.Spec, name)
	if err != nil {
		t.Fatalf("chart %s Deployment: %v", r.Chart, err)
	}
	return c
}

// always lists the substitutions made whether or not the chart sets the
// variable: the listeners must be on loopback, telemetry and the update check off. The
// others replace only what the chart renders, so a substitution never
// adds configuration (a secret for a provider the environment lacks).
var always = []string{"CODER_HTTP_ADDRESS", "CODER_PROMETHEUS_ADDRESS", "CODER_PPROF_ADDRESS", "CODER_TELEMETRY_ENABLE", "CODER_UPDATE_CHECK"}

// ContainerEnv resolves a container's environment as the kubelet would,
// with subs applied: subs[name] replaces a variable ("" removes it); a
// fieldRef to the pod IP is loopback; any other valueFrom without a
// substitution fails the test, so a new secret reference is noticed.
// $(VAR) references to earlier variables are expanded.
func ContainerEnv(t *testing.T, c corev1.Container, subs map[string]string) map[string]string {
	t.Helper()
	env := map[string]string{}
	for _, e := range c.Env {
		v, sub := subs[e.Name]
		switch {
		case sub:
		case e.ValueFrom != nil && e.ValueFrom.FieldRef != nil && e.ValueFrom.FieldRef.FieldPath == "status.podIP":
			v = "127.0.0.1"
		case e.ValueFrom != nil:
			t.Fatalf("container %s: %s comes from %s and has no test substitution", c.Name, e.Name, describe(e.ValueFrom))
		default:
			v = expand(e.Value, env)
		}
		if v == "" && sub {
			delete(env, e.Name)
			continue
		}
		env[e.Name] = v
	}
	for _, k := range always { // listen addresses and telemetry, set or not
		if v := subs[k]; v != "" {
			env[k] = v
		}
	}
	return env
}

func describe(s *corev1.EnvVarSource) string {
	if s.SecretKeyRef != nil {
		return fmt.Sprintf("secret %s key %s", s.SecretKeyRef.Name, s.SecretKeyRef.Key)
	}
	return s.String()
}

// expand does the kubelet's $(VAR) expansion against earlier variables;
// $$ is a literal $ and unknown references stay as written.
func expand(s string, env map[string]string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '$' || i+1 >= len(s) {
			b.WriteByte(s[i])
			continue
		}
		switch s[i+1] {
		case '$':
			b.WriteByte('$')
			i++
		case '(':
			if end := strings.IndexByte(s[i:], ')'); end > 0 {
				if v, ok := env[s[i+2:i+end]]; ok {
					b.WriteString(v)
					i += end
					continue
				}
			}
			b.WriteByte('$')
		default:
			b.WriteByte('$')
		}
	}
	return b.String()
}

// ContainerArgs is the container's command line without the image's
// binary: the chart runs /opt/coder (the coder binary in the image).
func ContainerArgs(t *testing.T, c corev1.Container) []string {
	t.Helper()
	if len(c.Command) != 1 || c.Command[0] != "/opt/coder" {
		t.Fatalf("container %s command %q, want [/opt/coder] (the image's coder binary)", c.Name, c.Command)
	}
	return c.Args
}

// DeployedVersions lists the coder chart versions the rendered Flux trees
// deploy (rendered/*/flux/coder/releases.yaml), sorted, without repeats.
func DeployedVersions() ([]string, error) {
	files, err := filepath.Glob(filepath.Join(RepoRoot, "rendered", "*", "flux", "coder", "releases.yaml"))
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("no rendered/*/flux/coder/releases.yaml under %s: %v", RepoRoot, err)
	}
	seen := map[string]bool{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		for _, hr := range helmReleases(data) {
			if hr.Spec.Chart.Spec.Chart == "coder" {
				seen[hr.Spec.Chart.Spec.Version] = true
			}
		}
	}
	return slices.Sorted(maps.Keys(seen)), nil
}
