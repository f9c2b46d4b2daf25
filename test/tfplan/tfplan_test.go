package tfplan_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/coder-eks/coder-eks/test/tfplan"
	"github.com/coder-eks/coder-eks/test/tfvalidate"
)

func TestMain(m *testing.M) { tfvalidate.Main(m) }

// Each fixture passes `terraform validate`; the broken ones prove that the
// plan test finds, with Terraform's own message, what validate cannot.
var planTests = []struct {
	dir      string
	wantRuns map[string]string
	summary  string // the first error's summary, for failing fixtures
	detail   string // a substring of its detail
}{
	{
		dir:      "testdata/plans",
		wantRuns: map[string]string{"plan": "pass", "apply": "pass"},
	},
	{
		dir:      "testdata/foreach-apply-time-keys",
		wantRuns: map[string]string{"plan": "fail", "apply": "skip"},
		summary:  "Invalid for_each argument",
		detail:   "cannot be determined until apply",
	},
	{
		dir:      "testdata/index-empty-at-apply",
		wantRuns: map[string]string{"plan": "pass", "apply": "fail"},
		summary:  "Invalid index",
		detail:   "the collection has no elements",
	},
}

func TestPlan(t *testing.T) {
	h := tfvalidate.Setup(t)
	for _, tt := range planTests {
		t.Run(tt.dir, func(t *testing.T) {
			t.Parallel()
			// validate alone accepts every fixture.
			diags, err := h.Validate(tt.dir)
			if err != nil {
				t.Fatal(err)
			}
			if len(diags) > 0 {
				t.Fatalf("fixture does not validate: %v", diags)
			}
			result := tfplan.Run(t, h, tt.dir, true)
			if diff := cmp.Diff(tt.wantRuns, normalise(result.Runs)); diff != "" {
				t.Errorf("runs (-want +got):\n%s\n%s", diff, strings.Join(tfplan.Lines(result, tt.dir), "\n"))
			}
			if tt.summary == "" {
				if len(result.Diagnostics) > 0 {
					t.Errorf("unexpected errors:\n%s", strings.Join(tfplan.Lines(result, tt.dir), "\n"))
				}
				return
			}
			if len(result.Diagnostics) == 0 {
				t.Fatalf("no error, want %q", tt.summary)
			}
			d := result.Diagnostics[0]
			if d.Summary != tt.summary || !strings.Contains(d.Detail, tt.detail) {
				t.Errorf("first error = %s\nwant %s: …%s…", d.Diagnostic, tt.summary, tt.detail)
			}
		})
	}
}

// normalise maps Terraform's "error" status (a run that could not complete)
// to "fail": both mean the run did not pass.
func normalise(runs map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range runs {
		if v == "error" {
			v = "fail"
		}
		out[k] = v
	}
	return out
}

func TestInspect(t *testing.T) {
	m, err := tfplan.Inspect("../../rendered/multiregion/terraform/coderd")
	if err != nil {
		t.Fatal(err)
	}
	want := []tfplan.ProviderConfig{
		{Name: "aws", Source: "hashicorp/aws", Region: "us-east-1"},
		{Name: "aws", Source: "hashicorp/aws", Alias: "eu_west_1", Region: "eu-west-1"},
		{Name: "coderd", Source: "coder/coderd"},
		{Name: "time", Source: "hashicorp/time"},
	}
	if diff := cmp.Diff(want, m.Providers); diff != "" {
		t.Errorf("providers (-want +got):\n%s", diff)
	}
}

func TestPartition(t *testing.T) {
	for region, want := range map[string]string{"us-east-1": "aws", "us-gov-west-1": "aws-us-gov", "cn-north-1": "aws-cn"} {
		if got, _ := tfplan.Partition(region); got != want {
			t.Errorf("Partition(%s) = %s, want %s", region, got, want)
		}
	}
}

// Terraform's built-in provider (terraform_data) runs for real: a mock
// would invent its output.
func TestInspectLeavesBuiltinProvider(t *testing.T) {
	m, err := tfplan.Inspect("testdata/foreach-apply-time-keys")
	if err != nil {
		t.Fatal(err)
	}
	want := []tfplan.ProviderConfig{{Name: "aws", Source: "hashicorp/aws", Region: "us-east-1"}}
	if diff := cmp.Diff(want, m.Providers); diff != "" {
		t.Errorf("providers (-want +got):\n%s", diff)
	}
}
