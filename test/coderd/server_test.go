package coderd

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/coder-eks/coder-eks/test/pgtest"
)

// TestCoderdServesRenderedConfig starts the real coderd with each
// environment's configuration, as the real chart renders it from
// rendered/<env>/helm/coder.values.yaml, and sends it requests as the NLB
// would.
func TestCoderdServesRenderedConfig(t *testing.T) {
	pg := pgtest.Start(t)
	for _, envName := range Environments(t) {
		t.Run(envName, func(t *testing.T) {
			t.Parallel()
			cr := CoderRelease(t, envName, "flux/coder")
			run := func(t *testing.T, db string, override map[string]string) (string, map[string]string) {
				subs, httpAddr := Substitutions(t, pg.CreateDatabase(t, db), FakeIssuer(t))
				env := ContainerEnv(t, cr.Server, subs)
				for k, v := range override {
					env[k] = v
				}
				StartCoderd(t, cr.Bin, cr.Server, env, httpAddr)
				return httpAddr, env
			}
			t.Run("rendered", func(t *testing.T) {
				t.Parallel()
				addr, env := run(t, envName, nil)
				access, err := url.Parse(env["CODER_ACCESS_URL"])
				if err != nil {
					t.Fatal(err)
				}
				resp, body := Get(t, addr, access.Host, "/api/v2/buildinfo")
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
				if resp, _ := Get(t, addr, access.Host, "/"); resp.StatusCode/100 == 3 && strings.HasPrefix(resp.Header.Get("Location"), access.String()) {
					t.Errorf("GET / for %s: %s to %s: a redirect loop", access.Host, resp.Status, resp.Header.Get("Location"))
				}
				// A workspace app host under the wildcard URL: the app
				// router answers (no such workspace), not the redirect.
				app := strings.Replace(env["CODER_WILDCARD_ACCESS_URL"], "*", "code--main--ws--alice", 1)
				resp, body = Get(t, addr, app, "/")
				if resp.StatusCode/100 == 3 {
					t.Errorf("GET / for app host %s: %s to %q, want the app router", app, resp.Status, resp.Header.Get("Location"))
				}
				if !strings.Contains(body, "alice") && !strings.Contains(strings.ToLower(body), "workspace") {
					t.Errorf("GET / for app host %s: %s, not the app router's answer:\n%s", app, resp.Status, Tail(body, 5))
				}
				// The provisioners and workspace proxies of the same
				// environment, against this coderd.
				checkProvisionersAndProxy(t, envName, cr, addr)
			})
			if envName != "prod" {
				return
			}
			// The same request under the old setting loops: proof that the
			// assertion above can fail.
			t.Run("old redirect setting loops", func(t *testing.T) {
				t.Parallel()
				addr, env := run(t, envName+"_old", map[string]string{"CODER_REDIRECT_TO_ACCESS_URL": "true"})
				access, _ := url.Parse(env["CODER_ACCESS_URL"])
				resp, _ := Get(t, addr, access.Host, "/api/v2/buildinfo")
				if resp.StatusCode != http.StatusTemporaryRedirect || !strings.HasPrefix(resp.Header.Get("Location"), "https://"+access.Host) {
					t.Errorf("with CODER_REDIRECT_TO_ACCESS_URL=true: %s (Location %q), want 307 to the access URL", resp.Status, resp.Header.Get("Location"))
				}
			})
		})
	}
}
