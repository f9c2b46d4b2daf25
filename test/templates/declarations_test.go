// Package templates checks the composed templates under rendered/ as a
// template author reads them.
package templates

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/coder-eks/coder-eks/generator/pipeline"
)

const renderedDir = "../../rendered"

// TestEveryDeclarationIsRead parses each composed template with hcl/v2's
// JSON parser and walks its references: every local, data source and
// variable must be read, directly or through others, by a resource, an
// output or a provider. A dead one is noise at best (a data source still
// costs an API call at every build) and at worst a contract that looks
// honoured and is not.
func TestEveryDeclarationIsRead(t *testing.T) {
	mains, err := filepath.Glob(filepath.Join(renderedDir, "*", "templates", "*", "main.tf.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(mains) == 0 {
		t.Fatalf("no templates under %s: render them first (go run ./generator)", renderedDir)
	}
	for _, main := range mains {
		rel, _ := filepath.Rel(renderedDir, main)
		t.Run(filepath.ToSlash(filepath.Dir(rel)), func(t *testing.T) {
			b, err := os.ReadFile(main)
			if err != nil {
				t.Fatal(err)
			}
			unused, err := pipeline.UnusedDeclarations(map[string][]byte{"main.tf.json": b})
			if err != nil {
				t.Fatal(err)
			}
			for _, u := range unused {
				t.Errorf("%s: declared and never read", u)
			}
		})
	}
}
