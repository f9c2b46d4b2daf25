package report

import (
	"testing"

	"github.com/coder-eks/coder-eks/generator/internal/plan/capacity"
)

func TestMoney(t *testing.T) {
	for _, tc := range []struct {
		v    float64
		want string
	}{
		{0, "$0"}, {999.4, "$999"}, {999.5, "$1,000"}, {1000, "$1,000"}, {123456, "$123,456"}, {1234567.6, "$1,234,568"},
	} {
		if got := money(tc.v); got != tc.want {
			t.Errorf("money(%v) = %q, want %q", tc.v, got, tc.want)
		}
	}
}

// TestRowEscapesCellSeparator: a basis such as "a | b" must not split the
// Markdown table's cell.
func TestRowEscapesCellSeparator(t *testing.T) {
	var w writer
	w.row("a | b", "c")
	if got, want := w.String(), "| a \\| b | c |\n"; got != want {
		t.Errorf("row = %q, want %q", got, want)
	}
}

func TestSortRegions(t *testing.T) {
	r := func(name string, secondary bool) Region {
		return Region{Figures: capacity.Figures{Region: name, Secondary: secondary}}
	}
	regions := []Region{r("us-west-2", true), r("eu-west-1", true), r("us-east-1", false), r("ap-south-1", true)}
	SortRegions(regions)
	var got []string
	for _, x := range regions {
		got = append(got, x.Figures.Region)
	}
	want := []string{"us-east-1", "ap-south-1", "eu-west-1", "us-west-2"}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("SortRegions = %v, want %v (primary first, then by name)", got, want)
		}
	}
}
