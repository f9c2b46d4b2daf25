package layout

import (
	"strings"
	"testing"
)

// TestPaths pins every path the package builds: each is a folder other
// packages point at, so a change here is a change of the rendered tree
// (and -check says so).
func TestPaths(t *testing.T) {
	for _, tc := range []struct{ name, got, want string }{
		{"Env", Env("prod"), "rendered/prod"},
		{"FluxPath", FluxPath("prod", "flux/coder"), "./rendered/prod/flux/coder"},
		{"FluxPath of a region", FluxPath("multiregion", FluxLayer(RegionRoot("eu-west-1"), "proxy")), "./rendered/multiregion/regions/eu-west-1/flux/proxy"},
		{"Bootstrap", Bootstrap, "terraform/bootstrap"},
		{"Infra", Infra, "terraform/infra"},
		{"RegionInfra", RegionInfra("eu-west-1"), "terraform/infra-eu-west-1"},
		{"Coderd", Coderd, "terraform/coderd"},
		{"RegionRoot", RegionRoot("eu-west-1"), "regions/eu-west-1"},
		{"ClusterEntry", ClusterEntry("prod"), "clusters/prod"},
		{"ValuesFile", ValuesFile("", "coder"), "helm/coder.values.yaml"},
		{"ValuesFile of a region", ValuesFile(RegionRoot("eu-west-1"), "coder"), "regions/eu-west-1/helm/coder.values.yaml"},
		{"Manifests", Manifests(""), "k8s"},
		{"Manifests of a region", Manifests(RegionRoot("eu-west-1")), "regions/eu-west-1/k8s"},
		{"FluxLayer", FluxLayer("", "coder"), "flux/coder"},
		{"Template", Template("pod-swdev"), "templates/pod-swdev"},
		{"CapacityReport", CapacityReport, "capacity.md"},
		{"Kustomization", Kustomization, "kustomization.yaml"},
		{"PreflightScript", PreflightScript, "preflight-check.sh"},
	} {
		if tc.got != tc.want {
			t.Errorf("%s = %q, want %q", tc.name, tc.got, tc.want)
		}
	}
}

// TestInfraRegion proves InfraRegion reads back what Infra and
// RegionInfra build, and nothing else: load reads the committed address
// plan from these folders, so a folder it misreads is a region whose
// subnets growth would not keep.
func TestInfraRegion(t *testing.T) {
	for _, tc := range []struct {
		dir    string
		region string
		ok     bool
	}{
		{Infra, "", true},
		{RegionInfra("eu-west-1"), "eu-west-1", true},
		{RegionInfra("us-gov-west-1"), "us-gov-west-1", true},
		{"terraform/infra-", "", false},
		{"terraform/infrastructure", "", false},
		{"terraform/infra-eu-west-1/x", "", false},
		{Coderd, "", false},
		{"infra", "", false},
	} {
		region, ok := InfraRegion(tc.dir)
		if region != tc.region || ok != tc.ok {
			t.Errorf("InfraRegion(%q) = %q, %t; want %q, %t", tc.dir, region, ok, tc.region, tc.ok)
		}
	}
}

func TestRelative(t *testing.T) {
	for _, tc := range []struct {
		from, target, want string
		err                string
	}{
		{"flux/coder", ValuesFile("", "coder"), "../../helm/coder.values.yaml", ""},
		{FluxLayer(RegionRoot("eu-west-1"), "proxy"), ValuesFile(RegionRoot("eu-west-1"), "coder"), "../../helm/coder.values.yaml", ""},
		{Coderd, Template("pod-swdev"), "../../templates/pod-swdev", ""},
		{"flux", "flux/coder/releases.yaml", "coder/releases.yaml", ""},
		{"a/b", "a/c", "../c", ""},
		{"flux/coder", "/etc/passwd", "", "not a clean path"},
		{"flux/coder", "../other/helm/x.yaml", "", "not a clean path"},
		{"flux/coder", "helm/../../x", "", "not a clean path"},
		{"", "helm/x", "", "not a clean path"},
	} {
		got, err := Relative(tc.from, tc.target)
		switch {
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("Relative(%q, %q) = %q, %v; want an error %q", tc.from, tc.target, got, err, tc.err)
		case tc.err == "" && (err != nil || got != tc.want):
			t.Errorf("Relative(%q, %q) = %q, %v; want %q", tc.from, tc.target, got, err, tc.want)
		}
	}
}

func TestMustRelativePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("MustRelative of a path leaving the tree did not panic")
		}
	}()
	MustRelative(Coderd, "../x")
}

// TestFluxBuilt: the files Flux's kustomize build reads are guarded
// against post-build substitution; Terraform and templates, which hold
// ${...} on purpose, are not.
func TestFluxBuilt(t *testing.T) {
	for _, tc := range []struct {
		p    string
		want bool
	}{
		{ClusterEntry("prod") + "/" + Kustomization, true},
		{FluxLayer("", "coder") + "/releases.yaml", true},
		{Manifests("") + "/namespaces.yaml", true},
		{ValuesFile("", "coder"), true},
		{ValuesFile(RegionRoot("eu-west-1"), "coder"), true},
		{Infra + "/eks.tf.json", false},
		{Coderd + "/templates.tf.json", false},
		{Template("pod-swdev") + "/main.tf.json", false},
		{CapacityReport, false},
		{"helm", false},
		{"helmfile/x", false},
	} {
		if got := FluxBuilt(tc.p); got != tc.want {
			t.Errorf("FluxBuilt(%q) = %t, want %t", tc.p, got, tc.want)
		}
	}
}
