package report_test

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/coder-eks/coder-eks/generator/internal/layout"
	"github.com/coder-eks/coder-eks/generator/pipeline"
	"github.com/coder-eks/coder-eks/generator/pipeline/pipelinetest"
)

const repoRoot = "../../../.."

var (
	// "| workspace nodes | 137 × r5.2xlarge: ... | ws_node_max_size = 140 | 3 |"
	nodeRow = regexp.MustCompile(`^\| (\S+) nodes \| (\d+) × [^|]* \| [a-z_]+ = (\d+) \| (-?\d+) \|$`)
	// "| pod IPs in us-east-1a | 2760 addresses for 46 workspace nodes | 10.40.0.0/20: 4091 usable | 1331 |"
	ipRow = regexp.MustCompile(`^\| pod IPs in \S+ \| (\d+) addresses [^|]* \| [^|]*: (\d+) usable \| (-?\d+) \|$`)
	// "| **Total, all month at full size, On-Demand** |  | **$12,345** |"
	totalRow  = regexp.MustCompile(`^\| \*\*Total[^|]*\*\* \|\s*\| \*\*\$([\d,]+)\*\* \|$`)
	costRow   = regexp.MustCompile(`^\| [^|*]+ \| [^|]* \| \$([\d,]+) \|$`)
	regionHdr = regexp.MustCompile(`^## (\S+) \((primary|secondary) region`)
)

// TestRenderedReport reads every shipped environment's capacity.md as an
// operator would and checks it adds up: each headroom is the limit less
// what is needed, the cost total is the sum of its lines, and there is one
// section per region, the primary first.
func TestRenderedReport(t *testing.T) {
	pipelinetest.EachShipped(t, repoRoot, func(t *testing.T, name string, fs pipeline.FileSet) {
		md, ok := fs[layout.CapacityReport]
		if !ok {
			t.Fatalf("no %s rendered", layout.CapacityReport)
		}
		var regions []string
		var checked, totals int
		sum := 0
		for _, line := range strings.Split(string(md), "\n") {
			if m := regionHdr.FindStringSubmatch(line); m != nil {
				regions = append(regions, m[2])
				sum = 0
			}
			if m := nodeRow.FindStringSubmatch(line); m != nil {
				checked++
				if need, limit, head := atoi(m[2]), atoi(m[3]), atoi(m[4]); head != limit-need {
					t.Errorf("%s nodes: headroom %d, but limit %d − needed %d = %d", m[1], head, limit, need, limit-need)
				}
			}
			if m := ipRow.FindStringSubmatch(line); m != nil {
				checked++
				if need, usable, head := atoi(m[1]), atoi(m[2]), atoi(m[3]); head != usable-need {
					t.Errorf("%q: headroom %d, but %d usable − %d needed = %d", line, head, usable, need, usable-need)
				}
			}
			if m := costRow.FindStringSubmatch(line); m != nil {
				sum += atoi(m[1])
			}
			if m := totalRow.FindStringSubmatch(line); m != nil {
				totals++
				// Each line and the total are rounded to the dollar.
				if total := atoi(m[1]); abs(total-sum) > 5 {
					t.Errorf("cost total $%d, but the lines add up to $%d", total, sum)
				}
			}
		}
		if checked == 0 || totals == 0 {
			t.Fatalf("found %d check rows and %d cost totals: the report's layout changed, update the patterns", checked, totals)
		}
		if len(regions) == 0 || regions[0] != "primary" || strings.Count(strings.Join(regions, " "), "primary") != 1 {
			t.Errorf("region sections %v: want the primary first, once", regions)
		}
		if totals != len(regions) {
			t.Errorf("%d cost totals for %d regions", totals, len(regions))
		}
	})
}

func atoi(s string) int {
	n, err := strconv.Atoi(strings.ReplaceAll(s, ",", ""))
	if err != nil {
		panic(err)
	}
	return n
}

func abs(n int) int { return max(n, -n) }
