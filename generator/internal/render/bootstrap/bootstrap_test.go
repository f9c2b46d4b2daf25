package bootstrap

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/coder-eks/coder-eks/generator/internal/layout"
	model "github.com/coder-eks/coder-eks/generator/internal/model/infra"
	"github.com/coder-eks/coder-eks/generator/internal/plan/plantest"
	"github.com/coder-eks/coder-eks/generator/internal/render/infra"
)

type doc struct {
	Terraform struct {
		Backend map[string]map[string]any `json:"backend"`
	} `json:"terraform"`
	Resource map[string]map[string]map[string]any `json:"resource"`
}

func decode(t *testing.T, data []byte) doc {
	t.Helper()
	var d doc
	if err := json.Unmarshal(data, &d); err != nil {
		t.Fatal(err)
	}
	return d
}

// TestBackendPointsAtBootstrap: the infra module's S3 backend names the
// bucket and KMS alias this module creates, and this module keeps its own
// state locally.
func TestBackendPointsAtBootstrap(t *testing.T) {
	for _, env := range []string{"prod", "staging"} {
		t.Run(env, func(t *testing.T) {
			derived := plantest.Derive(t, "../../../..", env)
			m := model.Build(derived)
			boot, err := Render(m)
			if err != nil {
				t.Fatal(err)
			}
			inf, err := infra.Render(m)
			if err != nil {
				t.Fatal(err)
			}
			b := decode(t, boot[layout.Bootstrap+"/main.tf.json"])
			if len(b.Terraform.Backend) != 0 {
				t.Errorf("bootstrap has a backend %v; it must use local state", b.Terraform.Backend)
			}
			s3 := decode(t, inf[layout.Infra+"/versions.tf.json"]).Terraform.Backend["s3"]
			got := map[string]any{
				"bucket": b.Resource["aws_s3_bucket"]["state"]["bucket"],
				"alias":  b.Resource["aws_kms_alias"]["state"]["name"],
			}
			alias := s3["kms_key_id"].(string)
			want := map[string]any{"bucket": s3["bucket"], "alias": alias[strings.Index(alias, ":alias/")+1:]}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("backend vs bootstrap (-backend +bootstrap):\n%s", d)
			}
			if s3["use_lockfile"] != true {
				t.Error("backend does not lock with use_lockfile")
			}
		})
	}
}
