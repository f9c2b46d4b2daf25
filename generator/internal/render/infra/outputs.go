package infra

import (
	"sort"

	"github.com/coder-eks/coder-eks/generator/internal/render/tfjson"
	"github.com/coder-eks/coder-eks/generator/internal/validate"
)

// outputs are what later steps (Helm values, the coderd module, operators'
// runbooks) read from this module's state.
func (b *module) outputs(f *tfjson.File) {
	out := func(name, value, description string) {
		f.Output(name, tfjson.Body{"value": value, "description": description})
	}
	out("cluster_name", tfjson.Attr(cluster, "name"), "EKS cluster name (aws eks update-kubeconfig --name ...)")
	out("cluster_endpoint", tfjson.Attr(cluster, "endpoint"), "EKS API endpoint (private)")
	out("cluster_security_group_id", tfjson.Ref(cluster+".vpc_config[0].cluster_security_group_id"), "Security group EKS attaches to the control plane and managed nodes")
	out("oidc_provider_arn", tfjson.Attr(oidcProvider, "arn"), "IAM OIDC provider for IRSA")
	out("vpc_id", tfjson.Attr("aws_vpc.this", "id"), "VPC ID")
	for _, tier := range []string{validate.TierPublic, validate.TierControl, validate.TierProvisioner, validate.TierWorkspace, validate.TierDatabase} {
		f.Output(tier+"_subnet_ids", tfjson.Body{
			"value":       b.subnetIDs(tier),
			"description": "Subnets of the " + tier + " tier, in AZ order",
		})
	}
}

func sortStrings(s []string) { sort.Strings(s) }
