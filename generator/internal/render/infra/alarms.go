package infra

import (
	"fmt"
	"github.com/coder-eks/coder-eks/generator/internal/plan/capacity"

	"github.com/coder-eks/coder-eks/generator/internal/render/tfjson"
)

// Metric names of coderd's log metrics.
const (
	metricLatency  = "APIRequestLatency"
	metricRequests = "APIRequests"
	metric5xx      = "APIRequests5xx"
)

// logMetrics turn coderd's JSON request log (schema coderd_request_log:
// one entry per request with fields.status_code and fields.latency_ms,
// which coderd writes for every status only with the JSON sink and the
// request log's debug filter its Helm values set) into CloudWatch
// metrics. Upgraded WebSockets (101) are left out: their latency is the
// connection's lifetime. The 5xx filter emits 0 for every other request
// log entry, so the error rate is defined whenever requests are logged.
func (b *module) logMetrics(f *tfjson.File) {
	o := b.m.Observability
	l := o.RequestLog
	counted := fmt.Sprintf("%s >= %d", l.StatusField, l.FirstCountedStatus)
	for _, m := range []struct {
		key, name, pattern, value, unit string
		zero                            bool
	}{
		{"api_latency", metricLatency, fmt.Sprintf("{ %s && %s >= 0 }", counted, l.LatencyField), l.LatencyField, "Milliseconds", false},
		{"api_requests", metricRequests, fmt.Sprintf("{ %s }", counted), "1", "Count", false},
		{"api_5xx", metric5xx, fmt.Sprintf("{ %s >= %d }", l.StatusField, l.FirstErrorStatus), "1", "Count", true},
	} {
		t := tfjson.Body{
			"name":      m.name,
			"namespace": o.MetricsNamespace,
			"value":     m.value,
			"unit":      m.unit,
		}
		if m.zero {
			t["default_value"] = "0"
		}
		f.Resource("aws_cloudwatch_log_metric_filter", m.key, tfjson.Body{
			"name":                  b.m.Cluster.Name + "-" + m.key,
			"log_group_name":        tfjson.Attr("aws_cloudwatch_log_group.coderd", "name"),
			"pattern":               m.pattern,
			"metric_transformation": []tfjson.Body{t},
		})
	}
}

// alarms renders the seed's alerts, each notifying alert_sns_topic_arn
// when one is set.
func (b *module) alarms(f *tfjson.File) {
	b.auroraAlarms(f)
	b.nodeGroupAlarms(f)
	if !b.m.Secondary {
		b.apiAlarms(f)
	}
}

// apiAlarms watch coderd's API latency and error rate (see logMetrics).
func (b *module) apiAlarms(f *tfjson.File) {
	o := b.m.Observability
	a := o.Alarms
	for _, p := range []struct {
		stat      string
		threshold int
	}{{"p95", a.LatencyP95MS}, {"p99", a.LatencyP99MS}} {
		b.alarm(f, "api_latency_"+p.stat, tfjson.Body{
			"alarm_description":   fmt.Sprintf("coderd API latency %s above %d ms", p.stat, p.threshold),
			"namespace":           o.MetricsNamespace,
			"metric_name":         metricLatency,
			"extended_statistic":  p.stat,
			"period":              300,
			"evaluation_periods":  3,
			"threshold":           p.threshold,
			"comparison_operator": "GreaterThanThreshold",
			// No data: no request was logged in the period.
			"treat_missing_data": "notBreaching",
		})
	}
	count := func(id, metric string) tfjson.Body {
		return tfjson.Body{"id": id, "metric": []tfjson.Body{{
			"namespace": o.MetricsNamespace, "metric_name": metric, "period": 300, "stat": "Sum",
		}}}
	}
	b.alarm(f, "api_5xx_rate", tfjson.Body{
		"alarm_description":   fmt.Sprintf("More than %g%% of coderd API requests answer 5xx", a.API5xxPercent),
		"evaluation_periods":  2,
		"threshold":           a.API5xxPercent,
		"comparison_operator": "GreaterThanThreshold",
		"treat_missing_data":  "notBreaching",
		"metric_query": []tfjson.Body{
			count("errors", metric5xx),
			count("requests", metricRequests),
			{"id": "rate", "expression": "100 * errors / requests", "label": "5xx %", "return_data": true},
		},
	})
}

// auroraAlarms watch the database's CPU, capacity and connections.
func (b *module) auroraAlarms(f *tfjson.File) {
	if b.m.Database == nil {
		return
	}
	a := b.m.Observability.Alarms
	aurora := map[string]string{"DBClusterIdentifier": b.m.Database.Identifier}
	for _, r := range []struct {
		key, metric, stat, desc string
		threshold               float64
	}{
		{"aurora_cpu", "CPUUtilization", "Average", "Aurora CPU above %g%%", float64(a.AuroraCPUPercent)},
		{"aurora_acu", "ServerlessDatabaseCapacity", "Maximum", "Aurora capacity above %g ACU", a.AuroraACU},
		{"aurora_connections", "DatabaseConnections", "Maximum", "Aurora connections above %g", float64(a.AuroraConnections)},
	} {
		b.alarm(f, r.key, tfjson.Body{
			"alarm_description":   fmt.Sprintf(r.desc, r.threshold),
			"namespace":           "AWS/RDS",
			"metric_name":         r.metric,
			"dimensions":          aurora,
			"statistic":           r.stat,
			"period":              300,
			"evaluation_periods":  3,
			"threshold":           r.threshold,
			"comparison_operator": "GreaterThanThreshold",
		})
	}
}

// nodeGroupAlarms fire when a node group nears its max size.
func (b *module) nodeGroupAlarms(f *tfjson.File) {
	a := b.m.Observability.Alarms
	for _, g := range b.m.NodeGroups {
		limit := capacity.AlarmThreshold(g.Max, a.NodeGroupPercent)
		b.alarm(f, "nodegroup_capacity_"+g.Key, tfjson.Body{
			"alarm_description":   fmt.Sprintf("Node group %s at %d of its %d nodes", g.Name, limit, g.Max),
			"namespace":           nodeCountMetric.namespace,
			"metric_name":         nodeCountMetric.name,
			"dimensions":          map[string]string{"AutoScalingGroupName": nodeGroupASG(g.Key)},
			"statistic":           nodeCountMetric.statistic,
			"period":              300,
			"evaluation_periods":  2,
			"threshold":           limit,
			"comparison_operator": "GreaterThanOrEqualToThreshold",
			"treat_missing_data":  "notBreaching",
		})
	}
}

func (b *module) alarm(f *tfjson.File, key string, body tfjson.Body) {
	body["alarm_name"] = b.m.Cluster.Name + "-" + dashed(key)
	if t := b.m.Observability.AlarmTopicARN; t != "" {
		body["alarm_actions"] = []string{t}
		body["ok_actions"] = []string{t}
	}
	f.Resource("aws_cloudwatch_metric_alarm", key, body)
}

// nodeCountMetric counts a node group's running nodes without Auto
// Scaling group metrics, which EKS leaves off on the groups it creates and
// no provider resource can turn on for an ASG Terraform did not create
// (the former local-exec `aws autoscaling enable-metrics-collection` needed
// the AWS CLI, with whatever credentials it found, on every applying
// machine). EC2 publishes CPUUtilization per AutoScalingGroupName for
// instances in a group; with basic monitoring (the node launch templates
// do not enable detailed monitoring) each instance reports once per
// 5-minute period, so the period's SampleCount is the number of nodes.
var nodeCountMetric = struct{ namespace, name, statistic string }{"AWS/EC2", "CPUUtilization", "SampleCount"}

// nodeGroupASG is the name of a node group's Auto Scaling group.
func nodeGroupASG(key string) string {
	return tfjson.Ref("aws_eks_node_group." + key + ".resources[0].autoscaling_groups[0].name")
}
