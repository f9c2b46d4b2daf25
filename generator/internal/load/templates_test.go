package load

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/coder-eks/coder-eks/generator/internal/config"
)

const repoRoot = "../../.."

// scratchRepo copies the CUE inputs into a temporary root.
func scratchRepo(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	for _, dir := range []string{"cue.mod", "schema", ToolchainsDir, BasesDir, EnvironmentsDir} {
		err := filepath.WalkDir(filepath.Join(repoRoot, dir), func(p string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(repoRoot, p)
			if d.IsDir() {
				return os.MkdirAll(filepath.Join(root, rel), 0o755)
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(root, rel), data, 0o644)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// TestBrokenLayer: a layer is checked on its own, and its errors point
// into its own file, whatever pairs it.
func TestBrokenLayer(t *testing.T) {
	tests := []struct {
		name, file, old, new, want string
	}{
		{"missing field", "toolchains/swdev.cue", "\tos_family:    \"linux\"\n", "", "toolchains/swdev.cue"},
		{"capability value of the wrong type", "bases/k8s.cue", `values: ["none", "https-only", "unrestricted"]`, `values: ["none", "https-only", "everything"]`, "bases/k8s.cue:"},
		{"a base forgetting a capability", "bases/ec2_gpu.cue", "\t\t\"gui-rdp\": {\n\t\t\tvalues: [false]\n\t\t\thow:    \"RDP is a Windows desktop\"\n\t\t}\n", "", `bases."base-ec2-gpu".capabilities."gui-rdp"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			root := scratchRepo(t)
			path := filepath.Join(root, tc.file)
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(data), tc.old) {
				t.Fatalf("%s does not contain %q", tc.file, tc.old)
			}
			if err := os.WriteFile(path, []byte(strings.Replace(string(data), tc.old, tc.new, 1)), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err = Load(root, "prod")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Load error = %v, want it to mention %q", err, tc.want)
			}
		})
	}
}

func TestCompose(t *testing.T) {
	env, err := Load(repoRoot, "prod")
	if err != nil {
		t.Fatal(err)
	}
	t.Run("default pairings compose cleanly", func(t *testing.T) {
		for name, p := range env.Config.TemplatePairings {
			c, err := env.Layers.Compose(name, p)
			if err != nil || len(c.Violations) > 0 {
				t.Errorf("%s: err %v, violations %+v", name, err, c.Violations)
			}
		}
	})
	t.Run("unknown layer", func(t *testing.T) {
		_, err := env.Layers.Compose("x1", config.Pairing{Toolchain: "swdev-toolchain", Base: "base-mainframe"})
		var unknown *UnknownLayerError
		if !errors.As(err, &unknown) || unknown.Layer != "base" {
			t.Fatalf("err = %v, want an unknown base", err)
		}
	})
	t.Run("capabilities resolve defaults, then required, then the pairing", func(t *testing.T) {
		c, err := env.Layers.Compose("x1", config.Pairing{
			Toolchain: "datasci-toolchain", Base: "base-ec2-gpu", DisplayName: "x", Description: "y",
			Capabilities:   map[string]any{"gpu-support": true, "artifact-cache": true},
			ComputeProfile: map[string]int{"gpu": 1},
		})
		if err != nil {
			t.Fatal(err)
		}
		want := config.Capabilities{
			PersistentHome: true, NetworkEgress: "https-only", IdentityMode: "iam", GPUSupport: true,
			ArtifactCache: true, SecretsInjection: "variables",
		}
		if c.Capabilities != want {
			t.Errorf("capabilities = %+v, want %+v", c.Capabilities, want)
		}
		if c.OS != "amazon-linux-2023" || c.ComputeProfile.CPU != 16 || c.ComputeProfile.GPU != 1 {
			t.Errorf("os %s, profile %+v", c.OS, c.ComputeProfile)
		}
	})
}
