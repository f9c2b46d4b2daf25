package infra

import (
	"encoding/json"

	"github.com/coder-eks/coder-eks/generator/internal/render/tfjson"
)

type widget struct {
	title   string
	metrics [][]any
}

// dashboard renders one CloudWatch dashboard with the alarms' metrics:
// coderd API latency and errors, the NLB, Aurora and node groups.
func (b *module) dashboard(f *tfjson.File) {
	o := b.m.Observability
	ns := o.MetricsNamespace
	nlbDims := []any{"LoadBalancer", tfjson.Attr(nlb, "arn_suffix")}
	widgets := []widget{
		{"coderd API latency (ms)", [][]any{
			{ns, metricLatency, map[string]string{"stat": "p95"}},
			{ns, metricLatency, map[string]string{"stat": "p99"}},
		}},
		{"coderd API requests and 5xx", [][]any{
			{ns, metricRequests, map[string]string{"stat": "Sum"}},
			{ns, metric5xx, map[string]string{"stat": "Sum"}},
		}},
		{"NLB flows", [][]any{
			append([]any{"AWS/NetworkELB", "ActiveFlowCount_TLS"}, nlbDims...),
			append([]any{"AWS/NetworkELB", "NewFlowCount_TLS"}, nlbDims...),
			append([]any{"AWS/NetworkELB", "TargetTLSNegotiationErrorCount"}, nlbDims...),
		}},
		{"NLB healthy coderd targets", [][]any{
			append([]any{"AWS/NetworkELB", "HealthyHostCount", "TargetGroup", tfjson.Attr(coderdTG, "arn_suffix")}, nlbDims...),
		}},
	}
	if b.m.Database != nil {
		db := b.m.Database.Identifier
		widgets = append(widgets, widget{"Aurora", [][]any{
			{"AWS/RDS", "CPUUtilization", "DBClusterIdentifier", db},
			{"AWS/RDS", "ServerlessDatabaseCapacity", "DBClusterIdentifier", db},
			{"AWS/RDS", "DatabaseConnections", "DBClusterIdentifier", db},
		}})
	}
	var groups [][]any
	for _, g := range b.m.NodeGroups {
		groups = append(groups, []any{"AWS/AutoScaling", "GroupInServiceInstances", "AutoScalingGroupName", nodeGroupASG(g.Key)})
	}
	widgets = append(widgets, widget{"Nodes in service per node group", groups})
	body, err := json.Marshal(map[string]any{"widgets": layout(widgets, b.m.Region)})
	if err != nil {
		panic(err) // only maps, slices and strings: cannot fail
	}
	f.Resource("aws_cloudwatch_dashboard", "coder", tfjson.Body{
		"dashboard_name": o.Dashboard,
		"dashboard_body": string(body),
	})
}

// layout places the widgets two per row.
func layout(ws []widget, region string) []map[string]any {
	const width, height = 12, 6
	var out []map[string]any
	for i, w := range ws {
		out = append(out, map[string]any{
			"type": "metric", "x": (i % 2) * width, "y": (i / 2) * height, "width": width, "height": height,
			"properties": map[string]any{
				"title": w.title, "region": region, "period": 300, "view": "timeSeries", "metrics": w.metrics,
			},
		})
	}
	return out
}
