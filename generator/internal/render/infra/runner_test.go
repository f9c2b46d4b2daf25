package infra

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	model "github.com/coder-eks/coder-eks/generator/internal/model/infra"
	"github.com/coder-eks/coder-eks/generator/internal/plan/names"
)

// TestTofuRunnerRole: tofu-controller's runner (flux-system/tf-runner)
// reaches the coderd module's state object and lock, the state key
// through S3, and the provisioner-key secret, and nothing more.
func TestTofuRunnerRole(t *testing.T) {
	m := prodModel(t)
	d := decodeModule(t, render(t, m))
	var role struct{ Name string }
	d.body(t, "resource", "aws_iam_role", model.RoleTofuRunner, &role)
	if role.Name != m.Names.IAM.TofuRunner {
		t.Errorf("role %q, want %q", role.Name, m.Names.IAM.TofuRunner)
	}
	trust := d.statements(t, model.RoleTofuRunner+"_assume")
	wantSub := "system:serviceaccount:" + names.FluxNamespace + ":" + names.TofuRunnerServiceAccount
	if len(trust) != 1 || !slices.ContainsFunc(trust[0].Condition, func(c condition) bool {
		return c.Test == "StringEquals" && strings.HasSuffix(c.Variable, ":sub") && slices.Equal(c.Values, []string{wantSub})
	}) {
		t.Errorf("trust %+v, want sub %s", trust, wantSub)
	}
	var alias struct{ Name, Region string }
	d.body(t, "data", "aws_kms_alias", "state", &alias)
	if alias.Name != m.Backend.KMSAlias || alias.Region != m.Backend.Region {
		t.Errorf("state key alias %+v, want %s in %s", alias, m.Backend.KMSAlias, m.Backend.Region)
	}
	state := "arn:" + partition + ":s3:::" + m.Backend.Bucket + "/" + names.CoderdStateKey
	got := map[string][]string{}
	for _, s := range d.statements(t, model.RoleTofuRunner) {
		got[s.Sid] = s.Resources
	}
	want := map[string][]string{
		"ListState":           {"arn:" + partition + ":s3:::" + m.Backend.Bucket},
		"ReadWriteState":      {state},
		"LockState":           {state + ".tflock"},
		"UseStateKey":         {"${data.aws_kms_alias.state.target_key_arn}"},
		"WriteProvisionerKey": {"${aws_secretsmanager_secret.provisioner_key.arn}"},
		"UseSecretsKey":       {kmsARN("secrets")},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("runner policy resources (-want +got):\n%s", diff)
	}
	for _, sid := range []string{"UseStateKey", "UseSecretsKey"} {
		if s := d.sid(t, model.RoleTofuRunner, sid); len(s.Condition) != 1 || s.Condition[0].Variable != "kms:ViaService" {
			t.Errorf("%s conditions %+v, want kms:ViaService only", sid, s.Condition)
		}
	}
}

// TestTofuRunnerWritesProxyTokens: with secondary regions the runner may
// write each region's proxy token secret (by name, in that region) and use
// that region's keys only through its Secrets Manager.
func TestTofuRunnerWritesProxyTokens(t *testing.T) {
	m := prodModel(t)
	m.ProxyTokens = []model.RegionalSecret{{Region: "eu-west-1", Name: "coder/prod/workspace-proxy/eu-west-1"}}
	d := decodeModule(t, render(t, m))
	s := d.sid(t, model.RoleTofuRunner, "ProxyToken0")
	want := []string{"arn:" + partition + ":secretsmanager:eu-west-1:" + accountID + ":secret:coder/prod/workspace-proxy/eu-west-1-??????"}
	if diff := cmp.Diff(want, s.Resources); diff != "" {
		t.Errorf("proxy token resources (-want +got):\n%s", diff)
	}
	k := d.sid(t, model.RoleTofuRunner, "ProxyToken0Key")
	if len(k.Condition) != 1 || !slices.Equal(k.Condition[0].Values, []string{"secretsmanager.eu-west-1." + dnsSuffix}) {
		t.Errorf("proxy token key condition %+v, want Secrets Manager in eu-west-1", k.Condition)
	}
}
