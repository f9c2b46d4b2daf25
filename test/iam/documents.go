package iam

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
)

// policyAttrs are the arguments that hold an IAM policy document, by
// resource type, with the kind of document.
var policyAttrs = map[string]struct{ attr, kind string }{
	"aws_iam_role":                       {"assume_role_policy", "trust"},
	"aws_iam_role_policy":                {"policy", "identity"},
	"aws_iam_policy":                     {"policy", "identity"},
	"aws_kms_key":                        {"policy", "resource"},
	"aws_s3_bucket_policy":               {"policy", "resource"},
	"aws_secretsmanager_secret_policy":   {"policy", "resource"},
	"aws_sns_topic_policy":               {"policy", "resource"},
	"aws_sns_topic":                      {"policy", "resource"},
	"aws_sqs_queue_policy":               {"policy", "resource"},
	"aws_ecr_repository_policy":          {"policy", "resource"},
	"aws_cloudwatch_log_resource_policy": {"policy_document", "resource"},
}

// Doc is one policy document of the rendered tree and where it is used.
type Doc struct {
	Module *Module
	Name   string // the aws_iam_policy_document's name
	Kind   string
	Users  []string // "aws_iam_role.coderd.assume_role_policy"
	Policy Policy
}

// ID is how the report names the document.
func (d *Doc) ID() string {
	return d.Module.Env + "/" + d.Module.Name + ": data.aws_iam_policy_document." + d.Name
}

// Documents returns every policy document a module uses, resolved. A
// policy argument that is not a reference to an aws_iam_policy_document
// (an inline jsonencode) is an error: the test must learn to read it.
func (m *Module) Documents(e *Env) ([]*Doc, error) {
	byName := map[string]*Doc{}
	var order []string
	for _, typ := range Names(policyAttrs) {
		pa := policyAttrs[typ]
		for _, n := range Names(m.Resource[typ]) {
			v, ok := m.Resource[typ][n][pa.attr]
			if !ok {
				continue
			}
			name, ok := DocRef(v)
			if !ok {
				// A policy written inline as a JSON string.
				p, err := m.literal(e, v)
				if err != nil {
					return nil, fmt.Errorf("%s/%s: %s.%s.%s: %w", m.Env, m.Name, typ, n, pa.attr, err)
				}
				name = typ + "." + n
				byName[name] = &Doc{Module: m, Name: name, Kind: pa.kind, Policy: p, Users: []string{typ + "." + n + "." + pa.attr}}
				order = append(order, name)
				continue
			}
			d := byName[name]
			if d == nil {
				p, err := m.Document(e, name)
				if err != nil {
					return nil, err
				}
				d = &Doc{Module: m, Name: name, Kind: pa.kind, Policy: p}
				byName[name] = d
				order = append(order, name)
			}
			d.Users = append(d.Users, typ+"."+n+"."+pa.attr)
		}
	}
	// Documents no resource uses are dead code; still real policies.
	for _, n := range Names(m.Data["aws_iam_policy_document"]) {
		if byName[n] == nil {
			return nil, fmt.Errorf("%s/%s: data.aws_iam_policy_document.%s is used by no resource", m.Env, m.Name, n)
		}
	}
	out := make([]*Doc, 0, len(order))
	for _, n := range order {
		out = append(out, byName[n])
	}
	return out, nil
}

// PolicyOf reads a policy argument: a data.aws_iam_policy_document
// reference or a JSON string.
func (m *Module) PolicyOf(e *Env, v any) (Policy, error) {
	if name, ok := DocRef(v); ok {
		return m.Document(e, name)
	}
	return m.literal(e, v)
}

// literal reads a policy given as a JSON string (what jsonencode renders
// to in Terraform JSON when the generator writes the document itself). An
// HCL expression (${jsonencode({...})}) cannot be read here: render an
// aws_iam_policy_document instead.
func (m *Module) literal(e *Env, v any) (Policy, error) {
	s, _ := v.(string)
	if !strings.HasPrefix(strings.TrimSpace(s), "{") {
		return nil, fmt.Errorf("neither a data.aws_iam_policy_document reference nor a JSON policy document; teach test/iam/documents.go to read it")
	}
	resolved, err := m.Resolve(e, s)
	if err != nil {
		return nil, err
	}
	var p Policy
	if err := json.Unmarshal([]byte(resolved), &p); err != nil {
		return nil, fmt.Errorf("policy JSON: %w", err)
	}
	return p, nil
}

var roleRefRE = regexp.MustCompile(`^\$\{aws_iam_role\.([a-z0-9_]+)\.(id|name)\}$`)

// RolePolicies are the inline policies attached to aws_iam_role.<key>,
// and the managed policy ARNs attached to it.
func (m *Module) RolePolicies(e *Env, key string) (inline []NamedPolicy, managed []string, err error) {
	for _, n := range Names(m.Resource["aws_iam_role_policy"]) {
		b := m.Resource["aws_iam_role_policy"][n]
		if r := roleRefRE.FindStringSubmatch(str(b, "role")); r != nil && r[1] == key {
			p, err := m.PolicyOf(e, b["policy"])
			if err != nil {
				return nil, nil, err
			}
			inline = append(inline, NamedPolicy{Name: "aws_iam_role_policy." + n, Policy: p})
		}
	}
	for _, n := range Names(m.Resource["aws_iam_role_policy_attachment"]) {
		b := m.Resource["aws_iam_role_policy_attachment"][n]
		if r := roleRefRE.FindStringSubmatch(str(b, "role")); r != nil && r[1] == key {
			arn, err := m.Resolve(e, str(b, "policy_arn"))
			if err != nil {
				return nil, nil, err
			}
			managed = append(managed, arn)
		}
	}
	return inline, managed, nil
}

func str(b Body, k string) string { s, _ := b[k].(string); return s }
