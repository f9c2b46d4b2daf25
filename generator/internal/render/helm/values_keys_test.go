package helm_test

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/coder-eks/coder-eks/generator/internal/layout"
	model "github.com/coder-eks/coder-eks/generator/internal/model/helm"
	"github.com/coder-eks/coder-eks/generator/pipeline"
	"github.com/coder-eks/coder-eks/generator/pipeline/pipelinetest"
)

const repoRoot = "../../../.."

// chartValues are the charts' default values files, by release; the
// version is the environment's coder_version. They are helm/coder and
// helm/provisioner values.yaml of github.com/coder/coder/v2 at that
// version (2.36.1 copied from the module; 2.18.0 from the published
// charts): every key a values file may set.
var chartValues = map[string]string{
	model.ReleaseCoder:       "testdata/charts/coder-%s.values.yaml",
	model.ReleaseProvisioner: "testdata/charts/coder-provisioner-%s.values.yaml",
}

// unchecked are releases whose chart's values file is not in the
// repository; their values are kept to a few well-known keys (service
// account, IRSA annotation, placement) and are not checked here.
var unchecked = map[string]bool{
	model.ReleaseLBController:    true,
	model.ReleaseAutoscaler:      true,
	model.ReleaseExternalSecrets: true,
	model.ReleaseFluentBit:       true,
	model.ReleaseTofuController:  true,
}

// unknownKeys lists the keys of values that the chart's defaults do not
// have. A chart default that is an empty map, a list, null or a scalar is
// free-form below it (env lists, annotations, resources, affinity); a
// non-empty map is walked key by key.
func unknownKeys(chart, values map[string]any, prefix string) []string {
	var out []string
	for k, v := range values {
		path := prefix + k
		def, ok := chart[k]
		if !ok {
			out = append(out, path)
			continue
		}
		defMap, isMap := def.(map[string]any)
		valMap, valIsMap := v.(map[string]any)
		if isMap && len(defMap) > 0 && valIsMap {
			out = append(out, unknownKeys(defMap, valMap, path+".")...)
		}
	}
	sort.Strings(out)
	return out
}

func TestUnknownKeys(t *testing.T) {
	chart := map[string]any{
		"coder": map[string]any{
			"env":            []any{},
			"resources":      map[string]any{},
			"service":        map[string]any{"enable": true, "type": "LoadBalancer"},
			"topologySpread": nil,
		},
	}
	tests := []struct {
		name   string
		values map[string]any
		want   []string
	}{
		{"known keys", map[string]any{"coder": map[string]any{"env": []any{1}, "service": map[string]any{"enable": false}}}, nil},
		{"free-form below an empty map", map[string]any{"coder": map[string]any{"resources": map[string]any{"limits": 1}}}, nil},
		{"free-form below null", map[string]any{"coder": map[string]any{"topologySpread": []any{1}}}, nil},
		{"unknown top level", map[string]any{"coderd": 1}, []string{"coderd"}},
		{"unknown nested", map[string]any{"coder": map[string]any{"service": map[string]any{"enabled": false}, "replicas": 2}},
			[]string{"coder.replicas", "coder.service.enabled"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, unknownKeys(chart, tt.values, "")); diff != "" {
				t.Errorf("unknownKeys (-want +got):\n%s", diff)
			}
		})
	}
}

func readYAML(t *testing.T, data []byte, what string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := yaml.Unmarshal(data, &m); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return m
}

// TestValuesKeys fails if a rendered values file uses a key its chart does
// not have, and if a release is neither checked nor listed as unchecked.
func TestValuesKeys(t *testing.T) {
	pipelinetest.EachShipped(t, repoRoot, func(t *testing.T, env string, fs pipeline.FileSet) {
		charts := map[string]map[string]any{}
		version := coderVersion(t, fs)
		for release, pattern := range chartValues {
			file := fmt.Sprintf(pattern, version)
			data, err := os.ReadFile(filepath.FromSlash(file))
			if err != nil {
				t.Fatalf("coder_version %s: no chart values to check against (copy helm/*/values.yaml of github.com/coder/coder/v2@v%s): %v", version, version, err)
			}
			charts[release] = readYAML(t, data, file)
		}
		seen := map[string]int{} // values files per cluster root
		for p, data := range fs {
			root, file, ok := valuesFile(p)
			if !ok {
				continue
			}
			release := strings.TrimSuffix(file, ".values.yaml")
			seen[root]++
			chart, checked := charts[release]
			if !checked {
				if !unchecked[release] {
					t.Errorf("%s: release %q has no chart values file to check against and is not listed as unchecked", p, release)
				}
				continue
			}
			if bad := unknownKeys(chart, readYAML(t, data, p), ""); len(bad) > 0 {
				t.Errorf("%s: keys the %s chart does not have: %s", p, release, strings.Join(bad, ", "))
			}
		}
		if seen[""] != len(chartValues)+len(unchecked) {
			t.Errorf("rendered %d values files, want %d", seen[""], len(chartValues)+len(unchecked))
		}
		// A secondary cluster: the controllers but tofu-controller, the
		// coder chart in proxy mode and the region's provisioners.
		for root, n := range seen {
			if want := len(unchecked) - 1 /* tofu-controller */ + 2; /* coder, coder-provisioner */ root != "" && n != want {
				t.Errorf("%s: rendered %d values files, want %d", root, n, want)
			}
		}
		if want := len(wantRegions[env]); len(seen)-1 != want {
			t.Errorf("values of %d secondary clusters, want %d", len(seen)-1, want)
		}
	})
}

// wantRegions are the shipped environments' secondary regions.
var wantRegions = map[string][]string{"multiregion": {"eu-west-1"}}

// valuesFile splits a values file's path into its cluster's root ("" for
// the primary, regions/<region> for a secondary) and file name.
func valuesFile(p string) (root, file string, ok bool) {
	dir, file := path.Split(p)
	dir = strings.TrimSuffix(dir, "/")
	if !strings.HasSuffix(file, ".values.yaml") || path.Base(dir) != layout.Helm {
		return "", "", false
	}
	return strings.TrimSuffix(strings.TrimSuffix(dir, layout.Helm), "/"), file, true
}

// TestProxyValues: a secondary cluster's coder release is a workspace
// proxy of the primary, with its token from a Secret.
func TestProxyValues(t *testing.T) {
	fs, err := pipeline.Render(repoRoot, "multiregion")
	if err != nil {
		t.Fatal(err)
	}
	var values struct {
		Coder struct {
			WorkspaceProxy bool            `json:"workspaceProxy"`
			ReplicaCount   int             `json:"replicaCount"`
			Env            []corev1.EnvVar `json:"env"`
		} `json:"coder"`
	}
	if err := yaml.Unmarshal(fs[layout.ValuesFile(layout.RegionRoot("eu-west-1"), model.ReleaseCoder)], &values); err != nil {
		t.Fatal(err)
	}
	env := map[string]corev1.EnvVar{}
	for _, e := range values.Coder.Env {
		env[e.Name] = e
	}
	if !values.Coder.WorkspaceProxy || values.Coder.ReplicaCount != 3 {
		t.Errorf("workspaceProxy %t, replicaCount %d; want true, 3", values.Coder.WorkspaceProxy, values.Coder.ReplicaCount)
	}
	if got := env["CODER_PRIMARY_ACCESS_URL"].Value; got != "https://dev.example.com" {
		t.Errorf("CODER_PRIMARY_ACCESS_URL = %q", got)
	}
	if got := env["CODER_ACCESS_URL"].Value; got != "https://eu-west-1.dev.example.com" {
		t.Errorf("CODER_ACCESS_URL = %q", got)
	}
	if tok := env["CODER_PROXY_SESSION_TOKEN"]; tok.Value != "" || tok.ValueFrom == nil || tok.ValueFrom.SecretKeyRef == nil {
		t.Errorf("CODER_PROXY_SESSION_TOKEN = %+v, want a secretKeyRef", tok)
	}
	if _, ok := env["CODER_PG_CONNECTION_URL"]; ok {
		t.Error("a workspace proxy must not connect to the database")
	}
}

// chartOwnedEnv are variables the coder chart sets itself and documents
// as not overridable; setting them again would give the pod two values.
var chartOwnedEnv = []string{
	"CODER_HTTP_ADDRESS", "CODER_TLS_ADDRESS", "CODER_TLS_ENABLE", "CODER_TLS_CERT_FILE",
	"CODER_TLS_KEY_FILE", "CODER_PROMETHEUS_ADDRESS", "KUBE_POD_IP", "CODER_DERP_SERVER_RELAY_URL",
}

// TestCoderEnv checks coderd's environment: no chart-owned variable, no
// duplicate, and secrets only by reference.
func TestCoderEnv(t *testing.T) {
	pipelinetest.EachShipped(t, repoRoot, func(t *testing.T, _ string, fs pipeline.FileSet) {
		var values struct {
			Coder struct {
				Env []corev1.EnvVar `json:"env"`
			} `json:"coder"`
		}
		if err := yaml.Unmarshal(fs[layout.ValuesFile("", model.ReleaseCoder)], &values); err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, e := range values.Coder.Env {
			if seen[e.Name] {
				t.Errorf("%s set twice", e.Name)
			}
			seen[e.Name] = true
			for _, owned := range chartOwnedEnv {
				if e.Name == owned {
					t.Errorf("%s is set by the chart and cannot be overridden", e.Name)
				}
			}
			secret := strings.Contains(e.Name, "SECRET") || strings.Contains(e.Name, "PG_CONNECTION")
			if secret && (e.Value != "" || e.ValueFrom == nil || e.ValueFrom.SecretKeyRef == nil) {
				t.Errorf("%s must come from a Secret, not a literal value", e.Name)
			}
		}
		for _, want := range []string{"CODER_ACCESS_URL", "CODER_WILDCARD_ACCESS_URL", "CODER_PG_CONNECTION_URL",
			"CODER_OIDC_CLIENT_SECRET", "CODER_PROVISIONER_DAEMONS", "CODER_DERP_SERVER_STUN_ADDRESSES"} {
			if !seen[want] {
				t.Errorf("%s is not set", want)
			}
		}
	})
}

// coderVersion is the coder chart version the environment's Flux
// HelmRelease deploys.
func coderVersion(t *testing.T, fs map[string][]byte) string {
	t.Helper()
	for p, data := range fs {
		if !strings.HasSuffix(p, "flux/coder/releases.yaml") || strings.HasPrefix(p, "regions/") {
			continue
		}
		for _, doc := range strings.Split(string(data), "\n---") {
			var hr struct {
				Spec struct {
					Chart struct {
						Spec struct {
							Chart   string `json:"chart"`
							Version string `json:"version"`
						} `json:"spec"`
					} `json:"chart"`
				} `json:"spec"`
			}
			if err := yaml.Unmarshal([]byte(doc), &hr); err == nil && hr.Spec.Chart.Spec.Chart == "coder" {
				return hr.Spec.Chart.Spec.Version
			}
		}
	}
	t.Fatal("no HelmRelease of the coder chart in flux/coder/releases.yaml")
	return ""
}

// TestNoRedirectLoopBehindNLB: TLS ends at the NLB, coderd serves plain
// HTTP (no coder.tls.secretNames). coder's redirectToAccessURL
// (cli/server.go of github.com/coder/coder/v2, v2.18.0 to v2.36.1)
// redirects every request but /healthz and DERP to the access URL when
// that URL is https and r.TLS is nil: with CODER_REDIRECT_TO_ACCESS_URL
// on, every user request would loop on a 307 to itself.
func TestNoRedirectLoopBehindNLB(t *testing.T) {
	pipelinetest.EachShipped(t, repoRoot, func(t *testing.T, _ string, fs pipeline.FileSet) {
		var values struct {
			Coder struct {
				Env []corev1.EnvVar `json:"env"`
				TLS struct {
					SecretNames []string `json:"secretNames"`
				} `json:"tls"`
			} `json:"coder"`
		}
		if err := yaml.Unmarshal(fs[layout.ValuesFile("", model.ReleaseCoder)], &values); err != nil {
			t.Fatal(err)
		}
		env := map[string]string{}
		for _, e := range values.Coder.Env {
			env[e.Name] = e.Value
		}
		if !strings.HasPrefix(env["CODER_ACCESS_URL"], "https://") || len(values.Coder.TLS.SecretNames) > 0 {
			t.Fatalf("want an https access URL served by coderd over plain HTTP; got %q, tls %v", env["CODER_ACCESS_URL"], values.Coder.TLS.SecretNames)
		}
		if v := env["CODER_REDIRECT_TO_ACCESS_URL"]; v == "true" {
			t.Errorf("CODER_REDIRECT_TO_ACCESS_URL=%s with access URL %s and TLS ended at the NLB: coderd answers every request with a 307 to itself", v, env["CODER_ACCESS_URL"])
		}
	})
}
