package infra

import (
	"bytes"
	"strings"
	"testing"
)

// TestNoLocalExec (issue 10 item 22): the Day-0 module runs nothing on
// the applying machine: a local-exec provisioner needs a tool there (the
// AWS CLI) and uses its ambient credentials, not the provider's.
func TestNoLocalExec(t *testing.T) {
	for p, data := range render(t, prodModel(t)) {
		if strings.HasSuffix(p, ".tf.json") && bytes.Contains(data, []byte(`"local-exec"`)) {
			t.Errorf("%s has a local-exec provisioner", p)
		}
	}
}

// TestNodeCountNeedsBasicMonitoring: the node-count alarms read EC2's
// per-group CPUUtilization SampleCount, which counts nodes only with basic
// (5-minute) monitoring.
func TestNodeCountNeedsBasicMonitoring(t *testing.T) {
	for p, data := range render(t, prodModel(t)) {
		if strings.HasSuffix(p, "nodegroups.tf.json") && bytes.Contains(data, []byte(`"monitoring"`)) {
			t.Errorf("%s sets launch template monitoring; the node-count alarms assume basic monitoring", p)
		}
	}
}
