package infra

import (
	model "github.com/coder-eks/coder-eks/generator/internal/model/infra"
	"github.com/coder-eks/coder-eks/generator/internal/render/tfjson"
)

// oidcProvider is the cluster's IAM OIDC provider, the trust anchor of
// every IAM role for a service account.
const oidcProvider = "aws_iam_openid_connect_provider.eks"

// irsaAudience is the aud claim of the service account tokens IAM
// accepts: the OIDC provider lists it as its one client ID and every
// trust policy requires it. It is sts.amazonaws.com in the commercial and
// GovCloud partitions alike.
const irsaAudience = "sts.amazonaws.com"

// serviceAccounts is what an IRSA trust policy lets assume the role: the
// Kubernetes service account named name in namespace, or, with prefix,
// every account of namespace whose name starts with name.
type serviceAccounts struct {
	namespace, name string
	prefix          bool
}

// subject is the token's sub claim the trust policy matches, and the
// condition operator that matches it.
func (s serviceAccounts) subject() (test, value string) {
	value = "system:serviceaccount:" + s.namespace + ":" + s.name
	if s.prefix {
		return "StringLike", value + "*"
	}
	return "StringEquals", value
}

// irsaTrust is the one trust policy statement of every IAM role for
// service accounts (EKS User Guide, "Assign IAM roles to Kubernetes
// service accounts"): sts:AssumeRoleWithWebIdentity, federated to the
// cluster's OIDC provider, for tokens issued to the service accounts s
// names with the audience irsaAudience.
func irsaTrust(s serviceAccounts) []tfjson.Body {
	issuer := `${replace(` + oidcProvider + `.url, "https://", "")}`
	test, sub := s.subject()
	return []tfjson.Body{{
		"actions": []string{"sts:AssumeRoleWithWebIdentity"},
		"principals": []tfjson.Body{{
			"type":        "Federated",
			"identifiers": []string{tfjson.Attr(oidcProvider, "arn")},
		}},
		"condition": []tfjson.Body{
			{"test": test, "variable": issuer + ":sub", "values": []string{sub}},
			{"test": "StringEquals", "variable": issuer + ":aud", "values": []string{irsaAudience}},
		},
	}}
}

// irsaRoleFor creates the IAM role named role (resource key key) that
// only the service accounts s can assume, and returns the role's address.
func irsaRoleFor(f *tfjson.File, key, role string, s serviceAccounts) string {
	trust := f.Data("aws_iam_policy_document", key+"_assume", tfjson.Body{"statement": irsaTrust(s)})
	return f.Resource("aws_iam_role", key, tfjson.Body{
		"name":               role,
		"assume_role_policy": tfjson.Attr(trust, "json"),
	})
}

// irsaRole creates an IAM role that only the named Kubernetes service
// account can assume, and returns the role's address.
func (b *module) irsaRole(f *tfjson.File, r model.IRSA) string {
	return irsaRoleFor(f, r.Key, r.Role, serviceAccounts{namespace: r.Namespace, name: r.ServiceAccount})
}
