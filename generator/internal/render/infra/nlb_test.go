package infra

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestNLBPreservesClientIP (issue 10 item 17): coderd must see users'
// addresses (its per-IP rate limits and audit log), and the coderd nodes
// must still admit only the NLB's security group, never the internet.
func TestNLBPreservesClientIP(t *testing.T) {
	var doc struct {
		Resource struct {
			TG    map[string]map[string]any `json:"aws_lb_target_group"`
			Rules map[string]map[string]any `json:"aws_vpc_security_group_ingress_rule"`
		} `json:"resource"`
	}
	files := render(t, prodModel(t))
	for p, b := range files {
		if strings.HasSuffix(p, "nlb.tf.json") {
			if err := json.Unmarshal(b, &doc); err != nil {
				t.Fatal(err)
			}
		}
	}
	if got := doc.Resource.TG["coderd"]["preserve_client_ip"]; got != "true" {
		t.Errorf("aws_lb_target_group.coderd preserve_client_ip = %v, want \"true\": coderd would see only the NLB's addresses", got)
	}
	for name, r := range doc.Resource.Rules {
		if strings.HasPrefix(name, "coderd_nodes_") && r["cidr_ipv4"] != nil {
			t.Errorf("%s admits %v to the coderd nodes; they must reference the NLB's security group", name, r["cidr_ipv4"])
		}
	}
}
