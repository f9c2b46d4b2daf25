package coderd

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coder-eks/coder-eks/test/pgtest"
	corev1 "k8s.io/api/core/v1"
)

// Substitutions are the only changes made to the environment the chart
// renders: what cannot exist on a test machine. Each maps a variable to
// the test's value; "" removes it.
func Substitutions(t *testing.T, pgURL, issuer string) (map[string]string, string) {
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

// FakeIssuer serves an OIDC discovery document, which coderd fetches at
// start; the IdP itself cannot exist here.
func FakeIssuer(t *testing.T) string {
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

// StartCoderd runs the container's command line (the image's /opt/coder
// is the built binary) with env (name → value) and waits for /healthz.
func StartCoderd(t *testing.T, bin string, c corev1.Container, env map[string]string, httpAddr string) {
	t.Helper()
	home := t.TempDir()
	cmd := exec.Command(bin, ContainerArgs(t, c)...)
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
			t.Logf("coderd log (tail, without INFO and DEBUG lines):\n%s", Tail(notable(string(out)), 40))
		}
	})
	waitHealthy(t, httpAddr, exited)
}

// notable drops coderd's INFO and DEBUG JSON log lines, which bury the
// warning or error a failed test needs.
func notable(log string) string {
	var keep []string
	for _, l := range strings.Split(log, "\n") {
		if strings.Contains(l, `"level":"INFO"`) || strings.Contains(l, `"level":"DEBUG"`) {
			continue
		}
		keep = append(keep, l)
	}
	return strings.Join(keep, "\n")
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

func Tail(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// Get sends a request as the NLB delivers it: plain HTTP to the pod, with
// the Host the user asked for; redirects are not followed.
func Get(t *testing.T, addr, host, path string) (*http.Response, string) {
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

// Environments lists the shipped environments (environments/*.cue).
func Environments(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(RepoRoot, "environments", "*.cue"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no environments/*.cue: %v", err)
	}
	var envs []string
	for _, f := range files {
		envs = append(envs, strings.TrimSuffix(filepath.Base(f), ".cue"))
	}
	return envs
}

// Release is what a test needs of one environment's coder release.
type Release struct {
	HelmRelease
	Module, Bin string           // the coder module's directory and the built binary
	Server      corev1.Container // the coderd container the chart renders
}

func CoderRelease(t *testing.T, env, dir string) Release {
	t.Helper()
	r := RenderedRelease(t, env, dir, "coder")
	mod, err := ModuleDir(r.Version)
	if err != nil {
		t.Fatal(err)
	}
	bin, err := CoderBinary(r.Version)
	if err != nil {
		t.Fatal(err)
	}
	return Release{HelmRelease: r, Module: mod, Bin: bin, Server: PodContainer(t, mod, r, "coder", "coder")}
}
