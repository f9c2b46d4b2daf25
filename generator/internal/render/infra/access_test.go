package infra

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestOperatorAccessPath (issue 10 item 20): a cluster whose endpoint is
// private only renders the operators' way in (a Session Manager host the
// cluster security group admits on 443); one with the allow-listed public
// endpoint renders none.
func TestOperatorAccessPath(t *testing.T) {
	for _, public := range []bool{false, true} {
		m := prodModel(t)
		m.Cluster.PublicAccess = public
		if public {
			m.Cluster.PublicAccessCIDRs = []string{"203.0.113.0/24"}
		}
		var instance, ingress bool
		for p, data := range render(t, m) {
			if !strings.HasSuffix(p, ".tf.json") {
				continue
			}
			var doc struct {
				Resource map[string]map[string]map[string]any `json:"resource"`
			}
			if err := json.Unmarshal(data, &doc); err != nil {
				t.Fatal(err)
			}
			_, instance0 := doc.Resource["aws_instance"]["operator_access"]
			instance = instance || instance0
			for _, r := range doc.Resource["aws_vpc_security_group_ingress_rule"] {
				if strings.Contains(r["security_group_id"].(string), "cluster_security_group_id") &&
					r["referenced_security_group_id"] == "${aws_security_group.operator_access.id}" && r["from_port"] == float64(443) {
					ingress = true
				}
			}
		}
		if !public && !(instance && ingress) {
			t.Errorf("private-only endpoint: operator access host rendered = %v, cluster admits it on 443 = %v; operators have no way to run kubectl or flux", instance, ingress)
		}
		if public && instance {
			t.Error("public endpoint with an allow-list: the operator access host is rendered anyway")
		}
	}
}
