// Package infra renders the Day-0 root module (rendered/<env>/terraform/
// infra/) from the infra model: one *.tf.json file per concern, named after
// the seed's modules (vpc, eks, ...).
package infra

import (
	"strconv"
	"strings"

	tree "github.com/coder-eks/coder-eks/generator/internal/layout"
	model "github.com/coder-eks/coder-eks/generator/internal/model/infra"
	"github.com/coder-eks/coder-eks/generator/internal/plan/names"
	"github.com/coder-eks/coder-eks/generator/internal/render/tfjson"
)

// Common expressions every file uses: ARNs are built from the partition the
// provider runs in, never from a literal "arn:aws:".
const (
	partition = "${data.aws_partition.current.partition}"
	dnsSuffix = "${data.aws_partition.current.dns_suffix}"
	accountID = "${data.aws_caller_identity.current.account_id}"
	region    = "${data.aws_region.current.region}"
)

// module collects the files while they are built.
type module struct {
	m  model.Infra
	tf *tfjson.Module
	// principals are the AWS services whose principal the module names.
	principals map[string]bool
}

// Render returns the module's files keyed by path relative to the
// environment's rendered directory: the primary region's module in
// tree.Infra, a secondary region's (no database or backup) in
// tree.RegionInfra.
func Render(m model.Infra) (map[string][]byte, error) {
	dir := tree.Infra
	if m.Secondary {
		dir = tree.RegionInfra(m.Region)
	}
	b := &module{m: m, tf: tfjson.NewModule(m.Source), principals: map[string]bool{}}
	b.versions(b.tf.File("versions.tf.json"))
	b.kms(b.tf.File("kms.tf.json"))
	b.vpc(b.tf.File("vpc.tf.json"))
	b.eks(b.tf.File("eks.tf.json"))
	b.operatorAccess(b.tf.File("access.tf.json"))
	b.nodeGroups(b.tf.File("nodegroups.tf.json"))
	if m.Database != nil {
		b.aurora(b.tf.File("aurora.tf.json"))
	}
	if m.Backup != nil {
		b.backup(b.tf.File("backup.tf.json"))
	}
	b.nlb(b.tf.File("nlb.tf.json"))
	b.dns(b.tf.File("dns.tf.json"))
	b.iam(b.tf.File("iam.tf.json"))
	b.observability(b.tf.File("observability.tf.json"))
	b.quotas(b.tf.File("quota.tf.json"))
	b.outputs(b.tf.File("outputs.tf.json"))
	b.servicePrincipals(b.tf.File("versions.tf.json"))
	out := make(map[string][]byte, b.tf.Len()+1)
	out[dir+"/"+tree.PreflightScript] = b.preflight()
	if err := b.tf.Encode(dir, out); err != nil {
		return nil, err
	}
	return out, nil
}

// assumeRolePolicy is a trust policy for an AWS service's principal.
func (b *module) assumeRolePolicy(f *tfjson.File, name, service string) string {
	return tfjson.Attr(f.Data("aws_iam_policy_document", name, tfjson.Body{
		"statement": []tfjson.Body{{
			"actions": []string{"sts:AssumeRole"},
			"principals": []tfjson.Body{{
				"type":        "Service",
				"identifiers": []string{b.principal(service)},
			}},
		}},
	}), "json")
}

// principal is the service principal of an AWS service ("ec2", "delivery.logs")
// in the provider's partition, from the aws_service_principal data source,
// which knows the partitions where it is not <service>.amazonaws.com.
func (b *module) principal(service string) string {
	b.principals[service] = true
	return tfjson.Attr("data.aws_service_principal."+principalKey(service), "name")
}

// servicePrincipals declares the data sources principal refers to.
func (b *module) servicePrincipals(f *tfjson.File) {
	for svc := range b.principals {
		f.Data("aws_service_principal", principalKey(svc), tfjson.Body{"service_name": svc})
	}
}

func principalKey(service string) string {
	return strings.NewReplacer(".", "_", "-", "_").Replace(service)
}

// managedPolicy is the ARN of an AWS managed policy in this partition.
func managedPolicy(name string) string {
	return names.ARN(partition, "iam", "", "aws", "policy/"+name)
}

// dashed turns a resource key into a name part: "nlb_logs" → "nlb-logs".
func dashed(key string) string { return strings.ReplaceAll(key, "_", "-") }

func itoa(i int) string { return strconv.Itoa(i) }
