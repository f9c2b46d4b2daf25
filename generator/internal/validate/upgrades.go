package validate

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/coder-eks/coder-eks/generator/internal/diag"
	"github.com/coder-eks/coder-eks/generator/internal/load"
)

// checkUpgrades refuses version changes AWS would refuse or only make by
// replacing what holds state, relative to what is committed (the versions
// running): EKS upgrades the control plane one minor version at a time
// and never downgrades (Amazon EKS User Guide, "Update existing cluster to
// new Kubernetes version"); an Aurora PostgreSQL major-version change is a
// major-version upgrade, rendered in place only with an explicit opt-in
// and one major at a time (checkAurora).
func checkUpgrades(env *load.Environment) diag.List {
	var errs diag.List
	c := &env.Config
	if mod, ok := env.Committed[""]; ok {
		errs = append(errs, checkEKS(env, mod.EKSVersion, c.EKSClusterVersion, "")...)
		errs = append(errs, checkAurora(env, mod.AuroraVersion, c.AuroraEngineVersion)...)
	}
	for i, s := range c.SecondaryRegions {
		if mod, ok := env.Committed[s.Region]; ok {
			errs = append(errs, checkEKS(env, mod.EKSVersion, c.EKSClusterVersion, fmt.Sprintf(" (secondary_regions[%d] %s)", i, s.Region))...)
		}
	}
	return errs
}

func checkEKS(env *load.Environment, committed, wanted, where string) diag.List {
	if committed == "" || committed == wanted {
		return nil
	}
	cm, ok1 := minor(committed)
	wm, ok2 := minor(wanted)
	if !ok1 || !ok2 {
		return nil
	}
	const field = "eks_cluster_version"
	switch {
	case wm < cm:
		return diag.List{finding(env, field, fmt.Sprintf("%s is older than the committed cluster's %s%s: EKS cannot downgrade a cluster (rule: EKS upgrades only, one minor version at a time)", wanted, committed, where))}
	case wm > cm+1:
		return diag.List{finding(env, field, fmt.Sprintf("%s skips from the committed cluster's %s%s: EKS upgrades the control plane one minor version at a time (rule: EKS upgrades one minor at a time); set %s, render, apply, then move on", wanted, committed, where, fmt.Sprintf("1.%d", cm+1)))}
	}
	return nil
}

// checkAurora refuses an Aurora major-version change unless the
// environment opts in to it (aurora_major_version_upgrade), and then only
// along schema.aurora_major_upgrades from the committed cluster's major.
// A downgrade is refused always: RDS has none; the way back is a restore
// from the snapshot taken before the upgrade. Once the upgrade is
// rendered and committed the majors agree and nothing is checked, so
// `-check` on the upgrade's own commit passes.
func checkAurora(env *load.Environment, committed, wanted string) diag.List {
	if committed == "" {
		return nil
	}
	const field = "aurora_engine_version"
	cmaj, _, _ := strings.Cut(committed, ".")
	wmaj, _, _ := strings.Cut(wanted, ".")
	cn, err1 := strconv.Atoi(cmaj)
	wn, err2 := strconv.Atoi(wmaj)
	if err1 != nil || err2 != nil || cn == wn {
		return nil
	}
	opt := env.Config.AuroraMajorUpgrade
	targets := env.Catalog.AuroraMajorUpgrades[cmaj]
	switch {
	case wn < cn:
		return diag.List{finding(env, field, fmt.Sprintf(
			"%s is older than the committed cluster's %s: RDS cannot downgrade a major version (rule: Aurora major versions only go up); the way back from an upgrade is a restore from the snapshot taken before it (docs/operations.md, \"Aurora major-version upgrade\")",
			wanted, committed))}
	case !slices.Contains(targets, wn):
		return diag.List{finding(env, field, fmt.Sprintf(
			"%s skips from the committed cluster's %s: Aurora majors are upgraded one at a time (rule: schema/aurora_upgrades.cue, %s may upgrade to %s); set %s, render, apply, verify, then move on",
			wanted, committed, cmaj, majors(targets), nextMajor(targets)))}
	case opt == nil:
		return diag.List{finding(env, field, fmt.Sprintf(
			"%s changes the major version of the committed cluster's %s: a major-version upgrade takes the database down for its duration and has no way back but a snapshot restore (rule: Aurora major version only with an explicit opt-in); take a cluster snapshot and add aurora_major_version_upgrade: {to: %d, snapshot_identifier: \"<snapshot>\"} (docs/operations.md, \"Aurora major-version upgrade\")",
			wanted, committed, wn))}
	}
	return nil
}

// majors lists major versions for a message: "17", "15 or 16", "none".
func majors(ms []int) string {
	if len(ms) == 0 {
		return "none"
	}
	s := make([]string, len(ms))
	for i, m := range ms {
		s[i] = strconv.Itoa(m)
	}
	return strings.Join(s, " or ")
}

// nextMajor is what to set instead of a skip: the first allowed target.
func nextMajor(ms []int) string {
	if len(ms) == 0 {
		return "the committed major"
	}
	return fmt.Sprintf("a %d.x version", ms[0])
}

// minor is the minor number of a "1.NN" Kubernetes version.
func minor(v string) (int, bool) {
	rest, ok := strings.CutPrefix(v, "1.")
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(rest)
	return n, err == nil
}
