package flux_test

import (
	"context"
	"fmt"
	"testing"

	fluxkustomize "github.com/fluxcd/pkg/kustomize"
	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/kustomize/api/provider"
	"sigs.k8s.io/kustomize/api/resource"
	"sigs.k8s.io/yaml"
)

// substitute runs Flux's post-build substitution over one built object as
// kustomize-controller would with postBuild enabled, strict, and with no
// variable defined: any ${VAR} fails, and escaping or defaults ($${VAR},
// ${VAR:=x}) change the object. It returns an error unless the object
// comes out unchanged or is opted out (substitute: disabled).
func substitute(ks map[string]any, res *resource.Resource) error {
	before, err := res.AsYAML()
	if err != nil {
		return err
	}
	out, err := fluxkustomize.SubstituteVariables(context.Background(), nil,
		unstructured.Unstructured{Object: ks}, res.DeepCopy(),
		fluxkustomize.SubstituteWithDryRun(true),
		fluxkustomize.SubstituteWithStrict(true),
		fluxkustomize.SubstituteWithAlways(true))
	if err != nil {
		return err
	}
	if out == nil {
		return nil // labelled kustomize.toolkit.fluxcd.io/substitute: disabled
	}
	after, err := out.AsYAML()
	if err != nil {
		return err
	}
	var a, b any
	if err := yaml.Unmarshal(before, &a); err != nil {
		return err
	}
	if err := yaml.Unmarshal(after, &b); err != nil {
		return err
	}
	if diff := cmp.Diff(a, b); diff != "" {
		return fmt.Errorf("substitution changes the object (-before +after):\n%s", diff)
	}
	return nil
}

// checkSubstitution: nothing rendered breaks, or changes, under Flux's
// strict substitution, even if a Kustomization turned it on.
func checkSubstitution(t *testing.T, tr tree) {
	for _, o := range tr.Objects {
		if err := substitute(tr.Kustomizations[o.From], o.Res); err != nil {
			t.Errorf("%s: %v", o, err)
		}
	}
}

// TestSubstituteCatches proves the check fails on what it guards against.
func TestSubstituteCatches(t *testing.T) {
	ks := map[string]any{"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
		"metadata": map[string]any{"name": "x", "namespace": "flux-system"}, "spec": map[string]any{"path": "./"}}
	tests := []struct {
		name    string
		value   string
		labels  map[string]any
		wantErr bool
	}{
		{name: "plain", value: "echo $HOME and {{ .password }}", wantErr: false},
		{name: "unset variable", value: "echo ${HOME}", wantErr: true},
		{name: "escaped variable", value: "echo $${HOME}", wantErr: true},
		{name: "default", value: "echo ${HOME:=/root}", wantErr: true},
		{name: "opted out", value: "echo ${HOME}", labels: map[string]any{"kustomize.toolkit.fluxcd.io/substitute": "disabled"}, wantErr: false},
	}
	factory := provider.NewDefaultDepProvider().GetResourceFactory()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			md := map[string]any{"name": "cm", "namespace": "default"}
			if tt.labels != nil {
				md["labels"] = tt.labels
			}
			res, err := factory.FromMap(map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "metadata": md,
				"data": map[string]any{"script": tt.value}})
			if err != nil {
				t.Fatal(err)
			}
			err = substitute(ks, res)
			if (err != nil) != tt.wantErr {
				t.Errorf("substitute(%q) error = %v, want error %v", tt.value, err, tt.wantErr)
			}
		})
	}
}
