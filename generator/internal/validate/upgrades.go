package validate

import (
	"fmt"
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
// major version upgrade, which this module does not perform in place (its
// cluster parameter group's family changes, which forces a new group,
// and RDS needs allow_major_version_upgrade; Aurora User Guide, "Upgrading
// the PostgreSQL DB engine for Aurora PostgreSQL").
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

func checkAurora(env *load.Environment, committed, wanted string) diag.List {
	if committed == "" {
		return nil
	}
	cmaj, _, _ := strings.Cut(committed, ".")
	wmaj, _, _ := strings.Cut(wanted, ".")
	if cmaj == wmaj {
		return nil
	}
	return diag.List{finding(env, "aurora_engine_version", fmt.Sprintf(
		"%s changes the major version of the committed cluster's %s: a major version upgrade replaces the cluster parameter group (family aurora-postgresql%s → aurora-postgresql%s) and is not applied in place by this module (rule: Aurora major version only through the supported upgrade path); upgrade with an RDS blue/green deployment or `aws rds modify-db-cluster --allow-major-version-upgrade`, then set aurora_engine_version to what runs (docs/operations.md)",
		wanted, committed, cmaj, wmaj))}
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
