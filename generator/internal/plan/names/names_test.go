package names

import (
	"testing"

	"github.com/coder-eks/coder-eks/generator/internal/config"
)

func TestARNsUsePartition(t *testing.T) {
	c := &config.Environment{Partition: "aws-us-gov", AccountID: "111122223333", AWSRegion: "us-gov-west-1",
		ProjectName: "coder", Environment: "prod", TerraformStateRegion: "us-gov-east-1"}
	n := For(c)
	tests := []struct{ name, got, want string }{
		{"role", RoleARN(c, "r"), "arn:aws-us-gov:iam::111122223333:role/r"},
		{"kms alias", KMSAliasARN(c, "alias/k"), "arn:aws-us-gov:kms:us-gov-west-1:111122223333:alias/k"},
		{"aurora", AuroraClusterARN(c, n), "arn:aws-us-gov:rds:us-gov-west-1:111122223333:cluster:coder-prod"},
		// The state's key lives in the state bucket's region.
		{"state kms alias", StateKMSAliasARN(c, n), "arn:aws-us-gov:kms:us-gov-east-1:111122223333:" + n.StateKMSAlias},
		{"global service", ARN("aws", "s3", "", "", "bucket"), "arn:aws:s3:::bucket"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s ARN = %q, want %q", tt.name, tt.got, tt.want)
		}
	}
}
