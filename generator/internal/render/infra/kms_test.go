package infra

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestKeyPoliciesNameNoServiceLinkedRole (issue 10 item 8): KMS rejects a
// key policy whose principal does not exist yet
// (MalformedPolicyDocumentException); service-linked roles such as
// AWSServiceRoleForAutoScaling appear only when their service is first
// used, so on a new account they do not exist when the keys are created.
// They may be matched by condition, never named as principal.
func TestKeyPoliciesNameNoServiceLinkedRole(t *testing.T) {
	files := render(t, prodModel(t))
	var doc struct {
		Data struct {
			Docs map[string]struct {
				Statement []struct {
					Sid        string `json:"sid"`
					Principals []struct {
						Identifiers []string `json:"identifiers"`
					} `json:"principals"`
					Condition []struct {
						Variable string   `json:"variable"`
						Values   []string `json:"values"`
					} `json:"condition"`
				} `json:"statement"`
			} `json:"aws_iam_policy_document"`
		} `json:"data"`
	}
	var data []byte
	for p, b := range files {
		if strings.HasSuffix(p, "kms.tf.json") {
			data = b
		}
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	matched := false
	for name, d := range doc.Data.Docs {
		for _, s := range d.Statement {
			for _, p := range s.Principals {
				for _, id := range p.Identifiers {
					if strings.Contains(id, ":role/aws-service-role/") {
						t.Errorf("%s statement %s names the service-linked role %s as principal; it may not exist when the key is created", name, s.Sid, id)
					}
				}
			}
			for _, c := range s.Condition {
				if c.Variable == "aws:PrincipalArn" && len(c.Values) == 1 && strings.HasSuffix(c.Values[0], "/AWSServiceRoleForAutoScaling") {
					matched = true
				}
			}
		}
	}
	if !matched {
		t.Error("no key policy lets AWSServiceRoleForAutoScaling use a key: node groups could not launch with the EBS key")
	}
}
