package flux_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	helmv2 "github.com/fluxcd/helm-controller/api/v2"
	kustomizev1 "github.com/fluxcd/kustomize-controller/api/v1"
	sourcev1 "github.com/fluxcd/source-controller/api/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

// Namespaces that exist before Flux applies anything: Kubernetes' own and
// the one `flux install` creates.
var preexisting = []string{"kube-system", "flux-system"}

type ref struct{ kind, namespace, name string }

func (r ref) String() string { return fmt.Sprintf("%s %s/%s", r.kind, r.namespace, r.name) }

// index is the tree by kind, namespace and name, with the Secrets that
// ExternalSecrets produce and their keys (nil: keys decided at run time).
type index struct {
	objects    map[ref]builtObject
	secrets    map[ref][]string
	namespaces map[string]bool
}

func decode[T any](t *testing.T, o builtObject) *T {
	t.Helper()
	data, err := o.Res.AsYAML()
	if err != nil {
		t.Fatal(err)
	}
	v := new(T)
	if err := yaml.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", o, err)
	}
	return v
}

func newIndex(t *testing.T, tr tree) index {
	ix := index{objects: map[ref]builtObject{}, secrets: map[ref][]string{}, namespaces: map[string]bool{}}
	for _, ns := range preexisting {
		ix.namespaces[ns] = true
	}
	for _, o := range tr.Objects {
		r := ref{o.kind(), o.meta("namespace"), o.meta("name")}
		if prev, dup := ix.objects[r]; dup {
			t.Errorf("%s defined twice: %s and %s", r, prev, o)
		}
		ix.objects[r] = o
		switch o.kind() {
		case "Namespace":
			ix.namespaces[o.meta("name")] = true
		case "ExternalSecret":
			es := decode[externalSecret](t, o)
			ix.secrets[ref{"Secret", es.Namespace, es.secretName()}] = es.keys()
		case "HelmRelease":
			hr := decode[helmv2.HelmRelease](t, o)
			if hr.Spec.Install != nil && hr.Spec.Install.CreateNamespace {
				ix.namespaces[hr.Spec.TargetNamespace] = true
			}
		}
	}
	return ix
}

// has reports whether the object exists.
func (ix index) has(r ref) bool { _, ok := ix.objects[r]; return ok }

// secret reports whether a Secret with the key will exist.
func (ix index) secret(namespace, name, key string) error {
	keys, ok := ix.secrets[ref{"Secret", namespace, name}]
	switch {
	case !ok:
		return fmt.Errorf("no ExternalSecret writes Secret %s/%s", namespace, name)
	case keys != nil && key != "" && !slices.Contains(keys, key):
		return fmt.Errorf("Secret %s/%s has keys %v, not %q", namespace, name, keys, key)
	}
	return nil
}

func orDefault(ns, def string) string {
	if ns == "" {
		return def
	}
	return ns
}

func checkReferences(t *testing.T, tr tree) {
	ix := newIndex(t, tr)
	for _, o := range tr.Objects {
		ns := o.meta("namespace")
		if ns != "" && !ix.namespaces[ns] {
			t.Errorf("%s: namespace %q is neither in the tree nor created by a release", o, ns)
		}
		var errs []error
		switch o.kind() {
		case "Kustomization":
			errs = kustomizationRefs(ix, decode[kustomizev1.Kustomization](t, o))
		case "HelmRelease":
			errs = releaseRefs(t, ix, decode[helmv2.HelmRelease](t, o))
		case "GitRepository":
			g := decode[sourcev1.GitRepository](t, o)
			if g.Spec.SecretRef != nil {
				errs = append(errs, ix.secret(g.Namespace, g.Spec.SecretRef.Name, ""))
			}
		case "ExternalSecret":
			errs = externalSecretRefs(ix, decode[externalSecret](t, o))
		case "TargetGroupBinding":
			errs = bindingRefs(ix, decode[targetGroupBinding](t, o))
		case "Terraform":
			errs = terraformRefs(ix, decode[terraform](t, o))
		}
		for _, err := range errs {
			if err != nil {
				t.Errorf("%s: %v", o, err)
			}
		}
	}
}

func missing(r ref) error { return fmt.Errorf("refers to %s, which is not in the tree", r) }

func kustomizationRefs(ix index, k *kustomizev1.Kustomization) []error {
	var errs []error
	src := ref{k.Spec.SourceRef.Kind, orDefault(k.Spec.SourceRef.Namespace, k.Namespace), k.Spec.SourceRef.Name}
	if !ix.has(src) {
		errs = append(errs, missing(src))
	}
	for _, d := range k.Spec.DependsOn {
		if r := (ref{"Kustomization", orDefault(d.Namespace, k.Namespace), d.Name}); !ix.has(r) {
			errs = append(errs, missing(r))
		}
	}
	for _, h := range k.Spec.HealthChecks {
		if r := (ref{h.Kind, h.Namespace, h.Name}); !ix.has(r) {
			errs = append(errs, missing(r))
		}
	}
	if k.Spec.PostBuild != nil {
		errs = append(errs, fmt.Errorf("enables post-build substitution; the rendered tree is literal"))
	}
	return errs
}

func releaseRefs(t *testing.T, ix index, hr *helmv2.HelmRelease) []error {
	var errs []error
	if hr.Spec.Chart == nil {
		return []error{fmt.Errorf("no chart")}
	}
	sr := hr.Spec.Chart.Spec.SourceRef
	if r := (ref{sr.Kind, orDefault(sr.Namespace, hr.Namespace), sr.Name}); !ix.has(r) {
		errs = append(errs, missing(r))
	}
	for _, d := range hr.Spec.DependsOn {
		if r := (ref{"HelmRelease", orDefault(d.Namespace, hr.Namespace), d.Name}); !ix.has(r) {
			errs = append(errs, missing(r))
		}
	}
	target := orDefault(hr.Spec.TargetNamespace, hr.Namespace)
	if !ix.namespaces[target] {
		errs = append(errs, fmt.Errorf("installs into namespace %q, which nothing creates", target))
	}
	if len(hr.Spec.ValuesFrom) == 0 {
		errs = append(errs, fmt.Errorf("no valuesFrom: values come from the rendered values files"))
	}
	for _, v := range hr.Spec.ValuesFrom {
		if v.Kind == "Secret" {
			errs = append(errs, ix.secret(hr.Namespace, v.Name, v.ValuesKey))
			continue
		}
		r := ref{v.Kind, hr.Namespace, v.Name}
		cm, ok := ix.objects[r]
		if !ok {
			errs = append(errs, missing(r))
			continue
		}
		configMap := decode[corev1.ConfigMap](t, cm)
		values, ok := configMap.Data[orDefault(v.ValuesKey, "values.yaml")]
		if !ok {
			errs = append(errs, fmt.Errorf("%s has no key %q", r, v.ValuesKey))
			continue
		}
		if configMap.Labels["reconcile.fluxcd.io/watch"] != "Enabled" {
			errs = append(errs, fmt.Errorf("%s is not labelled for helm-controller to watch", r))
		}
		errs = append(errs, valuesSecretRefs(ix, target, values)...)
	}
	return errs
}

// valuesSecretRefs finds the Secrets a release's values name: every
// secretKeyRef (env valueFrom) and the provisioner chart's key Secret.
func valuesSecretRefs(ix index, namespace, values string) []error {
	var v map[string]any
	if err := yaml.Unmarshal([]byte(values), &v); err != nil {
		return []error{err}
	}
	var errs []error
	var walk func(any)
	walk = func(n any) {
		switch n := n.(type) {
		case map[string]any:
			if s, ok := n["secretKeyRef"].(map[string]any); ok {
				name, _ := s["name"].(string)
				key, _ := s["key"].(string)
				errs = append(errs, ix.secret(namespace, name, key))
			}
			if name, ok := n["keySecretName"].(string); ok && name != "" {
				key, _ := n["keySecretKey"].(string)
				errs = append(errs, ix.secret(namespace, name, key))
			}
			for _, c := range n {
				walk(c)
			}
		case []any:
			for _, c := range n {
				walk(c)
			}
		}
	}
	walk(v)
	return errs
}

func externalSecretRefs(ix index, es *externalSecret) []error {
	kind, name := es.Spec.SecretStoreRef.Kind, es.Spec.SecretStoreRef.Name
	r := ref{kind, "", name}
	if kind == "SecretStore" {
		r.namespace = es.Namespace
	}
	store, ok := ix.objects[r]
	if !ok {
		return []error{missing(r)}
	}
	conds, _ := store.U["spec"].(map[string]any)["conditions"].([]any)
	for _, c := range conds {
		nss, _ := c.(map[string]any)["namespaces"].([]any)
		if !slices.Contains(nss, any(es.Namespace)) {
			return []error{fmt.Errorf("%s does not serve namespace %q", r, es.Namespace)}
		}
	}
	return nil
}

func bindingRefs(ix index, b *targetGroupBinding) []error {
	r := ref{"Service", b.Namespace, b.Spec.ServiceRef.Name}
	svc, ok := ix.objects[r]
	if !ok {
		return []error{missing(r)}
	}
	data, _ := yaml.Marshal(svc.U)
	var s corev1.Service
	if err := yaml.Unmarshal(data, &s); err != nil {
		return []error{err}
	}
	for _, p := range s.Spec.Ports {
		if p.Port == b.Spec.ServiceRef.Port.IntVal || p.Name == b.Spec.ServiceRef.Port.StrVal {
			return nil
		}
	}
	return []error{fmt.Errorf("%s has no port %s", r, b.Spec.ServiceRef.Port.String())}
}

func terraformRefs(ix index, tf *terraform) []error {
	var errs []error
	src := tf.Spec.SourceRef
	if r := (ref{src.Kind, orDefault(src.Namespace, tf.Namespace), src.Name}); !ix.has(r) {
		errs = append(errs, missing(r))
	}
	for _, e := range tf.Spec.RunnerPodTemplate.Spec.Env {
		if e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil {
			errs = append(errs, ix.secret(tf.Namespace, e.ValueFrom.SecretKeyRef.Name, e.ValueFrom.SecretKeyRef.Key))
		}
	}
	for _, v := range tf.Spec.VarsFrom {
		if v.Kind != "Secret" {
			continue
		}
		if len(v.VarsKeys) == 0 {
			errs = append(errs, ix.secret(tf.Namespace, v.Name, ""))
		}
		for _, k := range v.VarsKeys {
			// A key may be renamed: "key:variable".
			key, _, _ := strings.Cut(k, ":")
			errs = append(errs, ix.secret(tf.Namespace, v.Name, key))
		}
	}
	return errs
}
