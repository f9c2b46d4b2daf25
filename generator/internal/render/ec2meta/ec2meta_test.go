package ec2meta_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/coder-eks/coder-eks/generator/internal/render/ec2meta"
	"github.com/coder-eks/coder-eks/generator/internal/render/tfjson"
	"github.com/coder-eks/coder-eks/generator/pipeline/pipelinetest"
)

const repoRoot = "../../../.."

func TestIMDSv2(t *testing.T) {
	for _, tc := range []struct {
		hops int
		want []tfjson.Body
		bad  bool
	}{
		{hops: 1, want: []tfjson.Body{{"http_endpoint": "enabled", "http_tokens": "required", "http_put_response_hop_limit": 1}}},
		{hops: 2, want: []tfjson.Body{{"http_endpoint": "enabled", "http_tokens": "required", "http_put_response_hop_limit": 2}}},
		{hops: 64, want: []tfjson.Body{{"http_endpoint": "enabled", "http_tokens": "required", "http_put_response_hop_limit": 64}}},
		{hops: 0, bad: true},
		{hops: 65, bad: true},
	} {
		t.Run(fmt.Sprint(tc.hops), func(t *testing.T) {
			defer func() {
				if r := recover(); (r != nil) != tc.bad {
					t.Errorf("IMDSv2(%d) panicked: %v, want a panic: %t", tc.hops, r, tc.bad)
				}
			}()
			if d := cmp.Diff(tc.want, ec2meta.IMDSv2(tc.hops)); d != "" {
				t.Errorf("IMDSv2(%d) (-want +got):\n%s", tc.hops, d)
			}
		})
	}
}

// launchers are the resource types that start EC2 instances with their
// own metadata settings.
var launchers = []string{"aws_instance", "aws_launch_template"}

// TestEveryInstanceIsIMDSv2 renders the shipped environments (Day-0
// modules and templates) and proves every instance and launch template
// carries exactly the block IMDSv2 builds, with the hop limit its caller
// chose: one that spelled the block by hand (a missing http_tokens, an
// extra setting) or none at all fails here.
func TestEveryInstanceIsIMDSv2(t *testing.T) {
	sets := pipelinetest.Shipped(t, repoRoot)
	seen := map[string]int{} // top folder → instances checked
	for env, fs := range sets {
		for p, data := range fs {
			if !strings.HasSuffix(p, ".tf.json") {
				continue
			}
			var doc struct {
				Resource map[string]map[string]struct {
					Metadata []map[string]any `json:"metadata_options"`
				} `json:"resource"`
			}
			if err := json.Unmarshal(data, &doc); err != nil {
				t.Fatalf("%s/%s: %v", env, p, err)
			}
			for _, typ := range launchers {
				for name, r := range doc.Resource[typ] {
					top, _, _ := strings.Cut(p, "/")
					seen[top]++
					if len(r.Metadata) != 1 {
						t.Errorf("%s/%s: %s.%s has %d metadata_options blocks, want ec2meta.IMDSv2's one", env, p, typ, name, len(r.Metadata))
						continue
					}
					hops, _ := r.Metadata[0]["http_put_response_hop_limit"].(float64)
					want, err := json.Marshal(ec2meta.IMDSv2(max(int(hops), 1)))
					if err != nil {
						t.Fatal(err)
					}
					var w []map[string]any
					if err := json.Unmarshal(want, &w); err != nil {
						t.Fatal(err)
					}
					if d := cmp.Diff(w, r.Metadata); d != "" {
						t.Errorf("%s/%s: %s.%s metadata_options is not ec2meta.IMDSv2 (-IMDSv2 +rendered):\n%s", env, p, typ, name, d)
					}
				}
			}
		}
	}
	if seen["terraform"] == 0 || seen["templates"] == 0 {
		t.Errorf("instances checked by folder: %v; want the Day-0 modules' and the templates'", seen)
	}
}
