package infra

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// TestAuroraMinorUpgradesDoNotDrift (issue 10 item 19): with
// auto_minor_version_upgrade on, RDS moves the cluster to a newer minor
// version; the cluster must not hold engine_version against it, or the next
// plan tries to downgrade.
func TestAuroraMinorUpgradesDoNotDrift(t *testing.T) {
	var doc struct {
		Resource struct {
			Cluster map[string]struct {
				EngineVersion string `json:"engine_version"`
				Lifecycle     []struct {
					IgnoreChanges []string `json:"ignore_changes"`
				} `json:"lifecycle"`
			} `json:"aws_rds_cluster"`
			Instances map[string]struct {
				AutoMinor bool `json:"auto_minor_version_upgrade"`
			} `json:"aws_rds_cluster_instance"`
		} `json:"resource"`
	}
	for p, b := range render(t, prodModel(t)) {
		if strings.HasSuffix(p, "aurora.tf.json") {
			if err := json.Unmarshal(b, &doc); err != nil {
				t.Fatal(err)
			}
		}
	}
	autoMinor := false
	for _, i := range doc.Resource.Instances {
		autoMinor = autoMinor || i.AutoMinor
	}
	if !autoMinor {
		t.Fatal("no Aurora instance upgrades minor versions itself; this test guards that case")
	}
	c := doc.Resource.Cluster["this"]
	ignored := len(c.Lifecycle) > 0 && slices.Contains(c.Lifecycle[0].IgnoreChanges, "engine_version")
	if c.EngineVersion != "" && !ignored {
		t.Errorf("aws_rds_cluster.this pins engine_version %q while instances auto-upgrade minor versions: the next plan after an upgrade is a downgrade", c.EngineVersion)
	}
}
