package tfvalidate

import (
	"os"
	"path/filepath"
	"testing"
)

// usedTypes finds every type a configuration may use, in each syntax
// Terraform reads (JSON keys, HCL labels and references, test and mock
// files, child modules), and only types of schema-served providers.
func TestUsedTypes(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"main.tf.json":               `{"resource": {"aws_vpc": {"this": {"cidr_block": "10.0.0.0/16"}}}, "data": {"aws_region": {"current": {}}}}`,
		"extra.tf":                   "resource \"kubernetes_namespace_v1\" \"ns\" {\n  metadata { name = aws_vpc.this.id }\n}\nresource \"coder_agent\" \"a\" {}\n",
		"modules/child/main.tf":      "data \"aws_iam_policy_document\" \"p\" {}\n",
		"tests/plan.tftest.hcl":      "mock_provider \"aws\" {\n  mock_resource \"aws_subnet\" {}\n}\n",
		".terraform/modules/x.tf":    "resource \"aws_instance\" \"skipped\" {}\n",
		"tests/mocks/aws.tfmock.hcl": "mock_data \"aws_availability_zones\" {}\n",
	}
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	h := &Harness{typeWords: typeWords([]string{"coder/coder", "hashicorp/aws", "hashicorp/kubernetes"})}
	got, err := h.usedTypes(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := "aws_availability_zones,aws_iam_policy_document,aws_region,aws_subnet,aws_vpc,kubernetes_namespace_v1"
	if got != want {
		t.Errorf("usedTypes = %s\nwant        %s", got, want)
	}
}
