package templates

import (
	"testing"

	"github.com/coder-eks/coder-eks/test/tfvalidate"
)

// The template import runs real Terraform inside coderd's provisioner
// with the tfvalidate harness's providers.
func TestMain(m *testing.M) { tfvalidate.Main(m) }
