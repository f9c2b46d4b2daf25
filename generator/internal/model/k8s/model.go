// Package k8s is the model of the cluster manifests Flux applies from
// rendered/<env>/k8s/: namespaces, storage, the coderd Service the NLB
// reaches, disruption budgets, network policies, workspace RBAC and the
// External Secrets that bring Secrets Manager values into the cluster.
// Objects are Kubernetes API types where the type is in k8s.io/api, and
// plain maps for custom resources (external-secrets.io, elbv2.k8s.aws).
package k8s

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/coder-eks/coder-eks/generator/internal/plan"
	"github.com/coder-eks/coder-eks/generator/internal/plan/names"
)

// File is one manifest file and the objects it holds, in order.
type File struct {
	Name    string // e.g. "namespaces.yaml"
	Objects []any
}

// Manifests is every cluster manifest of an environment.
type Manifests struct {
	Source string // environment file, for generated-file headers
	// Root is the folder inside rendered/<env>/ the manifests' k8s/ folder
	// goes under: "" for the primary cluster (layout.RegionRoot otherwise).
	Root  string
	Files []File
}

// Build derives the manifests of a checked environment.
func Build(env *plan.Environment) Manifests {
	c := &env.Config
	n := names.For(c)
	return Manifests{
		Source: env.RelFile(),
		Files: []File{
			{Name: "namespaces.yaml", Objects: namespaces()},
			{Name: "storageclass.yaml", Objects: []any{storageClass(c, n)}},
			{Name: "coderd-service.yaml", Objects: coderdService(n)},
			{Name: "stun.yaml", Objects: stunServer(c, n, env.Catalog.Components.Coturn)},
			{Name: "disruption-budgets.yaml", Objects: disruptionBudgets()},
			{Name: "network-policies.yaml", Objects: networkPolicies(c)},
			{Name: "workspace-rbac.yaml", Objects: workspaceRBAC()},
			{Name: "external-secrets.yaml", Objects: externalSecrets(c, n, env.Catalog.Database)},
			{Name: "database-role.yaml", Objects: dbRoleJob(c, n, env.Catalog.Database)},
		},
	}
}

func meta(name, namespace string) metav1.ObjectMeta {
	return metav1.ObjectMeta{Name: name, Namespace: namespace}
}

func typeMeta(apiVersion, kind string) metav1.TypeMeta {
	return metav1.TypeMeta{APIVersion: apiVersion, Kind: kind}
}

// custom is a custom resource whose Go type is not a dependency.
func custom(apiVersion, kind, name, namespace string, spec map[string]any) map[string]any {
	md := map[string]any{"name": name}
	if namespace != "" {
		md["namespace"] = namespace
	}
	return map[string]any{"apiVersion": apiVersion, "kind": kind, "metadata": md, "spec": spec}
}
