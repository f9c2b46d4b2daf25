package coderd

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/coder-eks/coder-eks/generator/internal/config"
)

func TestGroups(t *testing.T) {
	tests := []struct {
		name     string
		mappings map[string]config.GroupMapping
		want     []Group
	}{
		{"one IdP group per Coder group", map[string]config.GroupMapping{
			"coder-users":  {CoderGroup: "developers", Roles: []string{"member"}, QuotaAllowance: ptr(40)},
			"coder-admins": {CoderGroup: "platform-admins", Roles: []string{"owner"}},
		}, []Group{
			{Key: "developers", Name: "developers", IDPGroups: []string{"coder-users"}, QuotaAllowance: 40},
			{Key: "platform_admins", Name: "platform-admins", IDPGroups: []string{"coder-admins"}, QuotaAllowance: 3},
		}},
		{"an explicit 0 is kept", map[string]config.GroupMapping{
			"contractors": {CoderGroup: "contractors", Roles: []string{"member"}, QuotaAllowance: ptr(0)},
		}, []Group{
			{Key: "contractors", Name: "contractors", IDPGroups: []string{"contractors"}},
		}},
		{"two IdP groups into one keep the larger allowance", map[string]config.GroupMapping{
			"eng-a": {CoderGroup: "developers", Roles: []string{"member"}, QuotaAllowance: ptr(10)},
			"eng-b": {CoderGroup: "developers", Roles: []string{"member"}, QuotaAllowance: ptr(30)},
		}, []Group{
			{Key: "developers", Name: "developers", IDPGroups: []string{"eng-a", "eng-b"}, QuotaAllowance: 30},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// Unset allowances get max_workspaces_per_user's worth (3).
			got := groups(&config.Environment{IDPGroupMappings: tc.mappings}, 3)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("groups (-want +got):\n%s", diff)
			}
		})
	}
}

func ptr(n int) *int { return &n }
