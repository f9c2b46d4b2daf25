package validate

import (
	"strings"
	"testing"

	"github.com/coder-eks/coder-eks/generator/internal/load"
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
