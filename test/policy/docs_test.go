package policy

import (
	"os"
	"strings"
	"testing"
)

// TestComplianceDoc keeps docs/reference/compliance-controls.md in step
// with the rules: each rule's ID and title appear in its table.
func TestComplianceDoc(t *testing.T) {
	data, err := os.ReadFile("../../docs/reference/compliance-controls.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	for _, r := range Rules {
		if row := "| " + r.ID + " | " + r.Title + " |"; !strings.Contains(doc, row) {
			t.Errorf("compliance-controls.md lacks the row %q", row)
		}
	}
	if got, want := strings.Count(doc, "\n| CKV"), len(Rules); got != want {
		t.Errorf("compliance-controls.md lists %d rules, the test has %d", got, want)
	}
}
