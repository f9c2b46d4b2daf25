//go:build coderd

package coderd

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

const repoRoot = "../.."

// chartEnv is what the coder chart (helm/libcoder/templates/_coder.yaml)
// adds to coder.env on its own.
var chartEnv = map[string]string{
	"CODER_HTTP_ADDRESS":       "0.0.0.0:8080",
	"CODER_PROMETHEUS_ADDRESS": "0.0.0.0:2112",
}

// substitutions are the only changes made to the rendered environment:
// what cannot exist on a test machine. Each maps a variable to the test's
// value; "" removes it. (When coderd moves to IAM database
// authentication, CODER_PG_AUTH=awsiamrds becomes "password" here.)
func substitutions(pgURL, issuer, httpAddr, promAddr string) map[string]string {
	return map[string]string{
		"CODER_PG_CONNECTION_URL":             pgURL,      // the local PostgreSQL, not Aurora
		"CODER_PG_AUTH":                       "password", // no RDS IAM tokens here
		"CODER_OIDC_ISSUER_URL":               issuer,     // a loopback discovery document
		"CODER_OIDC_CLIENT_SECRET":            "test-oidc-secret",
		"CODER_EXTERNAL_AUTH_0_CLIENT_SECRET": "test-external-auth-secret",
		"CODER_HTTP_ADDRESS":                  httpAddr, // loopback, a free port
		"CODER_PROMETHEUS_ADDRESS":            promAddr,
		"CODER_TELEMETRY_ENABLE":              "false", // no egress
	}
}

// renderedEnv reads coder.env from rendered/<env>/helm/coder.values.yaml.
func renderedEnv(t *testing.T, env string) []corev1.EnvVar {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot, "rendered", env, "helm", "coder.values.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Coder struct {
			Env []corev1.EnvVar `json:"env"`
		} `json:"coder"`
	}
	if err := yaml.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	return v.Coder.Env
}

// chartVersion is the coder chart version rendered/<env>/flux deploys.
func chartVersion(t *testing.T, env string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot, "rendered", env, "flux", "coder", "releases.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, doc := range strings.Split(string(data), "\n---") {
		var hr struct {
			Spec struct {
				Chart struct {
					Spec struct{ Chart, Version string } `json:"spec"`
				} `json:"chart"`
			} `json:"spec"`
		}
		if yaml.Unmarshal([]byte(doc), &hr) == nil && hr.Spec.Chart.Spec.Chart == "coder" {
			return hr.Spec.Chart.Spec.Version
		}
	}
	t.Fatal("no coder HelmRelease")
	return ""
}

// fakeIssuer serves an OIDC discovery document, which coderd fetches at
// start; the IdP itself cannot exist here.
func fakeIssuer(t *testing.T) string {
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/.well-known/openid-configuration":
			json.NewEncoder(w).Encode(map[string]any{
				"issuer": srv.URL, "authorization_endpoint": srv.URL + "/auth",
				"token_endpoint": srv.URL + "/token", "jwks_uri": srv.URL + "/jwks",
				"userinfo_endpoint": srv.URL + "/userinfo",
				"id_token_signing_alg_values_supported": []string{"RS256"},
			})
		case "/jwks":
			w.Write([]byte(`{"keys":[]}`))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

type coderd struct {
	url       string // loopback base URL
	accessURL *url.URL
	wildcard  string
}

// startCoderd starts `coder server` with env (name → value).
func startCoderd(t *testing.T, bin string, env map[string]string, httpAddr string) {
	t.Helper()
	home := t.TempDir()
	cmd := exec.Command(bin, "server")
	cmd.Env = []string{"HOME=" + home, "PATH=" + os.Getenv("PATH"),
		"CODER_CACHE_DIRECTORY=" + filepath.Join(home, "cache"), "CODER_CONFIG_DIR=" + filepath.Join(home, "config")}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	log, err := os.Create(filepath.Join(home, "coderd.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			out, _ := os.ReadFile(log.Name())
			t.Logf("coderd log (tail):\n%s", tail(string(out), 60))
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	for {
		resp, err := http.Get("http://" + httpAddr + "/healthz")
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK && strings.TrimSpace(string(body)) == "OK" {
				return
			}
		}
		select {
		case <-ctx.Done():
			t.Fatalf("coderd /healthz not OK within 90s (last error %v)", err)
		case <-time.After(500 * time.Millisecond):
		}
	}
}

func tail(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// get sends a request as the NLB delivers it: plain HTTP to the pod, with
// the Host the user asked for; redirects are not followed.
func get(t *testing.T, addr, host, path string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, "http://"+addr+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = host
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }, Timeout: 30 * time.Second}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

// serverEnv is the rendered environment with the substitutions applied.
func serverEnv(t *testing.T, envName string, subs map[string]string) map[string]string {
	env := map[string]string{}
	for k, v := range chartEnv {
		env[k] = v
	}
	for _, e := range renderedEnv(t, envName) {
		if e.ValueFrom != nil {
			if _, ok := subs[e.Name]; !ok {
				t.Fatalf("%s comes from %v and has no test substitution", e.Name, e.ValueFrom)
			}
		}
		env[e.Name] = e.Value
	}
	for k, v := range subs {
		if v == "" {
			delete(env, k)
			continue
		}
		env[k] = v
	}
	return env
}

// TestCoderdServesRenderedConfig starts the real coderd with each primary
// environment's rendered configuration and sends it requests as the NLB
// would.
func TestCoderdServesRenderedConfig(t *testing.T) {
	for _, envName := range []string{"prod"} {
		t.Run(envName, func(t *testing.T) {
			version := chartVersion(t, envName)
			bin, err := coderBinary(version)
			if err != nil {
				t.Fatal(err)
			}
			run := func(t *testing.T, override map[string]string) (string, map[string]string) {
				pg := startPostgres(t)
				httpAddr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
				subs := substitutions(pg, fakeIssuer(t), httpAddr, fmt.Sprintf("127.0.0.1:%d", freePort(t)))
				env := serverEnv(t, envName, subs)
				for k, v := range override {
					env[k] = v
				}
				startCoderd(t, bin, env, httpAddr)
				return httpAddr, env
			}
			t.Run("rendered", func(t *testing.T) {
				addr, env := run(t, nil)
				access, err := url.Parse(env["CODER_ACCESS_URL"])
				if err != nil {
					t.Fatal(err)
				}
				resp, body := get(t, addr, access.Host, "/api/v2/buildinfo")
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("GET %s/api/v2/buildinfo over plain HTTP: %s (Location %q), want 200", access.Host, resp.Status, resp.Header.Get("Location"))
				}
				var bi struct {
					Version string `json:"version"`
				}
				if err := json.Unmarshal([]byte(body), &bi); err != nil {
					t.Fatal(err)
				}
				if !strings.HasPrefix(bi.Version, "v"+version) {
					t.Errorf("buildinfo version %q, want v%s (the chart's)", bi.Version, version)
				}
				if resp, _ := get(t, addr, access.Host, "/"); resp.StatusCode/100 == 3 && resp.Header.Get("Location") == access.String() {
					t.Errorf("GET / for %s: %s to %s: a redirect loop", access.Host, resp.Status, resp.Header.Get("Location"))
				}
				// A workspace app host under the wildcard URL: the app
				// router answers (no such workspace), not the redirect.
				app := strings.Replace(env["CODER_WILDCARD_ACCESS_URL"], "*", "code--main--ws--alice", 1)
				resp, body = get(t, addr, app, "/")
				if resp.StatusCode/100 == 3 {
					t.Errorf("GET / for app host %s: %s to %q, want the app router", app, resp.Status, resp.Header.Get("Location"))
				}
				t.Logf("app host %s: %s %s", app, resp.Status, tail(body, 3))
			})
			// The same request under the old setting loops: proof that the
			// assertion above can fail.
			t.Run("old redirect setting loops", func(t *testing.T) {
				addr, env := run(t, map[string]string{"CODER_REDIRECT_TO_ACCESS_URL": "true"})
				access, _ := url.Parse(env["CODER_ACCESS_URL"])
				resp, _ := get(t, addr, access.Host, "/api/v2/buildinfo")
				if resp.StatusCode != http.StatusTemporaryRedirect || !strings.HasPrefix(resp.Header.Get("Location"), "https://"+access.Host) {
					t.Errorf("with CODER_REDIRECT_TO_ACCESS_URL=true: %s (Location %q), want 307 to the access URL", resp.Status, resp.Header.Get("Location"))
				}
			})
		})
	}
}
