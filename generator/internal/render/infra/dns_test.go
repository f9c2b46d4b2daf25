package infra

import (
	"encoding/json"
	"strings"
	"testing"

	model "github.com/coder-eks/coder-eks/generator/internal/model/infra"
	"github.com/coder-eks/coder-eks/generator/internal/plan/plantest"
)

// TestGovCloudPublicDNSInCommercialPartition (issue 10 item 7): AWS
// GovCloud (US) has no public Route 53 hosted zones, so every Route 53
// call of the pubsec module goes through a provider of the commercial
// partition, and its records are not aliases (which cannot cross
// partitions).
func TestGovCloudPublicDNSInCommercialPartition(t *testing.T) {
	derived := plantest.Derive(t, repoRoot, "pubsec")
	m := model.Build(derived)
	aliases := map[string]string{}
	type block = map[string]map[string]map[string]any
	var all []struct {
		kind string
		b    block
	}
	for p, data := range render(t, m) {
		if !strings.HasSuffix(p, ".tf.json") {
			continue
		}
		var doc struct {
			Resource block                       `json:"resource"`
			Data     block                       `json:"data"`
			Provider map[string][]map[string]any `json:"provider"`
		}
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatal(err)
		}
		for _, p := range doc.Provider["aws"] {
			if a, ok := p["alias"].(string); ok {
				aliases["aws."+a], _ = p["region"].(string)
			}
		}
		all = append(all, struct {
			kind string
			b    block
		}{"resource", doc.Resource}, struct {
			kind string
			b    block
		}{"data", doc.Data})
	}
	n := 0
	for _, x := range all {
		for typ, byName := range x.b {
			if !strings.HasPrefix(typ, "aws_route53_") {
				continue
			}
			for name, body := range byName {
				n++
				prov, _ := body["provider"].(string)
				region, ok := aliases[prov]
				if !ok || strings.HasPrefix(region, "us-gov-") {
					t.Errorf("%s %s.%s uses provider %q (region %q): GovCloud has no public hosted zones", x.kind, typ, name, prov, region)
				}
				if body["alias"] != nil {
					t.Errorf("%s %s.%s is an alias record: an alias cannot point across partitions", x.kind, typ, name)
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("pubsec renders no Route 53 records: the access URL has no public name")
	}
}
