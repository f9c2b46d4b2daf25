package coderd

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// ProvisionerReleases lists the rendered provisioner releases of env: the
// primary's and each secondary region's, by Flux directory.
func ProvisionerReleases(t *testing.T, env string) []string {
	t.Helper()
	dirs := []string{"flux/provisioners"}
	regions, _ := filepath.Glob(filepath.Join(RepoRoot, "rendered", env, "regions", "*", "flux", "provisioners"))
	for _, r := range regions {
		rel, err := filepath.Rel(filepath.Join(RepoRoot, "rendered", env), r)
		if err != nil {
			t.Fatal(err)
		}
		dirs = append(dirs, filepath.ToSlash(rel))
	}
	return dirs
}

// RunUntil runs bin with args and env until its output contains one of
// want or it exits or timeout passes, and returns the output.
func RunUntil(t *testing.T, bin string, args []string, env map[string]string, timeout time.Duration, want ...string) (string, bool) {
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
