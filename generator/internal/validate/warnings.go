package validate

import (
	"fmt"
	"sort"
	"time"

	"github.com/coder-eks/coder-eks/generator/internal/config"
	"github.com/coder-eks/coder-eks/generator/internal/diag"
	"github.com/coder-eks/coder-eks/generator/internal/model/capacity"
)

// dateLayout is the schema's date format (eks_releases).
const dateLayout = "2006-01-02"

// Warnings is advice about a checked environment that does not stop it
// from rendering: printed on stderr, never written into rendered/. today
// is the date the EKS release calendar is compared with; nothing else
// depends on it.
func Warnings(env *Checked, today time.Time) diag.List {
	var out diag.List
	out = append(out, eksSupport(env, today)...)
	c := &env.Config
	out = append(out, regionWarnings(env, c, env.Capacity, "")...)
	for _, r := range env.Secondaries {
		out = append(out, regionWarnings(env, &r.Config, r.Capacity, SecondaryField(r.Index, ""))...)
	}
	return out.Sorted()
}

func regionWarnings(env *Checked, c *config.Environment, f capacity.Figures, prefix string) diag.List {
	var out diag.List
	if d, ok := scaleIn(c, f); ok {
		out = append(out, finding(env.Environment, "scaling_schedule_stop", prefixed(prefix, d)))
	}
	if d, ok := singleTypeSpot(c); ok {
		out = append(out, finding(env.Environment, prefix+"ws_use_spot_instances", d))
	}
	return out
}

func prefixed(prefix, msg string) string {
	if prefix == "" {
		return msg
	}
	return fmt.Sprintf("%s: %s", prefix[:len(prefix)-1], msg)
}

// eksSupport warns when the cluster's Kubernetes version is past the end
// of EKS standard support: EKS then bills extended support per cluster
// hour and upgrades the cluster itself when that ends too.
func eksSupport(env *Checked, today time.Time) diag.List {
	c := &env.Config
	rel, ok := env.Catalog.EKSReleases[c.EKSClusterVersion]
	if !ok {
		return diag.List{finding(env.Environment, "eks_cluster_version",
			fmt.Sprintf("Kubernetes %s is not in schema/eks_releases.cue: its support dates are unknown", c.EKSClusterVersion))}
	}
	end, err := time.Parse(dateLayout, rel.EndOfStandardSupport)
	if err != nil || !today.After(end) {
		return nil
	}
	msg := fmt.Sprintf("Kubernetes %s left EKS standard support on %s: EKS bills extended support for the cluster until %s, then upgrades it itself",
		c.EKSClusterVersion, rel.EndOfStandardSupport, rel.EndOfExtendedSupport)
	if next := supportedVersion(env.Catalog.EKSReleases, today); next != "" {
		msg += fmt.Sprintf("; upgrade to %s", next)
	}
	return diag.List{finding(env.Environment, "eks_cluster_version", msg)}
}

// supportedVersion is the newest release still in standard support.
func supportedVersion(releases map[string]config.EKSRelease, today time.Time) string {
	var versions []string
	for v, r := range releases {
		if end, err := time.Parse(dateLayout, r.EndOfStandardSupport); err == nil && !today.After(end) {
			versions = append(versions, v)
		}
	}
	sort.Slice(versions, func(i, j int) bool { return versionLess(versions[i], versions[j]) })
	if len(versions) == 0 {
		return ""
	}
	return versions[len(versions)-1]
}

// versionLess orders "1.9" before "1.10".
func versionLess(a, b string) bool {
	var am, an, bm, bn int
	fmt.Sscanf(a, "%d.%d", &am, &an)
	fmt.Sscanf(b, "%d.%d", &bm, &bn)
	return am < bm || (am == bm && an < bn)
}

// scaleIn warns when the scheduled scale-down shrinks the workspace group
// below what its workspaces need: the Auto Scaling group then terminates
// nodes whatever runs on them, so workspaces still running at that hour
// die with their node.
func scaleIn(c *config.Environment, f capacity.Figures) (string, bool) {
	if c.WSNodeDesiredPeak == 0 || c.WSNodeMinSize >= f.Workspace.BaseNodes || f.Workspace.Fit.PerNode < 1 {
		return "", false
	}
	when := c.ScalingScheduleStop + " " + c.ScalingTimezone
	if w, ok := capacity.ReadWindow(c.ScalingScheduleStart, c.ScalingScheduleStop); ok {
		when = fmt.Sprintf("%02d:%02d %s (%s)", w.Stop/60, w.Stop%60, c.ScalingTimezone, w.DaysSpec)
	}
	return fmt.Sprintf("at %s the workspace node group is scaled in to ws_node_min_size = %d nodes (room for %d of %d workspaces); the Auto Scaling group terminates nodes whatever runs on them, so workspaces still running then stop with their node. Align Coder's autostop with the schedule: give the templates an autostop (default TTL or autostop requirement) that ends workspaces before then",
		when, c.WSNodeMinSize, c.WSNodeMinSize*f.Workspace.Fit.PerNode, c.MaxWorkspaces), true
}

// singleTypeSpot warns about Spot workspace nodes of one instance type:
// workspaces keep state (home volumes), and when that type's Spot
// capacity is reclaimed every workspace on it stops at once, with nothing
// of another type to move to.
func singleTypeSpot(c *config.Environment) (string, bool) {
	if !c.WSUseSpotInstances {
		return "", false
	}
	return fmt.Sprintf("workspace nodes are Spot instances of one type (%s): workspaces are stateful, and when Spot capacity of that type is reclaimed every workspace on it stops and none can start until it returns. Use On-Demand (ws_use_spot_instances: false) or a node group with several instance types",
		c.WSNodeInstanceType), true
}
