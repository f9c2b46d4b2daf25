package validate

import (
	"strings"
	"testing"

	"github.com/coder-eks/coder-eks/generator/internal/load"
	"github.com/coder-eks/coder-eks/generator/internal/plan/names"
)

func TestCheckNameLengths(t *testing.T) {
	tests := []struct {
		project string
		want    []string // derived names reported
	}{
		{"coder", nil},
		// 20 + "-prod" + "-coderd" = 32: exactly the limit.
		{"abcdefghijklmnopqrst", nil},
		{"abcdefghijklmnopqrstu", []string{"abcdefghijklmnopqrstu-prod-coderd"}},
	}
	env, err := load.Load("../../..", "prod")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.project, func(t *testing.T) {
			e := *env
			e.Config.ProjectName = tt.project
			errs := checkNameLengths(&e)
			if len(errs) != len(tt.want) {
				t.Fatalf("got %d diagnostics %v, want %d", len(errs), errs, len(tt.want))
			}
			for i, d := range errs {
				if d.Path != "project_name" || !strings.Contains(d.Msg, `"`+tt.want[i]+`"`) {
					t.Errorf("diagnostic %v, want one on project_name about %s", d, tt.want[i])
				}
			}
		})
	}
}

// TestEveryIAMRoleNameIsChecked: a role name over IAM's 64 characters is
// refused at project_name whichever role it is, including the roles the
// check once listed by hand and missed (external-secrets, tf-runner, the
// database role Job's, Kubernetes workspaces').
func TestEveryIAMRoleNameIsChecked(t *testing.T) {
	env, err := load.Load("../../..", "prod")
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("r", iamRoleNameMax+1)
	for _, tt := range []struct {
		role string
		set  func(*names.IAM)
	}{
		{"ExternalSecrets", func(i *names.IAM) { i.ExternalSecrets = long }},
		{"TofuRunner", func(i *names.IAM) { i.TofuRunner = long }},
		{"DBRoleJob", func(i *names.IAM) { i.DBRoleJob = long }},
		{"Workspace", func(i *names.IAM) { i.Workspace = long }},
		{"Coderd", func(i *names.IAM) { i.Coderd = long }},
	} {
		t.Run(tt.role, func(t *testing.T) {
			n := names.For(&env.Config)
			tt.set(&n.IAM)
			errs := nameLengths(env, n)
			if len(errs) != 1 || errs[0].Path != "project_name" || !strings.Contains(errs[0].Msg, `"`+long+`"`) {
				t.Fatalf("IAM.%s of %d characters: got %v, want one diagnostic on project_name naming it", tt.role, len(long), errs)
			}
		})
	}
}
