package k8s_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	yamlv3 "go.yaml.in/yaml/v3"
	networkingv1 "k8s.io/api/networking/v1"
	"sigs.k8s.io/yaml"

	"github.com/coder-eks/coder-eks/generator/pipeline"
	"github.com/coder-eks/coder-eks/generator/pipeline/pipelinetest"
)

const repoRoot = "../../../.."

// udpOut lists the UDP egress of a rendered workspace baseline as
// "port" strings ("any" for a rule without a port).
func policyUDP(t *testing.T, data []byte) []string {
	t.Helper()
	dec := yamlv3.NewDecoder(bytes.NewReader(data))
	var out []string
	for {
		var doc map[string]any
		if err := dec.Decode(&doc); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		if doc["kind"] != "NetworkPolicy" {
			continue
		}
		raw, _ := json.Marshal(doc)
		var p networkingv1.NetworkPolicy
		if err := yaml.Unmarshal(raw, &p); err != nil {
			t.Fatal(err)
		}
		if p.Namespace != "coder-ws" || p.Name != "workspace" {
			continue
		}
		for _, r := range p.Spec.Egress {
			for _, port := range r.Ports {
				if port.Protocol == nil || *port.Protocol != "UDP" {
					continue
				}
				if port.Port == nil {
					out = append(out, "any")
				} else {
					out = append(out, port.Port.String())
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

// sgUDP lists the UDP egress of the EC2 https-only workspace group.
func sgUDP(t *testing.T, files map[string][]byte) []string {
	t.Helper()
	var out []string
	for p, data := range files {
		if !strings.HasPrefix(p, "terraform/infra/") || !strings.HasSuffix(p, ".tf.json") {
			continue
		}
		var doc struct {
			Resource map[string]map[string]map[string]any `json:"resource"`
		}
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		for _, r := range doc.Resource["aws_vpc_security_group_egress_rule"] {
			if r["security_group_id"] != "${aws_security_group.ec2_workspaces.id}" {
				continue
			}
			switch r["ip_protocol"] {
			case "udp":
				from, to := fmt.Sprint(r["from_port"]), fmt.Sprint(r["to_port"])
				if from != to {
					out = append(out, from+"-"+to)
				} else {
					out = append(out, from)
				}
			case "-1":
				out = append(out, "any")
			}
		}
	}
	sort.Strings(out)
	return out
}

// TestWorkspaceUDPEgressAgrees: an https-only workspace may send the same
// UDP on Kubernetes (the coder-ws baseline NetworkPolicy) as on EC2 (the
// https-only security group), in every shipped environment.
func TestWorkspaceUDPEgressAgrees(t *testing.T) {
	pipelinetest.EachShipped(t, repoRoot, func(t *testing.T, _ string, fs pipeline.FileSet) {
		k8s := policyUDP(t, fs["k8s/network-policies.yaml"])
		ec2 := sgUDP(t, fs)
		if diff := cmp.Diff(ec2, k8s); diff != "" {
			t.Errorf("https-only UDP egress differs between EC2 (-) and Kubernetes (+) workspaces:\n%s", diff)
		}
	})
}
