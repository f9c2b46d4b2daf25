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

	"github.com/coder-eks/coder-eks/test/pgtest"
	corev1 "k8s.io/api/core/v1"
)

// substitutions are the only changes made to the environment the chart
// renders: what cannot exist on a test machine. Each maps a variable to
// the test's value; "" removes it.
func substitutions(t *testing.T, pgURL, issuer string) (map[string]string, string) {
	httpAddr := fmt.Sprintf("127.0.0.1:%d", pgtest.FreePort(t))
	return map[string]string{
		"CODER_PG_CONNECTION_URL":             pgURL,      // the local PostgreSQL, not Aurora
		"CODER_PG_AUTH":                       "password", // no RDS IAM tokens here
		"CODER_OIDC_ISSUER_URL":               issuer,     // a loopback discovery document
		"CODER_OIDC_CLIENT_SECRET":            "test-oidc-secret",
		"CODER_EXTERNAL_AUTH_0_CLIENT_SECRET": "test-external-auth-secret",
		"CODER_HTTP_ADDRESS":                  httpAddr, // loopback, free ports
		"CODER_PROMETHEUS_ADDRESS":            fmt.Sprintf("127.0.0.1:%d", pgtest.FreePort(t)),
		"CODER_PPROF_ADDRESS":                 fmt.Sprintf("127.0.0.1:%d", pgtest.FreePort(t)),
		"CODER_TELEMETRY_ENABLE":              "false", // no egress
		"CODER_UPDATE_CHECK":                  "false",
	}, httpAddr
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
				"userinfo_endpoint":                     srv.URL + "/userinfo",
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

// startCoderd runs the container's command line (the image's /opt/coder
// is the built binary) with env (name → value) and waits for /healthz.
func startCoderd(t *testing.T, bin string, c corev1.Container, env map[string]string, httpAddr string) {
	t.Helper()
	home := t.TempDir()
	cmd := exec.Command(bin, containerArgs(t, c)...)
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
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		select {
		case <-exited:
		case <-time.After(20 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
		if t.Failed() {
			out, _ := os.ReadFile(log.Name())
			t.Logf("coderd log (tail):\n%s", tail(string(out), 60))
		}
	})
	waitHealthy(t, httpAddr, exited)
}

// waitHealthy waits for /healthz to answer OK, failing at once when the
// process exits and after healthTimeout otherwise.
func waitHealthy(t *testing.T, httpAddr string, exited chan error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), healthTimeout)
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
		case err := <-exited:
			exited <- err // for the cleanup
			t.Fatalf("coderd exited before /healthz was OK: %v", err)
		case <-ctx.Done():
			t.Fatalf("coderd /healthz not OK within %s (last error %v)", healthTimeout, err)
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// healthTimeout bounds coderd's start (migrations on an empty database
// take most of it): generous for a loaded 2-core machine.
const healthTimeout = 3 * time.Minute

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

// environments lists the shipped environments (environments/*.cue).
func environments(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(repoRoot, "environments", "*.cue"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no environments/*.cue: %v", err)
	}
	var envs []string
	for _, f := range files {
		envs = append(envs, strings.TrimSuffix(filepath.Base(f), ".cue"))
	}
	return envs
}

// coderd is what a test needs of one environment's coder release.
type coderdRelease struct {
	release
	module, bin string
	server      corev1.Container // the coderd container the chart renders
}

func coderRelease(t *testing.T, env, dir string) coderdRelease {
	t.Helper()
	r := renderedRelease(t, env, dir, "coder")
	mod, err := moduleDir(r.Version)
	if err != nil {
		t.Fatal(err)
	}
	bin, err := coderBinary(r.Version)
	if err != nil {
		t.Fatal(err)
	}
	return coderdRelease{release: r, module: mod, bin: bin, server: podContainer(t, mod, r, "coder", "coder")}
}

// TestCoderdServesRenderedConfig starts the real coderd with each
// environment's configuration, as the real chart renders it from
// rendered/<env>/helm/coder.values.yaml, and sends it requests as the NLB
// would.
func TestCoderdServesRenderedConfig(t *testing.T) {
	pg := pgtest.Start(t)
	for _, envName := range environments(t) {
		t.Run(envName, func(t *testing.T) {
			t.Parallel()
			cr := coderRelease(t, envName, "flux/coder")
			run := func(t *testing.T, db string, override map[string]string) (string, map[string]string) {
				subs, httpAddr := substitutions(t, pg.CreateDatabase(t, db), fakeIssuer(t))
				env := containerEnv(t, cr.server, subs)
				for k, v := range override {
					env[k] = v
				}
				startCoderd(t, cr.bin, cr.server, env, httpAddr)
				return httpAddr, env
			}
			t.Run("rendered", func(t *testing.T) {
				addr, env := run(t, envName, nil)
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
				if !strings.HasPrefix(bi.Version, "v"+cr.Version) {
					t.Errorf("buildinfo version %q, want v%s (the chart's)", bi.Version, cr.Version)
				}
				if resp, _ := get(t, addr, access.Host, "/"); resp.StatusCode/100 == 3 && strings.HasPrefix(resp.Header.Get("Location"), access.String()) {
					t.Errorf("GET / for %s: %s to %s: a redirect loop", access.Host, resp.Status, resp.Header.Get("Location"))
				}
				// A workspace app host under the wildcard URL: the app
				// router answers (no such workspace), not the redirect.
				app := strings.Replace(env["CODER_WILDCARD_ACCESS_URL"], "*", "code--main--ws--alice", 1)
				resp, body = get(t, addr, app, "/")
				if resp.StatusCode/100 == 3 {
					t.Errorf("GET / for app host %s: %s to %q, want the app router", app, resp.Status, resp.Header.Get("Location"))
				}
				if !strings.Contains(body, "alice") && !strings.Contains(strings.ToLower(body), "workspace") {
					t.Errorf("GET / for app host %s: %s, not the app router's answer:\n%s", app, resp.Status, tail(body, 5))
				}
			})
			if envName != "prod" {
				return
			}
			// The same request under the old setting loops: proof that the
			// assertion above can fail.
			t.Run("old redirect setting loops", func(t *testing.T) {
				addr, env := run(t, envName+"_old", map[string]string{"CODER_REDIRECT_TO_ACCESS_URL": "true"})
				access, _ := url.Parse(env["CODER_ACCESS_URL"])
				resp, _ := get(t, addr, access.Host, "/api/v2/buildinfo")
				if resp.StatusCode != http.StatusTemporaryRedirect || !strings.HasPrefix(resp.Header.Get("Location"), "https://"+access.Host) {
					t.Errorf("with CODER_REDIRECT_TO_ACCESS_URL=true: %s (Location %q), want 307 to the access URL", resp.Status, resp.Header.Get("Location"))
				}
			})
		})
	}
}
