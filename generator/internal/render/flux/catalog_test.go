package flux_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	helmv2 "github.com/fluxcd/helm-controller/api/v2"
	sourcev1 "github.com/fluxcd/source-controller/api/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/coder-eks/coder-eks/generator/internal/config"
	"github.com/coder-eks/coder-eks/generator/internal/load"
	"github.com/coder-eks/coder-eks/generator/internal/plan/names"
)

// release is a built HelmRelease with its values (from its ConfigMap) and
// the URL of the HelmRepository it installs from.
type release struct {
	hr     *helmv2.HelmRelease
	values map[string]any
	repo   string
}

func releases(t *testing.T, tr tree) map[string]release {
	t.Helper()
	ix := newIndex(t, tr)
	out := map[string]release{}
	for _, o := range tr.Objects {
		if o.kind() != "HelmRelease" {
			continue
		}
		hr := decode[helmv2.HelmRelease](t, o)
		r := release{hr: hr, values: map[string]any{}}
		sr := hr.Spec.Chart.Spec.SourceRef
		if src, ok := ix.objects[ref{sr.Kind, orDefault(sr.Namespace, hr.Namespace), sr.Name}]; ok {
			r.repo = decode[sourcev1.HelmRepository](t, src).Spec.URL
		}
		for _, v := range hr.Spec.ValuesFrom {
			if cm, ok := ix.objects[ref{v.Kind, hr.Namespace, v.Name}]; ok {
				data := decode[corev1.ConfigMap](t, cm).Data[orDefault(v.ValuesKey, "values.yaml")]
				if err := yaml.Unmarshal([]byte(data), &r.values); err != nil {
					t.Fatalf("%s values: %v", hr.Name, err)
				}
			}
		}
		out[hr.Spec.ReleaseName] = r
	}
	return out
}

// covers reports the needs that no grant covers, as group/resource:verb.
func covers(grants, needs []config.RBACRule) []string {
	granted := map[string]bool{}
	for _, g := range grants {
		for _, r := range g.Resources {
			for _, v := range g.Verbs {
				granted[g.Group+"/"+r+":"+v] = true
			}
		}
	}
	var missing []string
	for _, n := range needs {
		for _, r := range n.Resources {
			for _, v := range n.Verbs {
				if k := n.Group + "/" + r + ":" + v; !granted[k] {
					missing = append(missing, k)
				}
			}
		}
	}
	return missing
}

func TestCovers(t *testing.T) {
	grants := []config.RBACRule{{Group: "", Resources: []string{"pods", "nodes"}, Verbs: []string{"get", "list", "watch"}}}
	if got := covers(grants, []config.RBACRule{{Group: "", Resources: []string{"pods"}, Verbs: []string{"list"}}}); len(got) != 0 {
		t.Errorf("a granted need is reported missing: %v", got)
	}
	got := covers(grants, []config.RBACRule{{Group: "resource.k8s.io", Resources: []string{"resourceslices"}, Verbs: []string{"watch"}}, {Group: "", Resources: []string{"nodes"}, Verbs: []string{"update"}}})
	if want := []string{"resource.k8s.io/resourceslices:watch", "/nodes:update"}; !slices.Equal(got, want) {
		t.Errorf("missing = %v, want %v", got, want)
	}
}

// minor is "1.35" of "v1.35.0".
func minor(tag string) string {
	parts := strings.SplitN(strings.TrimPrefix(tag, "v"), ".", 3)
	if len(parts) < 2 {
		return tag
	}
	return parts[0] + "." + parts[1]
}

// TestCatalogueData checks schema.components against itself: every
// autoscaler release the catalogue pairs with a Kubernetes minor ships an
// image of that minor whose needs its chart's RBAC covers.
func TestCatalogueData(t *testing.T) {
	env, err := load.Load(repoRoot, "prod")
	if err != nil {
		t.Fatal(err)
	}
	ca := env.Catalog.Components.Autoscaler
	for k8s, chart := range ca.ByKubernetes {
		rel, ok := ca.Charts[chart]
		if !ok {
			t.Errorf("Kubernetes %s: chart %s is not in charts", k8s, chart)
			continue
		}
		if minor(rel.ImageTag) != k8s {
			t.Errorf("Kubernetes %s: chart %s ships image %s, another minor", k8s, chart, rel.ImageTag)
		}
	}
	for chart, rel := range ca.Charts {
		needs, ok := ca.Needs[minor(rel.ImageTag)]
		if !ok {
			t.Errorf("chart %s: no needs recorded for image %s", chart, rel.ImageTag)
		}
		if m := covers(rel.RBAC, needs); len(m) > 0 {
			t.Errorf("chart %s does not grant what its image %s needs: %v", chart, rel.ImageTag, m)
		}
	}
}

// checkCatalogue checks a cluster's rendered tree against
// schema.components: each catalogued release installs its chart from its
// repository at a catalogued version; the autoscaler runs the image its
// chart release ships, whose needs the chart grants; the STUN server keeps
// its image's capabilities and has its writable paths; with FIPS every
// AWS-calling component is switched to FIPS endpoints, and never without.
func checkCatalogue(t *testing.T, tr tree, envName string, region string) {
	env, err := load.Load(repoRoot, envName)
	if err != nil {
		t.Fatal(err)
	}
	comps := env.Catalog.Components
	c := env.Config
	rels := releases(t, tr)

	charts := map[string]config.Chart{
		"cluster-autoscaler":           comps.Autoscaler.Chart,
		"aws-load-balancer-controller": comps.LBController.Chart,
		"external-secrets":             comps.ESO.Chart,
		"fluent-bit":                   comps.FluentBit.Chart,
		"tofu-controller":              comps.Tofu.Chart,
	}
	for name, want := range charts {
		r, ok := rels[name]
		if !ok {
			if name != "tofu-controller" || region == "" {
				t.Errorf("no release %s", name)
			}
			continue
		}
		spec := r.hr.Spec.Chart.Spec
		if spec.Chart != want.Name || r.repo != want.Repository {
			t.Errorf("%s installs chart %s from %s, want %s from %s (schema.components)", name, spec.Chart, r.repo, want.Name, want.Repository)
		}
		if want.Version != "" && spec.Version != want.Version {
			t.Errorf("%s chart version %s, want %s (schema.components)", name, spec.Version, want.Version)
		}
	}

	if r, ok := rels["cluster-autoscaler"]; ok {
		version := r.hr.Spec.Chart.Spec.Version
		rel, ok := comps.Autoscaler.Charts[version]
		tag, _ := r.values["image"].(map[string]any)["tag"].(string)
		switch {
		case !ok:
			t.Errorf("cluster-autoscaler chart %s is not catalogued", version)
		case tag != rel.ImageTag:
			t.Errorf("cluster-autoscaler chart %s runs image %s, but that chart release ships %s", version, tag, rel.ImageTag)
		case minor(tag) != c.EKSClusterVersion:
			t.Errorf("cluster-autoscaler image %s on Kubernetes %s", tag, c.EKSClusterVersion)
		default:
			if m := covers(rel.RBAC, comps.Autoscaler.Needs[minor(tag)]); len(m) > 0 {
				t.Errorf("cluster-autoscaler image %s needs what chart %s does not grant: %v", tag, version, m)
			}
		}
	}

	checkFIPS(t, rels, env)
	if region == "" && c.EnableSTUN {
		checkSTUN(t, tr, comps.Coturn)
	}
}

// checkFIPS: FIPS env vars (and Fluent Bit's FIPS hosts) in the values of
// every component that calls AWS, exactly when use_fips_endpoints is on.
func checkFIPS(t *testing.T, rels map[string]release, env *load.Environment) {
	comps := env.Catalog.Components
	fips := env.Config.UseFIPSEndpoints
	envKeys := map[string]struct {
		key  string
		fips config.FIPS
	}{
		"cluster-autoscaler":           {"extraEnv", comps.Autoscaler.FIPS},
		"aws-load-balancer-controller": {"env", comps.LBController.FIPS},
		"external-secrets":             {"extraEnv", comps.ESO.FIPS},
	}
	for name, e := range envKeys {
		r, ok := rels[name]
		if !ok {
			continue
		}
		got := map[string]string{}
		switch v := r.values[e.key].(type) {
		case map[string]any:
			for k, x := range v {
				got[k] = fmt.Sprint(x)
			}
		case []any:
			for _, x := range v {
				m := x.(map[string]any)
				got[fmt.Sprint(m["name"])] = fmt.Sprint(m["value"])
			}
		}
		for k, want := range e.fips.Env {
			if fips && got[k] != want {
				t.Errorf("%s: %s.%s = %q, want %q (use_fips_endpoints)", name, e.key, k, got[k], want)
			}
			if !fips && got[k] != "" {
				t.Errorf("%s: %s.%s set without use_fips_endpoints", name, e.key, k)
			}
		}
	}
	if r, ok := rels["fluent-bit"]; ok {
		outputs, _ := r.values["config"].(map[string]any)["outputs"].(string)
		for _, svc := range comps.FluentBit.FIPS.Services {
			key := map[string]string{"logs": "endpoint", "sts": "sts_endpoint"}[svc]
			host := strings.ReplaceAll(env.Catalog.FIPSHosts[env.Config.Partition][svc], "{region}", env.Config.AWSRegion)
			n := strings.Count(outputs, "    "+fmt.Sprintf("%-20s %s", key, host)+"\n")
			outs := strings.Count(outputs, "[OUTPUT]")
			if fips && (host == "" || n != outs) {
				t.Errorf("fluent-bit: %d of %d outputs set %s %q (use_fips_endpoints)", n, outs, key, host)
			}
			if !fips && strings.Contains(outputs, " "+key+" ") {
				t.Errorf("fluent-bit: %s set without use_fips_endpoints", key)
			}
		}
	}
}

// checkSTUN: the STUN container keeps the capabilities its image's binary
// needs and has an emptyDir at each path the image writes.
func checkSTUN(t *testing.T, tr tree, img config.ImageComponent) {
	for _, o := range tr.Objects {
		if o.kind() != "Deployment" || o.meta("namespace") != names.CoderNamespace || !strings.Contains(o.meta("name"), "stun") {
			continue
		}
		d := decode[appsv1.Deployment](t, o)
		spec := d.Spec.Template.Spec
		ctr := spec.Containers[0]
		sc := ctr.SecurityContext
		var added []string
		if sc != nil && sc.Capabilities != nil {
			for _, cp := range sc.Capabilities.Add {
				added = append(added, string(cp))
			}
		}
		for _, want := range img.Capabilities {
			if !slices.Contains(added, want) {
				t.Errorf("%s: capability %s not added (image %s sets it as a file capability; exec fails without it); added %v", o, want, img.Image, added)
			}
		}
		if sc != nil && sc.RunAsUser != nil && *sc.RunAsUser != img.RunAs {
			t.Errorf("%s: runs as %d, image user is %d", o, *sc.RunAsUser, img.RunAs)
		}
		readOnly := sc != nil && sc.ReadOnlyRootFilesystem != nil && *sc.ReadOnlyRootFilesystem
		empty := map[string]bool{}
		for _, v := range spec.Volumes {
			if v.EmptyDir != nil {
				empty[v.Name] = true
			}
		}
		for _, p := range img.WritablePaths {
			ok := !readOnly
			for _, m := range ctr.VolumeMounts {
				if m.MountPath == p && empty[m.Name] && !m.ReadOnly {
					ok = true
				}
			}
			if !ok {
				t.Errorf("%s: read-only root filesystem and no writable emptyDir at %s, which image %s writes", o, p, img.Image)
			}
		}
		return
	}
	t.Error("no STUN Deployment in the coder namespace")
}

// checkForwardOnly: the releases of the coder chart (coderd, and a
// region's workspace proxy) are never rolled back by helm-controller:
// coderd's migrations only go forward, so an older binary must not start
// against a schema a newer one migrated.
func checkForwardOnly(t *testing.T, tr tree) {
	for name, r := range releases(t, tr) {
		if r.hr.Spec.Chart.Spec.Chart != "coder" {
			continue
		}
		u := r.hr.Spec.Upgrade
		if u == nil || u.Remediation == nil {
			t.Errorf("HelmRelease %s: no upgrade remediation set: helm-controller's default may change", name)
			continue
		}
		rem := u.Remediation
		if rem.GetStrategy() == helmv2.RollbackRemediationStrategy && (rem.Retries != 0 || rem.MustRemediateLastFailure()) {
			t.Errorf("HelmRelease %s: a failed upgrade is rolled back (retries %d, remediateLastFailure %v): an older coderd would run against a migrated schema", name, rem.Retries, rem.MustRemediateLastFailure())
		}
	}
}

// checkKeyRotation: when the Day-1/2 module rotates the provisioner key
// and External Secrets writes the new one, the provisioner pods restart
// onto it by themselves: their release reads a value derived from the key
// Secret into a pod annotation (valuesFrom, so the pod template changes),
// from the same Secret the pods read the key from (one write changes
// both), labelled for helm-controller to watch.
func checkKeyRotation(t *testing.T, tr tree) {
	for name, r := range releases(t, tr) {
		if r.hr.Spec.Chart.Spec.Chart != "coder-provisioner" {
			continue
		}
		pd, _ := r.values["provisionerDaemon"].(map[string]any)
		keySecret, _ := pd["keySecretName"].(string)
		keyKey, _ := pd["keySecretKey"].(string)
		ns := orDefault(r.hr.Spec.TargetNamespace, r.hr.Namespace)
		var es *externalSecret
		for _, o := range tr.Objects {
			if o.kind() == "ExternalSecret" && o.meta("namespace") == ns {
				if e := decode[externalSecret](t, o); e.secretName() == keySecret {
					es = e
				}
			}
		}
		if es == nil {
			t.Errorf("%s: no ExternalSecret writes its key Secret %s/%s", name, ns, keySecret)
			continue
		}
		trigger := false
		for _, v := range r.hr.Spec.ValuesFrom {
			if v.Kind != "Secret" || v.Name != keySecret || !strings.HasPrefix(v.TargetPath, "coder.podAnnotations.") {
				continue
			}
			tmpl := es.Spec.Target.Template
			switch {
			case r.hr.Namespace != ns:
				t.Errorf("%s: HelmRelease in %s cannot read Secret %s/%s", name, r.hr.Namespace, ns, keySecret)
			case tmpl == nil || !strings.Contains(tmpl.Data[v.ValuesKey], "."+keyKey) || !strings.Contains(tmpl.Data[v.ValuesKey], "sha256sum"):
				t.Errorf("%s: %s.%s is not a hash of the key %q", name, keySecret, v.ValuesKey, keyKey)
			case tmpl.Metadata.Labels["reconcile.fluxcd.io/watch"] != "Enabled":
				t.Errorf("%s: Secret %s is not labelled for helm-controller to watch: a rotation would not upgrade the release", name, keySecret)
			default:
				trigger = true
			}
		}
		if !trigger {
			t.Errorf("HelmRelease %s: nothing restarts the provisioners when Secret %s/%s (their key) changes; a rotated key leaves them on the deleted one", name, ns, keySecret)
		}
	}
}

// checkRegionWorkloads: a secondary cluster can run what its node groups
// are sized for: provisioners (in coder-prov, with their key from the
// region's store) and workspaces (coder-ws, a default StorageClass, the
// provisioners' rights there).
func checkRegionWorkloads(t *testing.T, tr tree) {
	ix := newIndex(t, tr)
	for _, ns := range []string{names.CoderNamespace, names.ProvisionerNamespace, names.WorkspaceNamespace} {
		if !ix.namespaces[ns] {
			t.Errorf("no namespace %s", ns)
		}
	}
	prov := false
	for _, r := range releases(t, tr) {
		if r.hr.Spec.Chart.Spec.Chart == "coder-provisioner" && orDefault(r.hr.Spec.TargetNamespace, r.hr.Namespace) == names.ProvisionerNamespace {
			prov = true
		}
	}
	if !prov {
		t.Error("no coder-provisioner release: the provisioner node group would idle")
	}
	defaultClass, rbac := false, false
	for _, o := range tr.Objects {
		switch {
		case o.kind() == "StorageClass":
			md, _ := o.U["metadata"].(map[string]any)
			ann, _ := md["annotations"].(map[string]any)
			defaultClass = defaultClass || ann["storageclass.kubernetes.io/is-default-class"] == "true"
		case o.kind() == "RoleBinding" && o.meta("namespace") == names.WorkspaceNamespace:
			subjects, _ := o.U["subjects"].([]any)
			for _, s := range subjects {
				m := s.(map[string]any)
				rbac = rbac || (m["name"] == names.ProvisionerServiceAccount && m["namespace"] == names.ProvisionerNamespace)
			}
		}
	}
	if !defaultClass {
		t.Error("no default StorageClass: workspace volumes cannot be provisioned")
	}
	if !rbac {
		t.Errorf("provisioners have no rights in %s", names.WorkspaceNamespace)
	}
}
