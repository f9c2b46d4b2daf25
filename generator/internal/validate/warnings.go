package validate

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/coder-eks/coder-eks/generator/internal/config"
	"github.com/coder-eks/coder-eks/generator/internal/diag"
	"github.com/coder-eks/coder-eks/generator/internal/plan"
	"github.com/coder-eks/coder-eks/generator/internal/plan/capacity"
)

// dateLayout is the schema's date format (eks_releases).
const dateLayout = "2006-01-02"

// Warnings is advice about a derived, checked environment that does not stop it
// from rendering: printed on stderr, never written into rendered/. today
// is the date the EKS release calendar is compared with; nothing else
// depends on it.
func Warnings(env *plan.Environment, today time.Time) diag.List {
	var out diag.List
	out = append(out, eksSupport(env, today)...)
	out = append(out, auroraUpgradeDone(env)...)
	c := &env.Config
	out = append(out, regionWarnings(env, c, env.Capacity, "")...)
	for _, r := range env.Secondaries {
		out = append(out, regionWarnings(env, &r.Config, r.Capacity, SecondaryField(r.Index, ""))...)
	}
	return out.Sorted()
}

func regionWarnings(env *plan.Environment, c *config.Environment, f capacity.Figures, prefix string) diag.List {
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
func eksSupport(env *plan.Environment, today time.Time) diag.List {
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

// scaleIn warns when the workspace groups have a business-hours schedule
// but no autostop can be derived from it (capacity.AutostopFor: the crons
// are not one daily window): the evening action lowers the groups'
// minimum, yet nothing stops the workspaces, so their nodes stay all
// night and the schedule saves little.
func scaleIn(c *config.Environment, f capacity.Figures) (string, bool) {
	if c.WSNodeDesiredPeak == 0 || f.Autostop != nil {
		return "", false
	}
	return fmt.Sprintf("the workspace schedule (%q to %q, %s) is not one daily window, so coder-eks derives no autostop for the templates: workspaces still running after the scale-in keep their nodes. Use one start and one stop time on the same days, or set ws_node_desired_peak: 0 for no schedule",
		c.ScalingScheduleStart, c.ScalingScheduleStop, c.ScalingTimezone), true
}

// singleTypeSpot warns about Spot workspace nodes of one instance type:
// workspaces keep state (home volumes), and when that type's Spot
// capacity is reclaimed every workspace on it stops at once, with nothing
// of another type to move to.
func singleTypeSpot(c *config.Environment) (string, bool) {
	if !c.WSUseSpotInstances || len(c.WSSpotAlternativeTypes) > 0 {
		return "", false
	}
	return fmt.Sprintf("workspace nodes are Spot instances of one type (%s): workspaces are stateful, and when Spot capacity of that type is reclaimed every workspace on it stops and none can start until it returns. Use On-Demand (ws_use_spot_instances: false) or add types of the same size to ws_spot_alternative_types",
		c.WSNodeInstanceType), true
}

// auroraUpgradeDone reminds that aurora_major_version_upgrade is for one
// change: once the committed cluster is at its target, engine_version is
// applied, not ignored, and the first minor upgrade AWS makes would turn
// the next plan into a downgrade RDS refuses.
func auroraUpgradeDone(env *plan.Environment) diag.List {
	opt := env.Config.AuroraMajorUpgrade
	mod, ok := env.Committed[""]
	if opt == nil || !ok {
		return nil
	}
	if maj, _, _ := strings.Cut(mod.AuroraVersion, "."); maj != strconv.Itoa(opt.To) {
		return nil
	}
	return diag.List{finding(env.Environment, "aurora_major_version_upgrade", fmt.Sprintf(
		"the committed cluster is already rendered at major %d: once the upgrade is applied and verified, remove aurora_major_version_upgrade so that engine_version is left to the cluster's minor upgrades again (docs/operations.md, \"Aurora major-version upgrade\")", opt.To))}
}
