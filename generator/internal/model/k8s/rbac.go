package k8s

import (
	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/coder-eks/coder-eks/generator/internal/plan/names"
)

// workspaceRBAC lets the provisioners manage workspaces in their own
// namespace: the rights the provisioner chart's workspacePerms would grant
// in coder-prov, plus NetworkPolicies for templates that isolate a
// workspace further.
func workspaceRBAC() []any {
	verbs := []string{"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"}
	const name = "coder-provisioner-workspaces"
	role := &rbacv1.Role{
		TypeMeta:   typeMeta("rbac.authorization.k8s.io/v1", "Role"),
		ObjectMeta: meta(name, names.WorkspaceNamespace),
		Rules: []rbacv1.PolicyRule{
			// Service accounts: a workspace with identity-mode iam gets its
			// own, annotated with the workspace IRSA role.
			{APIGroups: []string{""}, Resources: []string{"pods", "persistentvolumeclaims", "serviceaccounts"}, Verbs: verbs},
			{APIGroups: []string{"apps"}, Resources: []string{"deployments"}, Verbs: verbs},
			{APIGroups: []string{"networking.k8s.io"}, Resources: []string{"networkpolicies"}, Verbs: verbs},
		},
	}
	binding := &rbacv1.RoleBinding{
		TypeMeta:   typeMeta("rbac.authorization.k8s.io/v1", "RoleBinding"),
		ObjectMeta: meta(name, names.WorkspaceNamespace),
		RoleRef:    rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "Role", Name: name},
		Subjects: []rbacv1.Subject{{
			Kind: "ServiceAccount", Name: names.ProvisionerServiceAccount, Namespace: names.ProvisionerNamespace,
		}},
	}
	return []any{role, binding}
}
