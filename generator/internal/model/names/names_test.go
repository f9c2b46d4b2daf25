package names

import (
	"strings"
	"testing"

	"github.com/coder-eks/coder-eks/generator/internal/config"
)

func TestTargetGroupName(t *testing.T) {
	long := "abcdefghijklmnopqrst-abcdefghijklmnopqrst" // 20-char project and environment
	tests := []struct {
		name, cluster string
		want          string
	}{
		{"fits", "coder-prod", "coder-prod-coderd"},
		{"exactly 32", strings.Repeat("a", 25), strings.Repeat("a", 25) + "-coderd"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := targetGroupName(tt.cluster, "coderd"); got != tt.want {
				t.Errorf("targetGroupName = %q, want %q", got, tt.want)
			}
		})
	}
	a := targetGroupName(long, "coderd")
	b := targetGroupName(long[:40]+"u", "coderd")
	if len(a) > 32 || len(b) > 32 {
		t.Errorf("names longer than 32: %q, %q", a, b)
	}
	if a == b {
		t.Errorf("two long cluster names give the same target group %q", a)
	}
	if !strings.HasPrefix(a, long[:10]) || !strings.Contains(a, "-coderd-") {
		t.Errorf("cut name %q does not keep the cluster prefix and suffix", a)
	}
}

func TestARNsUsePartition(t *testing.T) {
	c := &config.Environment{Partition: "aws-us-gov", AccountID: "111122223333", AWSRegion: "us-gov-west-1"}
	if got, want := RoleARN(c, "r"), "arn:aws-us-gov:iam::111122223333:role/r"; got != want {
		t.Errorf("RoleARN = %q, want %q", got, want)
	}
	if got, want := KMSAliasARN(c, "alias/k"), "arn:aws-us-gov:kms:us-gov-west-1:111122223333:alias/k"; got != want {
		t.Errorf("KMSAliasARN = %q, want %q", got, want)
	}
}
