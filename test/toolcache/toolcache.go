// Package toolcache is where the tests keep the programs they build from
// the Go module proxy (coderd, Trivy, OpenTofu) between runs, by name and
// version, so that a second run does not rebuild them.
package toolcache

import (
	"os"
	"path/filepath"
)

// Dir is $CODER_EKS_CACHE, else coder-eks under the user cache directory.
func Dir() (string, error) {
	if d := os.Getenv("CODER_EKS_CACHE"); d != "" {
		return d, nil
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "coder-eks"), nil
}
