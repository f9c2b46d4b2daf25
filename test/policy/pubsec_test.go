package policy

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// pubsec is the shipped PubSec (GovCloud) environment's rendered tree.
const pubsec = "../../rendered/pubsec"

// TestGovCloudRenderUsesItsPartition proves no rendered file of the
// GovCloud environment names the commercial partition: every ARN is built
// from the partition (arn:${data.aws_partition.current.partition}:... or
// arn:aws-us-gov:...), never a literal arn:aws:.
func TestGovCloudRenderUsesItsPartition(t *testing.T) {
	// An ARN's start: "arn:<partition>:" not inside a longer word
	// ("role-arn: arn:aws-us-gov:..." has one, "warn: restricted" none).
	arn := regexp.MustCompile(`(?:^|[^A-Za-z0-9_./-])arn:([a-z-]*):`)
	files := 0
	err := filepath.WalkDir(pubsec, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files++
		for _, m := range arn.FindAllStringSubmatch(string(data), -1) {
			if m[1] != "aws-us-gov" {
				t.Errorf("%s: ARN in partition %q", path, m[1])
			}
		}
		if strings.Contains(string(data), "arn:aws:") {
			t.Errorf("%s: literal arn:aws:", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files == 0 {
		t.Fatalf("no rendered files under %s", pubsec)
	}
}

// TestPubSecBaseline checks what the PubSec pattern adds to the baseline
// every module meets: FIPS endpoints for the provider and the state
// backend, a FIPS TLS policy on the NLB, no public EKS endpoint, no Spot,
// CloudTrail on, a year of log retention.
func TestPubSecBaseline(t *testing.T) {
	mods, err := LoadModules(pubsec + "/terraform/*/*.tf.json")
	if err != nil || len(mods) == 0 {
		t.Fatalf("load pubsec modules: %v (%d)", err, len(mods))
	}
	for _, m := range mods {
		t.Run(filepath.Base(m.Dir), func(t *testing.T) {
			for _, v := range PubSecViolations(m) {
				t.Error(v)
			}
		})
	}
	// The rules can fail: prod (commercial, Spot, 90 days) violates them.
	if v := PubSecViolations(prodInfra(t)); len(v) == 0 {
		t.Error("prod's infra module meets the PubSec rules; they cannot fail")
	}
}
