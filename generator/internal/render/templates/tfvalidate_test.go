package templates

import (
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/coder-eks/coder-eks/generator/internal/config"
	model "github.com/coder-eks/coder-eks/generator/internal/model/templates"
	"github.com/coder-eks/coder-eks/test/tfvalidate"
)

func TestMain(m *testing.M) { tfvalidate.Main(m) }

// drawnPerBase is how many drawn pairings of each base go through
// terraform validate; each costs a Terraform run, so few, on fixed seeds.
const drawnPerBase = 2

// TestDrawnTemplatesPassTerraformValidate renders pairings drawn by the
// property test's generator, kept when the contract accepts them, and runs
// the real terraform validate on each (the coder provider is the real one).
func TestDrawnTemplatesPassTerraformValidate(t *testing.T) {
	env := prodEnv(t)
	h := tfvalidate.Setup(t)
	for _, base := range slices.Sorted(maps.Keys(env.Layers.Bases)) {
		accepted := pairingGen(env).Filter(func(p config.Pairing) bool {
			if p.Base != base {
				return false
			}
			c, err := env.Layers.Compose("drawn", p)
			return err == nil && len(c.Violations) == 0
		})
		for seed := range drawnPerBase {
			validateDrawn(t, h, accepted.Example(seed))
		}
	}
}

func validateDrawn(t *testing.T, h *tfvalidate.Harness, p config.Pairing) {
	t.Helper()
	env := prodEnv(t)
	c, err := env.Layers.Compose("drawn", p)
	if err != nil {
		t.Fatal(err)
	}
	main, err := Main(model.BuildOne(env, c))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.tf.json"), main, 0o644); err != nil {
		t.Fatal(err)
	}
	diags, err := h.Validate(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(diags) > 0 {
		var lines []string
		for _, d := range diags {
			lines = append(lines, d.String())
		}
		t.Errorf("%+v: terraform validate:\n%s", p, strings.Join(lines, "\n"))
	}
}
