package infra

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	tree "github.com/coder-eks/coder-eks/generator/internal/layout"
	model "github.com/coder-eks/coder-eks/generator/internal/model/infra"
	"github.com/coder-eks/coder-eks/generator/internal/plan/plantest"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

const repoRoot = "../../../.."

// prodModel is the model of the repository's prod environment.
func prodModel(t *testing.T) model.Infra {
	t.Helper()
	derived := plantest.Derive(t, repoRoot, "prod")
	m := model.Build(derived)
	return m
}

func render(t *testing.T, m model.Infra) map[string][]byte {
	t.Helper()
	files, err := Render(m)
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// resources decodes the resources of every .tf.json file, type → names.
func resources(t *testing.T, files map[string][]byte) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for p, data := range files {
		if !strings.HasSuffix(p, ".tf.json") {
			continue
		}
		var doc struct {
			Resource map[string]map[string]any `json:"resource"`
		}
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		for typ, byName := range doc.Resource {
			for name := range byName {
				out[typ] = append(out[typ], name)
			}
		}
	}
	return out
}

// TestQuotaChecksAndScriptAgree: the check blocks and the pre-flight
// script test the same computed value for every requirement.
func TestQuotaChecksAndScriptAgree(t *testing.T) {
	m := prodModel(t)
	files := render(t, m)
	var doc struct {
		Check map[string]struct {
			Data   map[string]map[string]map[string]string `json:"data"`
			Assert []struct {
				Condition string `json:"condition"`
			} `json:"assert"`
		} `json:"check"`
	}
	if err := json.Unmarshal(files[tree.Infra+"/quota.tf.json"], &doc); err != nil {
		t.Fatal(err)
	}
	script := string(files[tree.Infra+"/"+tree.PreflightScript])
	if len(m.Quotas.Requirements) == 0 {
		t.Fatal("no quota requirements")
	}
	for _, r := range m.Quotas.Requirements {
		c, ok := doc.Check["quota_"+r.Key]
		if !ok {
			t.Errorf("no check block for %s", r.Key)
			continue
		}
		q := c.Data["aws_servicequotas_service_quota"][r.Key]
		if q["quota_code"] != r.QuotaCode || q["service_code"] != r.ServiceCode {
			t.Errorf("check %s reads %v, want %s/%s", r.Key, q, r.ServiceCode, r.QuotaCode)
		}
		wantCond := fmt.Sprintf("${data.aws_servicequotas_service_quota.%s.value >= %d}", r.Key, r.Required)
		if len(c.Assert) != 1 || c.Assert[0].Condition != wantCond {
			t.Errorf("check %s asserts %+v, want %s", r.Key, c.Assert, wantCond)
		}
		line := fmt.Sprintf("check %s %s %d ", r.ServiceCode, r.QuotaCode, r.Required)
		if !strings.Contains(script, line) {
			t.Errorf("pre-flight script lacks %q", line)
		}
	}
	if len(doc.Check) != len(m.Quotas.Requirements) {
		t.Errorf("%d check blocks for %d requirements", len(doc.Check), len(m.Quotas.Requirements))
	}
}

func TestPreflightScriptIsValidBash(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Fatal("bash not found")
	}
	path := filepath.Join(t.TempDir(), tree.PreflightScript)
	if err := os.WriteFile(path, render(t, prodModel(t))[tree.Infra+"/"+tree.PreflightScript], 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(bash, "-n", path).CombinedOutput(); err != nil {
		t.Fatalf("bash -n: %v\n%s", err, out)
	}
}

func TestPreflightGolden(t *testing.T) {
	got := render(t, prodModel(t))[tree.Infra+"/"+tree.PreflightScript]
	golden := filepath.Join("testdata", "prod-"+tree.PreflightScript)
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if d := cmp.Diff(string(want), string(got)); d != "" {
		t.Errorf("pre-flight script (-golden +rendered):\n%s", d)
	}
}

// TestSettingsShapeModule: the environment's switches add and remove
// exactly the resources they govern.
func TestSettingsShapeModule(t *testing.T) {
	tests := []struct {
		name    string
		modify  func(*model.Infra)
		present map[string][]string
		absent  map[string][]string
	}{
		{
			name:    "prod defaults",
			present: map[string][]string{"aws_lb_listener": {"https", "stun"}, "aws_acm_certificate": {"coder"}, "aws_backup_vault": {"copy", "this"}, "aws_cloudtrail": {"this"}},
		},
		{
			name:   "STUN off",
			modify: func(m *model.Infra) { m.LoadBalancer.STUNTargetGroup = "" },
			absent: map[string][]string{"aws_lb_listener": {"stun"}, "aws_lb_target_group": {"stun"}, "aws_vpc_security_group_ingress_rule": {"nlb_stun"}},
		},
		{
			name:    "existing certificate",
			modify:  func(m *model.Infra) { m.DNS.CertificateARN = "arn:aws:acm:us-east-1:111122223333:certificate/x" },
			present: map[string][]string{"aws_lb_listener": {"https"}},
			absent:  map[string][]string{"aws_acm_certificate": {"coder"}, "aws_acm_certificate_validation": {"coder"}},
		},
		{
			name:   "no cross-region backup",
			modify: func(m *model.Infra) { m.Backup.CopyRegion = "" },
			absent: map[string][]string{"aws_backup_vault": {"copy"}, "aws_kms_key": {"backup_copy"}},
		},
		{
			name:   "CloudTrail off",
			modify: func(m *model.Infra) { m.Observability.CloudTrail, m.Observability.CloudTrailBucket = "", "" },
			absent: map[string][]string{"aws_cloudtrail": {"this"}, "aws_s3_bucket": {"cloudtrail"}, "aws_kms_key": {"cloudtrail"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := prodModel(t)
			if tt.modify != nil {
				tt.modify(&m)
			}
			got := resources(t, render(t, m))
			has := func(typ, name string) bool {
				for _, n := range got[typ] {
					if n == name {
						return true
					}
				}
				return false
			}
			for typ, names := range tt.present {
				for _, n := range names {
					if !has(typ, n) {
						t.Errorf("%s.%s missing", typ, n)
					}
				}
			}
			for typ, names := range tt.absent {
				for _, n := range names {
					if has(typ, n) {
						t.Errorf("%s.%s rendered", typ, n)
					}
				}
			}
		})
	}
}

func TestSkipQuotaCheckDropsChecksOnly(t *testing.T) {
	m := prodModel(t)
	m.Quotas.Skip = true
	files := render(t, m)
	var doc map[string]any
	if err := json.Unmarshal(files[tree.Infra+"/quota.tf.json"], &doc); err != nil {
		t.Fatal(err)
	}
	if _, ok := doc["check"]; ok {
		t.Error("check blocks rendered with skip_quota_check")
	}
	if _, ok := files[tree.Infra+"/"+tree.PreflightScript]; !ok {
		t.Error("pre-flight script not rendered")
	}
}
