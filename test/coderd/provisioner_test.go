package coderd

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coder-eks/coder-eks/test/pgtest"
)

// testKey has the shape of a provisioner key (43 characters, which the
// CLI checks before it asks the server) but is not one.
var testKey = strings.Repeat("k", 43)

// keyRefused is the server's answer to a well-formed key it does not know.
const keyRefused = "provisioner daemon key invalid"

// reachesKeyCheck reports whether the command line and env get as far as
// the server looking the key up (flags, env and URL accepted).
func reachesKeyCheck(t *testing.T, bin string, args []string, env map[string]string) bool {
	t.Helper()
	out, ok := RunUntil(t, bin, args, env, time.Minute, keyRefused)
	if !ok || strings.Contains(out, "must be 43 characters") {
		t.Errorf("%v with the rendered env did not reach the server's key check:\n%s", args, Tail(out, 20))
		return false
	}
	return true
}

// checkProvisionersAndProxy renders the provisioner chart (and,
// for a secondary region, the coder chart in workspace-proxy mode) from
// each environment's tree, runs the container's command line with the
// real binary against a coderd started from the same environment, and
// asserts it gets past its own configuration to the server's answer. A
// full connection needs a Premium licence (external provisioners and
// workspace proxies are Premium features): the server's refusal is where
// the test stops, and it is asserted, so a command line or environment
// the binary rejects fails here. httpAddr is the environment's running
// coderd.
func checkProvisionersAndProxy(t *testing.T, envName string, cr Release, httpAddr string) {
	t.Helper()
	for _, dir := range ProvisionerReleases(t, envName) {
		r := RenderedRelease(t, envName, dir, "coder-provisioner")
		c := PodContainer(t, cr.Module, r, "provisioner", "coder")
		env := ContainerEnv(t, c, map[string]string{
			"CODER_URL":                    "http://" + httpAddr,
			"CODER_PROVISIONER_DAEMON_KEY": testKey,
			"CODER_PROMETHEUS_ADDRESS":     fmt.Sprintf("127.0.0.1:%d", pgtest.FreePort(t)),
		})
		// The server looked the key up and refused it: flags, env
		// and URL were accepted.
		if !reachesKeyCheck(t, cr.Bin, ContainerArgs(t, c), env) {
			continue
		}
		// Proof the check can fail: a flag the binary does not know.
		if dir == "flux/provisioners" && envName == "prod" {
			if out, ok := RunUntil(t, cr.Bin, append(ContainerArgs(t, c), "--no-such-flag"), env, time.Minute, keyRefused); ok {
				t.Errorf("an unknown flag still reached the key check:\n%s", Tail(out, 10))
			}
		}
	}
	proxies, _ := filepath.Glob(filepath.Join(RepoRoot, "rendered", envName, "regions", "*", "flux", "proxy"))
	for _, p := range proxies {
		dir, _ := filepath.Rel(filepath.Join(RepoRoot, "rendered", envName), p)
		r := RenderedRelease(t, envName, filepath.ToSlash(dir), "coder")
		c := PodContainer(t, cr.Module, r, "coder", "coder")
		psubs, _ := Substitutions(t, "", "")
		psubs["CODER_PRIMARY_ACCESS_URL"] = "http://" + httpAddr
		psubs["CODER_PROXY_SESSION_TOKEN"] = "test-proxy-token"
		env := ContainerEnv(t, c, psubs)
		if out, ok := RunUntil(t, cr.Bin, ContainerArgs(t, c), env, time.Minute, "Workspace Proxy is a Premium feature"); !ok {
			t.Errorf("%s: %v with the rendered env did not reach the primary's registration:\n%s", dir, ContainerArgs(t, c), Tail(out, 20))
		}
	}
}
