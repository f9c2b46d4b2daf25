package pipeline

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// repoRoot is the repository root, seen from this package.
const repoRoot = "../.."

// BenchmarkRenderAll renders every shipped environment, as
// `go run ./generator` does (without writing).
func BenchmarkRenderAll(b *testing.B) {
	names, err := Environments(repoRoot)
	if err != nil {
		b.Fatal(err)
	}
	benchRender(b, repoRoot, names)
}

// BenchmarkRender50 renders 50 synthetic environments: production-sized
// copies of environments/prod.cue with their own CIDR and capacity.
func BenchmarkRender50(b *testing.B) {
	root := syntheticRoot(b, 50)
	names, err := Environments(root)
	if err != nil {
		b.Fatal(err)
	}
	if len(names) != 50 {
		b.Fatalf("%d environments, want 50", len(names))
	}
	benchRender(b, root, names)
}

// BenchmarkRenderDocs renders the reference pages from the schema.
func BenchmarkRenderDocs(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := RenderDocs(repoRoot); err != nil {
			b.Fatal(err)
		}
	}
}

func benchRender(b *testing.B, root string, names []string) {
	b.ReportAllocs()
	var files int
	for b.Loop() {
		sets, err := RenderAll(root, names)
		if err != nil {
			b.Fatal(err)
		}
		files = 0
		for _, fs := range sets {
			files += len(fs)
		}
	}
	b.ReportMetric(float64(len(names)), "envs")
	b.ReportMetric(float64(files), "files")
}

// syntheticRoot copies the schema into a temporary repository root and
// writes n environments (env01 ... envNN) derived from
// environments/prod.cue, each with its own VPC CIDR, capacity and access
// URL.
func syntheticRoot(tb testing.TB, n int) string {
	tb.Helper()
	root := tb.TempDir()
	for _, dir := range []string{"schema", "cue.mod", "toolchains", "bases"} {
		if err := os.CopyFS(filepath.Join(root, dir), os.DirFS(filepath.Join(repoRoot, dir))); err != nil {
			tb.Fatal(err)
		}
	}
	prod, err := os.ReadFile(filepath.Join(repoRoot, "environments", "prod.cue"))
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(root, "environments"), 0o755); err != nil {
		tb.Fatal(err)
	}
	for i := 1; i <= n; i++ {
		// Each its own VPC, capacity and access URL: environments that
		// shared one would be refused (checkShared).
		env := string(prod) + fmt.Sprintf("\nvpc_cidr: \"10.%d.0.0/16\"\nmax_workspaces: %d\ncoder_subdomain: \"coder-env%02d\"\n", i, 500+50*i, i)
		env = strings.Replace(env, `"coder-prod"`, fmt.Sprintf(`"coder-env%02d"`, i), 1)
		file := filepath.Join(root, "environments", fmt.Sprintf("env%02d.cue", i))
		if err := os.WriteFile(file, []byte(env), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	return root
}
