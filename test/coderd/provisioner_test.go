package coderd

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coder-eks/coder-eks/test/pgtest"
)

// provisionerReleases lists the rendered provisioner releases of env: the
// primary's and each secondary region's, by Flux directory.
func provisionerReleases(t *testing.T, env string) []string {
	t.Helper()
	dirs := []string{"flux/provisioners"}
	regions, _ := filepath.Glob(filepath.Join(repoRoot, "rendered", env, "regions", "*", "flux", "provisioners"))
	for _, r := range regions {
		rel, err := filepath.Rel(filepath.Join(repoRoot, "rendered", env), r)
		if err != nil {
			t.Fatal(err)
		}
		dirs = append(dirs, filepath.ToSlash(rel))
	}
	return dirs
}

// runUntil runs bin with args and env until its output contains one of
// want or it exits or timeout passes, and returns the output.
func runUntil(t *testing.T, bin string, args []string, env map[string]string, timeout time.Duration, want ...string) (string, bool) {
	t.Helper()
	home := t.TempDir()
	out := filepath.Join(home, "out.log")
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cmd := exec.Command(bin, args...)
	cmd.Env = []string{"HOME=" + home, "PATH=" + os.Getenv("PATH")}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		cmd.Process.Kill()
		<-exited
	}()
	deadline := time.After(timeout)
	for {
		data, _ := os.ReadFile(out)
		for _, w := range want {
			if strings.Contains(string(data), w) {
				return string(data), true
			}
		}
		select {
		case err := <-exited:
			exited <- err
			data, _ := os.ReadFile(out)
			for _, w := range want {
				if strings.Contains(string(data), w) {
					return string(data), true
				}
			}
			return string(data) + fmt.Sprintf("\n(exited: %v)", err), false
		case <-deadline:
			return string(data), false
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// testKey has the shape of a provisioner key (43 characters, which the
// CLI checks before it asks the server) but is not one.
var testKey = strings.Repeat("k", 43)

// keyRefused is the server's answer to a well-formed key it does not know.
const keyRefused = "provisioner daemon key invalid"

// reachesKeyCheck reports whether the command line and env get as far as
// the server looking the key up (flags, env and URL accepted).
func reachesKeyCheck(t *testing.T, bin string, args []string, env map[string]string) bool {
	t.Helper()
	out, ok := runUntil(t, bin, args, env, time.Minute, keyRefused)
	if !ok || strings.Contains(out, "must be 43 characters") {
		t.Errorf("%v with the rendered env did not reach the server's key check:\n%s", args, tail(out, 20))
		return false
	}
	return true
}

// TestProvisionersAndProxyReachServer renders the provisioner chart (and,
// for a secondary region, the coder chart in workspace-proxy mode) from
// each environment's tree, runs the container's command line with the
// real binary against a coderd started from the same environment, and
// asserts it gets past its own configuration to the server's answer. A
// full connection needs a Premium licence (external provisioners and
// workspace proxies are Premium features): the server's refusal is where
// the test stops, and it is asserted, so a command line or environment
// the binary rejects fails here.
func TestProvisionersAndProxyReachServer(t *testing.T) {
	pg := pgtest.Start(t)
	for _, envName := range environments(t) {
		t.Run(envName, func(t *testing.T) {
			t.Parallel()
			cr := coderRelease(t, envName, "flux/coder")
			subs, httpAddr := substitutions(t, pg.CreateDatabase(t, envName), fakeIssuer(t))
			startCoderd(t, cr.bin, cr.server, containerEnv(t, cr.server, subs), httpAddr)
			for _, dir := range provisionerReleases(t, envName) {
				r := renderedRelease(t, envName, dir, "coder-provisioner")
				c := podContainer(t, cr.module, r, "provisioner", "coder")
				env := containerEnv(t, c, map[string]string{
					"CODER_URL":                    "http://" + httpAddr,
					"CODER_PROVISIONER_DAEMON_KEY": testKey,
					"CODER_PROMETHEUS_ADDRESS":     fmt.Sprintf("127.0.0.1:%d", pgtest.FreePort(t)),
				})
				// The server looked the key up and refused it: flags, env
				// and URL were accepted.
				if !reachesKeyCheck(t, cr.bin, containerArgs(t, c), env) {
					continue
				}
				// Proof the check can fail: a flag the binary does not know.
				if dir == "flux/provisioners" && envName == "prod" {
					if out, ok := runUntil(t, cr.bin, append(containerArgs(t, c), "--no-such-flag"), env, time.Minute, keyRefused); ok {
						t.Errorf("an unknown flag still reached the key check:\n%s", tail(out, 10))
					}
				}
			}
			proxies, _ := filepath.Glob(filepath.Join(repoRoot, "rendered", envName, "regions", "*", "flux", "proxy"))
			for _, p := range proxies {
				dir, _ := filepath.Rel(filepath.Join(repoRoot, "rendered", envName), p)
				r := renderedRelease(t, envName, filepath.ToSlash(dir), "coder")
				c := podContainer(t, cr.module, r, "coder", "coder")
				psubs, _ := substitutions(t, "", "")
				psubs["CODER_PRIMARY_ACCESS_URL"] = "http://" + httpAddr
				psubs["CODER_PROXY_SESSION_TOKEN"] = "test-proxy-token"
				env := containerEnv(t, c, psubs)
				if out, ok := runUntil(t, cr.bin, containerArgs(t, c), env, time.Minute, "Workspace Proxy is a Premium feature"); !ok {
					t.Errorf("%s: %v with the rendered env did not reach the primary's registration:\n%s", dir, containerArgs(t, c), tail(out, 20))
				}
			}
		})
	}
}
