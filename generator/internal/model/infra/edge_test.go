package infra

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/coder-eks/coder-eks/generator/internal/config"
	"github.com/coder-eks/coder-eks/generator/internal/plan/names"
)

// TestPlatformSecrets: the license secret exists where the Day-1/2 module
// runs, the primary region, and only there; a secondary region has its
// workspace proxy's token secret instead.
func TestPlatformSecrets(t *testing.T) {
	base := config.Environment{ProjectName: "coder", Environment: "prod", AWSRegion: "us-east-1", CoderSubdomain: "coder", BaseDomain: "example.com"}
	secondary := base
	secondary.AWSRegion = "eu-west-1"
	secondary.SecondaryRegion = &config.SecondaryRegion{}
	tests := []struct {
		name string
		c    config.Environment
		want []string
	}{
		{"primary", base, []string{"coder/prod/provisioner-key", "coder/prod/coderd-session-token", "coder/prod/flux-git-credentials", "coder/prod/license"}},
		{"secondary", secondary, []string{"coder/prod/provisioner-key", "coder/prod/coderd-session-token", "coder/prod/flux-git-credentials", "coder/prod/workspace-proxy/eu-west-1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, s := range platformSecrets(&tt.c, names.For(&tt.c)) {
				got = append(got, s.Name)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("secrets (-want +got):\n%s", diff)
			}
		})
	}
}
