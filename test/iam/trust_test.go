package iam

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// trustCases builds, for every catalogued role of a module, the
// AssumeRole requests its trust policy must allow and deny: an IRSA role
// from its own service account (allowed) and from others in the same
// cluster (denied); a service role from its service (allowed) and from
// another service (denied).
func trustCases(t *testing.T, e *Env, m *Module, p Principal) []Case {
	t.Helper()
	roleARN, err := m.RoleARN(e, p.Role)
	if err != nil {
		t.Fatal(err)
	}
	trust, err := m.PolicyOf(e, m.Resource["aws_iam_role"][p.Role]["assume_role_policy"])
	if err != nil {
		t.Fatal(err)
	}
	mk := func(principal, action, want, source string, ctx map[string]any) Case {
		c := Case{Where: e.Name + "/" + m.Name, Principal: p.Name, Want: want, Resolved: roleARN + " as " + principal,
			Request: Request{Action: action, Resource: roleARN, Source: source}}
		c.Sim.IdentityPolicies = []NamedPolicy{}
		c.Sim.ServiceControlPolicies, c.Sim.ResourceControlPolicies = []any{}, []any{}
		c.Sim.ResourcePolicy = trust
		c.Sim.Request.Principal = principal
		c.Sim.Request.Action = action
		c.Sim.Request.Resource.Resource = roleARN
		c.Sim.Request.Resource.AccountID = e.Account
		c.Sim.Request.ContextVariables = ctx
		return c
	}
	var cases []Case
	switch {
	case p.ServiceAccount != nil:
		provider, err := m.Resolve(e, "${aws_iam_openid_connect_provider.eks.arn}")
		if err != nil {
			t.Fatal(err)
		}
		issuer, _ := m.Resolve(e, "${oidc_issuer}")
		sa := func(ns, name string) map[string]any {
			return map[string]any{issuer + ":sub": "system:serviceaccount:" + ns + ":" + name, issuer + ":aud": "sts.amazonaws.com"}
		}
		const act = "sts:AssumeRoleWithWebIdentity"
		src := p.ServiceAccount.Source
		cases = append(cases,
			mk(provider, act, "Allowed", src, sa(p.ServiceAccount.Namespace, p.ServiceAccount.Name)),
			mk(provider, act, "Denied", "another service account, same namespace", sa(p.ServiceAccount.Namespace, "default")),
			mk(provider, act, "Denied", "the same name in another namespace", sa("default", p.ServiceAccount.Name)),
			mk(provider, act, "Denied", "another audience", map[string]any{
				issuer + ":sub": "system:serviceaccount:" + p.ServiceAccount.Namespace + ":" + p.ServiceAccount.Name, issuer + ":aud": "other"}),
		)
		other := "arn:" + e.Partition + ":iam::" + e.Account + ":oidc-provider/oidc.eks." + m.Region + ".amazonaws.com/id/0THERC1USTER"
		cases = append(cases, mk(other, act, "Denied", "another cluster's OIDC provider", sa(p.ServiceAccount.Namespace, p.ServiceAccount.Name)))
		checkAnnotated(t, e, m, p, roleARN)
	case p.AssumedBy != nil:
		cases = append(cases,
			mk(p.AssumedBy.Service, "sts:AssumeRole", "Allowed", p.AssumedBy.Source, map[string]any{}),
			mk("lambda.amazonaws.com", "sts:AssumeRole", "Denied", "another service", map[string]any{}),
			mk("arn:"+e.Partition+":iam::999999999999:root", "sts:AssumeRole", "Denied", "another account", map[string]any{}),
		)
	}
	return cases
}

// checkAnnotated: the role an IRSA entry names is the one the rendered
// Helm values annotate the service account with, or an EKS add-on uses.
func checkAnnotated(t *testing.T, e *Env, m *Module, p Principal, roleARN string) {
	t.Helper()
	for _, n := range Names(m.Resource["aws_eks_addon"]) {
		if str(m.Resource["aws_eks_addon"][n], "service_account_role_arn") == "${aws_iam_role."+p.Role+".arn}" {
			return
		}
	}
	dirs := []string{filepath.Join(e.Root, "helm"), filepath.Join(e.Root, "k8s")}
	if region, ok := strings.CutPrefix(m.Name, "infra-"); ok {
		dirs = []string{filepath.Join(e.Root, "regions", region, "helm"), filepath.Join(e.Root, "regions", region, "k8s")}
	}
	for _, d := range dirs {
		files, _ := filepath.Glob(filepath.Join(d, "*.yaml"))
		for _, f := range files {
			b, _ := os.ReadFile(f)
			if strings.Contains(string(b), "eks.amazonaws.com/role-arn: "+roleARN) {
				return
			}
		}
	}
	if p.Role == "workspace" {
		return // annotated by the composed Kubernetes templates (checked by the template tests)
	}
	if m.Name != "infra" {
		// Secondary regions do not run every component yet (issue 10 item 14).
		t.Logf("note: %s/%s: %s: no rendered Helm values or EKS add-on use %s", e.Name, m.Name, p.Name, roleARN)
		return
	}
	t.Errorf("%s/%s: %s: no rendered Helm values or EKS add-on use %s", e.Name, m.Name, p.Name, roleARN)
}

// TestTrust: every catalogued role can be assumed by its own service
// account or service and by nothing else.
func TestTrust(t *testing.T) {
	t.Parallel()
	cat := catalogue(t)
	var cases []Case
	for _, e := range renderedEnvs(t) {
		for _, m := range e.PrincipalModules() {
			for _, name := range Names(cat) {
				p := cat[name]
				if p.Role == "" || !m.has("aws_iam_role."+p.Role) {
					continue
				}
				cases = append(cases, trustCases(t, e, m, p)...)
			}
		}
	}
	for name, problem := range runCases(t, cases) {
		t.Errorf("%s:\n\t%s", name, problem)
	}
}
