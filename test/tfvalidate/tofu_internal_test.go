package tfvalidate

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFindTerraformBuildsOpenTofu: with no terraform or tofu on PATH and
// no TF_BINARY, the harness builds OpenTofu instead of failing (#14 item
// 15); a failed build says how to get a CLI by hand.
func TestFindTerraformBuildsOpenTofu(t *testing.T) {
	onPath := func(names ...string) func(string) (string, error) {
		return func(name string) (string, error) {
			for _, n := range names {
				if n == name {
					return "/bin/" + name, nil
				}
			}
			return "", errors.New("not found")
		}
	}
	built := func() (string, error) { return "/cache/tofu", nil }
	tests := []struct {
		name, tfBinary string
		path           []string
		want           string
	}{
		{"TF_BINARY first", "my-tf", []string{"my-tf", "terraform", "tofu"}, "/bin/my-tf"},
		{"terraform before tofu", "", []string{"terraform", "tofu"}, "/bin/terraform"},
		{"tofu on PATH", "", []string{"tofu"}, "/bin/tofu"},
		{"neither: build OpenTofu", "", nil, "/cache/tofu"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("TF_BINARY", tc.tfBinary)
			got, err := findTerraform(onPath(tc.path...), built)
			if err != nil || got != tc.want {
				t.Errorf("findTerraform() = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
	t.Run("build fails: says how to get one", func(t *testing.T) {
		t.Setenv("TF_BINARY", "")
		_, err := findTerraform(onPath(), func() (string, error) { return "", errors.New("no module proxy") })
		if err == nil {
			t.Fatal("findTerraform() succeeded with no CLI and a failing build")
		}
		for _, want := range []string{"no module proxy", "developer.hashicorp.com/terraform/install", "go mod download -json github.com/opentofu/opentofu@" + OpenTofuVersion, "./cmd/tofu"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error does not mention %q:\n%v", want, err)
			}
		}
	})
}

// TestBuildOpenTofuUsesCache: a binary already in the cache is used as it
// is; with no go command on PATH any attempt to build would fail.
func TestBuildOpenTofuUsesCache(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("CODER_EKS_CACHE", cache)
	t.Setenv("PATH", t.TempDir())
	bin := filepath.Join(cache, "opentofu", OpenTofuVersion, "tofu")
	if err := os.MkdirAll(filepath.Dir(bin), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	got, err := BuildOpenTofu()
	if err != nil || got != bin {
		t.Errorf("BuildOpenTofu() = %q, %v; want the cached %q", got, err, bin)
	}
}

// TestBuildOpenTofuReportsBuildFailure: an empty cache and no go command
// is an error naming the step, not a panic or a half-written binary.
func TestBuildOpenTofuReportsBuildFailure(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("CODER_EKS_CACHE", cache)
	t.Setenv("PATH", t.TempDir())
	_, err := BuildOpenTofu()
	if err == nil || !strings.Contains(err.Error(), "go mod download "+openTofuModule+"@"+OpenTofuVersion) {
		t.Errorf("BuildOpenTofu() with no go command = %v; want the failed download named", err)
	}
	if _, statErr := os.Stat(filepath.Join(cache, "opentofu", OpenTofuVersion, "tofu")); statErr == nil {
		t.Error("a binary was left in the cache after a failed build")
	}
}
