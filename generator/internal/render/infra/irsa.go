package infra

import (
	model "github.com/coder-eks/coder-eks/generator/internal/model/infra"
	"github.com/coder-eks/coder-eks/generator/internal/render/tfjson"
)

// oidcProvider is the cluster's IAM OIDC provider, the trust anchor of
// every IAM role for a service account.
const oidcProvider = "aws_iam_openid_connect_provider.eks"

// irsaRole creates an IAM role that only the named Kubernetes service
// account can assume, and returns the role's address.
func (b *module) irsaRole(f *tfjson.File, r model.IRSA) string {
	key, namespace, serviceAccount := r.Key, r.Namespace, r.ServiceAccount
	issuer := `${replace(` + oidcProvider + `.url, "https://", "")}`
	trust := f.Data("aws_iam_policy_document", key+"_assume", tfjson.Body{
		"statement": []tfjson.Body{{
			"actions": []string{"sts:AssumeRoleWithWebIdentity"},
			"principals": []tfjson.Body{{
				"type":        "Federated",
				"identifiers": []string{tfjson.Attr(oidcProvider, "arn")},
			}},
			"condition": []tfjson.Body{
				{"test": "StringEquals", "variable": issuer + ":sub", "values": []string{"system:serviceaccount:" + namespace + ":" + serviceAccount}},
				{"test": "StringEquals", "variable": issuer + ":aud", "values": []string{"sts.amazonaws.com"}},
			},
		}},
	})
	return f.Resource("aws_iam_role", key, tfjson.Body{
		"name":               r.Role,
		"assume_role_policy": tfjson.Attr(trust, "json"),
	})
}
