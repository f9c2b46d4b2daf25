// Command prebuild builds, into the user cache, the programs the tests run
// that take minutes to build from the Go module proxy: coderd at every
// version rendered/ deploys, Trivy, and OpenTofu where no Terraform-
// compatible CLI is found. The tests build coderd themselves
// when it is missing (Trivy they ask for); running this first (.ci/run
// does) keeps a cold run's build time out of the test packages' 10-minute
// budget. A second run finds everything cached and returns at once.
package main

import (
	"fmt"
	"os"

	"github.com/coder-eks/coder-eks/test/coderd"
	"github.com/coder-eks/coder-eks/test/scan"
	"github.com/coder-eks/coder-eks/test/tfvalidate"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "prebuild:", err)
		os.Exit(1)
	}
}

func run() error {
	versions, err := coderd.DeployedVersions()
	if err != nil {
		return err
	}
	for _, v := range versions {
		bin, err := coderd.CoderBinary(v)
		if err != nil {
			return err
		}
		fmt.Println(bin)
	}
	bin, err := scan.BuildTrivy()
	if err != nil {
		return err
	}
	fmt.Println(bin)
	// With no Terraform-compatible CLI this builds OpenTofu into the cache
	// (the validate harness would too, but the build can outlast a test
	// package's budget).
	if bin, err = tfvalidate.FindTerraform(); err != nil {
		return err
	}
	fmt.Println(bin)
	return nil
}
