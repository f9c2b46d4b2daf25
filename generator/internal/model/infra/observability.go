package infra

import (
	"github.com/coder-eks/coder-eks/generator/internal/config"
	"github.com/coder-eks/coder-eks/generator/internal/plan/capacity"
	"github.com/coder-eks/coder-eks/generator/internal/plan/names"
	"github.com/coder-eks/coder-eks/generator/internal/plan/quota"
)

// Observability is logging, auditing, alarms and dashboards.
type Observability struct {
	// ContainerInsightsLogGroups are created (encrypted, with retention)
	// before the Container Insights add-on would create them; empty when
	// Container Insights is off.
	ContainerInsightsLogGroups []string
	// CloudTrailBucket is empty when CloudTrail is off.
	CloudTrail, CloudTrailBucket string
	AlarmTopicARN                string // empty: alarms notify nobody
	AMPWorkspaceID               string // empty: no Amazon Managed Prometheus
	Dashboard                    string
	MetricsNamespace             string
	Alarms                       Alarms
	// RequestLog is coderd's request log format the metric filters read.
	RequestLog config.CoderdRequestLog
}

// Alarms are the thresholds of the CloudWatch alarms, as absolute values.
type Alarms struct {
	LatencyP95MS, LatencyP99MS int
	API5xxPercent              float64
	AuroraCPUPercent           int
	AuroraACU                  float64
	AuroraConnections          int
	NodeGroupPercent           int
}

// Quotas are the pre-flight quota checks.
type Quotas struct {
	Skip, AutoRequest bool
	Requirements      []quota.Requirement
}

func observability(c *config.Environment, n names.Names, cat config.Catalog) Observability {
	o := Observability{
		AlarmTopicARN:    c.AlertSNSTopicARN,
		Dashboard:        n.Monitoring.Dashboard,
		MetricsNamespace: n.Monitoring.MetricsSpace,
		RequestLog:       cat.CoderdRequestLog,
		Alarms: Alarms{
			LatencyP95MS:      c.APILatencyP95ThresholdMS,
			LatencyP99MS:      c.APILatencyP99ThresholdMS,
			API5xxPercent:     c.API5xxRateThresholdPct,
			AuroraCPUPercent:  c.AuroraCPUAlarmPct,
			AuroraACU:         c.AuroraMaxCapacity * float64(c.AuroraACUAlarmPct) / 100,
			AuroraConnections: capacity.AuroraMaxConnections(c.AuroraMaxCapacity, cat.Planning) * c.AuroraConnectionsAlarmPct / 100,
			NodeGroupPercent:  c.NodeGroupCapacityAlarmPct,
		},
	}
	if c.EnableContainerInsights {
		o.ContainerInsightsLogGroups = n.Logs.ContainerInsights
	}
	if c.EnableCloudTrail {
		o.CloudTrail, o.CloudTrailBucket = n.Monitoring.CloudTrail, n.Buckets.CloudTrail
	}
	if c.EnableAMPIntegration {
		o.AMPWorkspaceID = c.AMPWorkspaceID
	}
	return o
}
