package infra

import (
	"strings"

	"github.com/coder-eks/coder-eks/generator/internal/render/tfjson"
)

const ampWorkspace = "data.aws_prometheus_workspace.amp"

// observability renders the log groups the seed's runbooks name (and those
// Container Insights would otherwise create unencrypted and kept forever),
// the CloudTrail trail, the Amazon Managed Prometheus workspace lookup,
// coderd's log metrics, the alarms and the dashboard.
func (b *module) observability(f *tfjson.File) {
	lg := b.m.LogGroups
	b.logGroup(f, "coderd", lg.Coderd)
	b.logGroup(f, "provisioner", lg.Provisioner)
	b.logGroup(f, "workspaces", lg.Workspaces)
	o := b.m.Observability
	for _, name := range o.ContainerInsightsLogGroups {
		b.logGroup(f, ciLogGroupKey(name), name)
	}
	if o.AMPWorkspaceID != "" {
		f.Data("aws_prometheus_workspace", "amp", tfjson.Body{"workspace_id": o.AMPWorkspaceID})
	}
	if o.CloudTrail != "" {
		b.cloudTrail(f)
	}
	if !b.m.Secondary {
		// Workspace proxies take no log filter (coder v2.26/v2.36
		// codersdk/deployment.go: log-filter is not an external-proxies
		// option), so their non-5xx requests stay at debug level unless
		// every debug line is shipped: no request metrics, no API alarms
		// in a secondary region.
		b.logMetrics(f)
	}
	b.alarms(f)
	b.dashboard(f)
}

func ciLogGroupKey(name string) string {
	return "container_insights_" + name[strings.LastIndex(name, "/")+1:]
}

// ciLogGroups are the addresses of the Container Insights log groups, which
// must exist before the add-on starts writing.
func (b *module) ciLogGroups() []string {
	var out []string
	for _, name := range b.m.Observability.ContainerInsightsLogGroups {
		out = append(out, "aws_cloudwatch_log_group."+ciLogGroupKey(name))
	}
	return out
}
