package infra

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	model "github.com/coder-eks/coder-eks/generator/internal/model/infra"
	"github.com/coder-eks/coder-eks/generator/internal/plan/names"
)

// statement is one statement of a rendered aws_iam_policy_document.
type statement struct {
	Sid        string   `json:"sid"`
	Actions    []string `json:"actions"`
	Resources  []string `json:"resources"`
	Principals []struct {
		Type        string   `json:"type"`
		Identifiers []string `json:"identifiers"`
	} `json:"principals"`
	Condition []condition `json:"condition"`
}

type condition struct {
	Test     string   `json:"test"`
	Variable string   `json:"variable"`
	Values   []string `json:"values"`
}

// moduleDoc is the rendered module's resources and data sources, merged over
// its files: kind ("resource", "data") → type → name → body.
type moduleDoc map[string]map[string]map[string]json.RawMessage

func decodeModule(t *testing.T, files map[string][]byte) moduleDoc {
	t.Helper()
	out := moduleDoc{"resource": {}, "data": {}}
	for p, data := range files {
		if !strings.HasSuffix(p, ".tf.json") {
			continue
		}
		var doc struct {
			Resource map[string]map[string]json.RawMessage `json:"resource"`
			Data     map[string]map[string]json.RawMessage `json:"data"`
		}
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		for kind, blocks := range map[string]map[string]map[string]json.RawMessage{"resource": doc.Resource, "data": doc.Data} {
			for typ, byName := range blocks {
				if out[kind][typ] == nil {
					out[kind][typ] = map[string]json.RawMessage{}
				}
				for name, body := range byName {
					out[kind][typ][name] = body
				}
			}
		}
	}
	return out
}

func (d moduleDoc) body(t *testing.T, kind, typ, name string, v any) {
	t.Helper()
	raw, ok := d[kind][typ][name]
	if !ok {
		t.Fatalf("no %s %s.%s", kind, typ, name)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("%s %s.%s: %v", kind, typ, name, err)
	}
}

func (d moduleDoc) statements(t *testing.T, doc string) []statement {
	t.Helper()
	var b struct {
		Statement []statement `json:"statement"`
	}
	d.body(t, "data", "aws_iam_policy_document", doc, &b)
	return b.Statement
}

func (d moduleDoc) sid(t *testing.T, doc, sid string) statement {
	t.Helper()
	for _, s := range d.statements(t, doc) {
		if s.Sid == sid {
			return s
		}
	}
	t.Fatalf("policy %s has no statement %s", doc, sid)
	return statement{}
}

// TestWorkspaceSecurityGroups: every group a composed EC2 template looks
// up exists, none admits ingress, and only unrestricted allows all egress.
func TestWorkspaceSecurityGroups(t *testing.T) {
	m := prodModel(t)
	d := decodeModule(t, render(t, m))
	n := m.Names
	keyOf := map[string]string{}
	for name, raw := range d["resource"]["aws_security_group"] {
		var b struct{ Name string }
		if err := json.Unmarshal(raw, &b); err != nil {
			t.Fatal(err)
		}
		keyOf[b.Name] = name
	}
	type rule struct{ Proto, CIDR string }
	egress := map[string][]rule{}
	for name, raw := range d["resource"]["aws_vpc_security_group_egress_rule"] {
		var b struct {
			SG    string `json:"security_group_id"`
			Proto string `json:"ip_protocol"`
			CIDR  string `json:"cidr_ipv4"`
		}
		if err := json.Unmarshal(raw, &b); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		egress[b.SG] = append(egress[b.SG], rule{b.Proto, b.CIDR})
	}
	tests := []struct {
		egress string
		want   []rule
	}{
		{model.EgressHTTPSOnly, []rule{{"tcp", anyIPv4}, {"udp", anyIPv4}}},
		{model.EgressUnrestricted, []rule{{"-1", anyIPv4}}},
	}
	for _, tt := range tests {
		t.Run(tt.egress, func(t *testing.T) {
			key, ok := keyOf[n.Network.WorkspaceSecurityGroupFor(tt.egress)]
			if !ok {
				t.Fatalf("no security group %q", n.Network.WorkspaceSecurityGroupFor(tt.egress))
			}
			id := "${aws_security_group." + key + ".id}"
			got := egress[id]
			slices.SortFunc(got, func(a, b rule) int { return strings.Compare(a.Proto, b.Proto) })
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("egress (-want +got):\n%s", diff)
			}
			for name, raw := range d["resource"]["aws_vpc_security_group_ingress_rule"] {
				if strings.Contains(string(raw), id) {
					t.Errorf("ingress rule %s on %s", name, key)
				}
			}
		})
	}
}

// TestWorkspaceRole: the Kubernetes workspaces' role trusts every
// per-workspace service account of the workspace namespace, and nothing
// else.
func TestWorkspaceRole(t *testing.T) {
	m := prodModel(t)
	d := decodeModule(t, render(t, m))
	var role struct{ Name string }
	d.body(t, "resource", "aws_iam_role", "workspace", &role)
	if role.Name != m.Names.IAM.Workspace {
		t.Errorf("role name %q, want %q", role.Name, m.Names.IAM.Workspace)
	}
	trust := d.statements(t, "workspace_assume")
	if len(trust) != 1 {
		t.Fatalf("%d trust statements", len(trust))
	}
	got := map[string]string{}
	for _, c := range trust[0].Condition {
		got[c.Test+" "+c.Variable[strings.LastIndex(c.Variable, ":")+1:]] = strings.Join(c.Values, ",")
	}
	want := map[string]string{
		"StringLike sub":   "system:serviceaccount:" + names.WorkspaceNamespace + ":" + names.WorkspaceServiceAccountPrefix + "*",
		"StringEquals aud": "sts.amazonaws.com",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("trust conditions (-want +got):\n%s", diff)
	}
}

// TestWorkspaceRolesReadSecrets: both workspace roles read the workspace
// secrets prefix, and only it, decrypting through Secrets Manager.
func TestWorkspaceRolesReadSecrets(t *testing.T) {
	m := prodModel(t)
	d := decodeModule(t, render(t, m))
	for _, tt := range []struct{ policy, role string }{
		{"ec2_workspace_secrets", "${aws_iam_role.ec2_workspace.id}"},
		{"workspace_secrets", "${aws_iam_role.workspace.id}"},
	} {
		t.Run(tt.policy, func(t *testing.T) {
			var p struct{ Role string }
			d.body(t, "resource", "aws_iam_role_policy", tt.policy, &p)
			if p.Role != tt.role {
				t.Errorf("attached to %s, want %s", p.Role, tt.role)
			}
			read := d.sid(t, tt.policy, "ReadWorkspaceSecrets")
			if len(read.Resources) != 1 || !strings.HasSuffix(read.Resources[0], ":secret:"+m.Names.Secrets.WorkspacePrefix+"*") {
				t.Errorf("reads %v, want only the prefix %s*", read.Resources, m.Names.Secrets.WorkspacePrefix)
			}
			dec := d.sid(t, tt.policy, "DecryptSecrets")
			if len(dec.Condition) != 1 || dec.Condition[0].Variable != "kms:ViaService" {
				t.Errorf("decrypt conditions %+v, want kms:ViaService", dec.Condition)
			}
			if diff := cmp.Diff([]string{kmsARN("secrets")}, dec.Resources); diff != "" {
				t.Errorf("decrypt keys (-want +got):\n%s", diff)
			}
		})
	}
}

// TestProvisionerLaunch: only what the aws provider tags at launch
// (instances, volumes) is conditioned on the request tag; RunInstances'
// other resources are scoped by ARN to the workspace subnets and groups.
func TestProvisionerLaunch(t *testing.T) {
	m := prodModel(t)
	d := decodeModule(t, render(t, m))
	var run []string
	for _, s := range d.statements(t, model.RoleProvisioner) {
		for _, c := range s.Condition {
			if strings.HasPrefix(c.Variable, "aws:RequestTag/") {
				if diff := cmp.Diff([]string{ec2ARN("instance/*"), ec2ARN("volume/*")}, s.Resources); diff != "" {
					t.Errorf("%s: request-tag condition on (-want +got):\n%s", s.Sid, diff)
				}
			}
		}
		if slices.Contains(s.Actions, "ec2:RunInstances") {
			run = append(run, s.Resources...)
		}
	}
	want := []string{ec2ARN("instance/*"), ec2ARN("volume/*"), ec2ARN("network-interface/*"),
		"${aws_security_group.ec2_workspaces.arn}", "${aws_security_group.ec2_workspaces_unrestricted.arn}"}
	for _, s := range m.Network.Subnets.Tier("workspace") {
		want = append(want, "${aws_subnet."+subnetName(s.Tier, s.AZ)+".arn}")
	}
	for _, r := range want {
		if !slices.Contains(run, r) {
			t.Errorf("RunInstances not allowed on %s", r)
		}
	}
	for _, r := range run {
		if strings.Contains(r, "subnet/") || strings.Contains(r, "security-group/") {
			t.Errorf("RunInstances allowed on %s: subnets and groups go by ARN", r)
		}
	}
	if s := d.sid(t, model.RoleProvisioner, "FindEBSKeyAlias"); !slices.Equal(s.Actions, []string{"kms:ListAliases"}) || !slices.Equal(s.Resources, []string{"*"}) {
		t.Errorf("FindEBSKeyAlias = %+v", s)
	}
	if s := d.sid(t, model.RoleProvisioner, "UseEBSKey"); !slices.Contains(s.Actions, "kms:DescribeKey") {
		t.Errorf("UseEBSKey lacks kms:DescribeKey: %v", s.Actions)
	}
}

// TestLicenseSecret: Day 0 creates the license secret empty, encrypted
// with the secrets key, and External Secrets may read it.
func TestLicenseSecret(t *testing.T) {
	m := prodModel(t)
	d := decodeModule(t, render(t, m))
	var s struct {
		Name     string `json:"name"`
		KMSKeyID string `json:"kms_key_id"`
	}
	d.body(t, "resource", "aws_secretsmanager_secret", "license", &s)
	if s.Name != m.Names.Secrets.License || s.KMSKeyID != kmsARN("secrets") {
		t.Errorf("license secret %+v, want %s with the secrets key", s, m.Names.Secrets.License)
	}
	read := d.sid(t, model.RoleExternalSecrets, "ReadSecrets")
	if !slices.Contains(read.Resources, "${aws_secretsmanager_secret.license.arn}") {
		t.Errorf("External Secrets cannot read the license: %v", read.Resources)
	}
}
