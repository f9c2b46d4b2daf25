package tfvars

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/coder-eks/coder-eks/generator/internal/diag"
)

func TestParse(t *testing.T) {
	src := `# comment
owner        = "platform"
max_workspaces = 3000
aurora_min_capacity = 0.5
ws_use_spot_instances = false
availability_zones = ["us-east-1a", "us-east-1b"]
tags = {
  "cost-center" = "eng"
}
route53_zone_id = null
idp_group_mappings = {
  "coder-admins" = { coder_group = "platform-admins", roles = ["owner"] }
}
base_domain = "${"example"}.com"
`
	got, err := Parse("prod.tfvars", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := []Variable{
		{Name: "owner", Value: "platform", Pos: diag.Position{File: "prod.tfvars", Line: 2, Col: 1}},
		{Name: "max_workspaces", Value: int64(3000), Pos: diag.Position{File: "prod.tfvars", Line: 3, Col: 1}},
		{Name: "aurora_min_capacity", Value: 0.5, Pos: diag.Position{File: "prod.tfvars", Line: 4, Col: 1}},
		{Name: "ws_use_spot_instances", Value: false, Pos: diag.Position{File: "prod.tfvars", Line: 5, Col: 1}},
		{Name: "availability_zones", Value: []any{"us-east-1a", "us-east-1b"}, Pos: diag.Position{File: "prod.tfvars", Line: 6, Col: 1}},
		{Name: "tags", Value: map[string]any{"cost-center": "eng"}, Pos: diag.Position{File: "prod.tfvars", Line: 7, Col: 1}},
		{Name: "route53_zone_id", Value: nil, Pos: diag.Position{File: "prod.tfvars", Line: 10, Col: 1}},
		{Name: "idp_group_mappings", Value: map[string]any{
			"coder-admins": map[string]any{"coder_group": "platform-admins", "roles": []any{"owner"}},
		}, Pos: diag.Position{File: "prod.tfvars", Line: 11, Col: 1}},
		{Name: "base_domain", Value: "example.com", Pos: diag.Position{File: "prod.tfvars", Line: 14, Col: 1}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Parse (-want +got):\n%s", diff)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want string
	}{
		{"reference to a variable", "owner = var.owner\n",
			"x.tfvars:1:9: owner: Variables not allowed: Variables may not be used here. (rule: import-tfvars reads literal values only)"},
		{"function call", "azs = slice(local.azs, 0, 2)\n",
			"x.tfvars:1:7: azs: Function calls not allowed: Functions may not be called here. (rule: import-tfvars reads literal values only)"},
		{"block", "terraform {\n}\n",
			`x.tfvars:1:1: block "terraform" is not allowed (rule: a variables file holds only name = value assignments)`},
		{"syntax error", "owner = \n",
			"x.tfvars:1:9: Invalid expression: Expected the start of an expression, but found an invalid expression token."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("x.tfvars", []byte(tt.src))
			if err == nil {
				t.Fatal("Parse succeeded")
			}
			if diff := cmp.Diff(tt.want, err.Error()); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}
