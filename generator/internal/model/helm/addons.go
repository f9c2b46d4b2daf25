package helm

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/coder-eks/coder-eks/generator/internal/config"
	"github.com/coder-eks/coder-eks/generator/internal/model/names"
)

// The add-on charts have no values file in the repository to check keys
// against, so their values stay minimal: service account and IRSA role,
// placement on the control group, and what the environment decides.

func lbController(c *config.Environment, n names.Names) Release {
	return Release{
		Name: ReleaseLBController, Layer: LayerInfrastructure, Namespace: names.SystemNamespace,
		Repository: repoEKS, Chart: "aws-load-balancer-controller", Version: c.AWSLoadBalancerControllerVersion,
		CRDs: true,
		Values: map[string]any{
			"clusterName": n.Cluster,
			"region":      c.AWSRegion,
			// Pods cannot reach the instance metadata service (IMDSv2,
			// one hop), so the VPC is found by its Name tag.
			"vpcTags":      map[string]string{"Name": n.VPC},
			"replicaCount": 2,
			"serviceAccount": map[string]any{
				"create":      true,
				"name":        names.LBControllerServiceAccount,
				"annotations": irsa(c, n.LBControllerRole),
			},
			// The NLB is Terraform's; the controller only binds targets
			// (TargetGroupBinding) and must not turn Services into new
			// load balancers.
			"enableServiceMutatorWebhook": false,
			"nodeSelector":                onGroup(GroupControl),
		},
	}
}

// autoscaler runs cluster-autoscaler on the managed node groups' Auto
// Scaling groups, found by the tags EKS puts on them. It works inside each
// group's [min, max], so the business-hours schedules (which move the
// groups' desired size) pre-warm nodes and the autoscaler removes the ones
// no pod needs. least-waste packs workspaces onto the fewest nodes.
func autoscaler(c *config.Environment, n names.Names) Release {
	return Release{
		Name: ReleaseAutoscaler, Layer: LayerInfrastructure, Namespace: names.SystemNamespace,
		Repository: repoAutoscaler, Chart: "cluster-autoscaler", Version: c.ClusterAutoscalerVersion,
		Values: map[string]any{
			"cloudProvider": "aws",
			"awsRegion":     c.AWSRegion,
			"autoDiscovery": map[string]any{"clusterName": n.Cluster},
			"image":         map[string]any{"tag": c.ClusterAutoscalerImageTag},
			"rbac": map[string]any{
				"serviceAccount": map[string]any{
					"create":      true,
					"name":        names.AutoscalerServiceAccount,
					"annotations": irsa(c, n.AutoscalerRole),
				},
			},
			"extraArgs": map[string]any{
				"balance-similar-node-groups":   true,
				"expander":                      "least-waste",
				"skip-nodes-with-local-storage": false,
				"scale-down-unneeded-time":      "10m",
				"scale-down-delay-after-add":    "10m",
			},
			"nodeSelector": onGroup(GroupControl),
		},
	}
}

func externalSecrets(c *config.Environment, n names.Names) Release {
	return Release{
		Name: ReleaseExternalSecrets, Layer: LayerInfrastructure, Namespace: names.ExternalSecretsNamespace,
		Repository: repoExternalSecret, Chart: "external-secrets", Version: c.ExternalSecretsVersion,
		CreateNamespace: true, CRDs: true,
		Values: map[string]any{
			"installCRDs": true,
			"serviceAccount": map[string]any{
				"create":      true,
				"name":        names.ExternalSecretsServiceAccount,
				"annotations": irsa(c, n.ExternalSecretsRole),
			},
			"nodeSelector": onGroup(GroupControl),
		},
	}
}

// tofuController applies the Day-1/2 module. Its runner pods run as
// tf-runner, whose IAM role reaches the Terraform state bucket.
func tofuController(c *config.Environment, n names.Names) Release {
	return Release{
		Name: ReleaseTofuController, Layer: LayerInfrastructure, Namespace: names.FluxNamespace,
		Repository: repoTofu, Chart: "tofu-controller", Version: c.TofuControllerVersion,
		CRDs: true,
		Values: map[string]any{
			"runner": map[string]any{
				"serviceAccount": map[string]any{
					"create":            true,
					"name":              names.TofuRunnerServiceAccount,
					"annotations":       irsa(c, n.TofuRunnerRole),
					"allowedNamespaces": []string{names.FluxNamespace},
				},
			},
			// The AWS primitive modules package is not used.
			"awsPackage":   map[string]any{"install": false},
			"nodeSelector": onGroup(GroupControl),
		},
	}
}

// fluentBit ships container logs to the CloudWatch log groups the
// runbooks name: coderd, provisioner and workspace logs each to their own
// group (Day 0 creates the groups with their retention). It runs on every
// node, tainted or not.
func fluentBit(c *config.Environment, n names.Names) Release {
	streams := []logStream{
		{tag: "coderd", namespace: names.CoderNamespace, group: n.CoderdLogGroup},
		{tag: "provisioner", namespace: names.ProvisionerNamespace, group: n.ProvisionerLogGroup},
		{tag: "workspace", namespace: names.WorkspaceNamespace, group: n.WorkspaceLogGroup},
	}
	var inputs, filters, outputs []string
	for _, s := range streams {
		inputs = append(inputs, s.input())
		filters = append(filters, s.filter())
		outputs = append(outputs, s.output(c.AWSRegion))
	}
	return Release{
		Name: ReleaseFluentBit, Layer: LayerInfrastructure, Namespace: names.LoggingNamespace,
		Repository: repoFluent, Chart: "fluent-bit", Version: c.FluentBitVersion,
		CreateNamespace: true,
		Values: map[string]any{
			"serviceAccount": map[string]any{
				"create":      true,
				"name":        names.FluentBitServiceAccount,
				"annotations": irsa(c, n.FluentBitRole),
			},
			"tolerations": []corev1.Toleration{{Operator: corev1.TolerationOpExists}},
			"config": map[string]any{
				"inputs":  strings.Join(inputs, "\n"),
				"filters": strings.Join(filters, "\n"),
				"outputs": strings.Join(outputs, "\n"),
			},
		},
	}
}

// logStream is the containers of one namespace going to one log group.
type logStream struct {
	tag, namespace, group string
}

func (s logStream) input() string {
	return section("INPUT", [][2]string{
		{"Name", "tail"},
		{"Tag", s.tag + ".*"},
		{"Path", "/var/log/containers/*_" + s.namespace + "_*.log"},
		{"multiline.parser", "cri"},
		{"DB", "/var/log/flb_" + s.tag + ".db"},
		{"Mem_Buf_Limit", "50MB"},
		{"Skip_Long_Lines", "On"},
		{"Refresh_Interval", "10"},
	})
}

func (s logStream) filter() string {
	return section("FILTER", [][2]string{
		{"Name", "kubernetes"},
		{"Match", s.tag + ".*"},
		{"Kube_Tag_Prefix", s.tag + ".var.log.containers."},
		{"Merge_Log", "On"},
		{"Keep_Log", "Off"},
		{"K8S-Logging.Parser", "On"},
		{"K8S-Logging.Exclude", "On"},
	})
}

func (s logStream) output(region string) string {
	return section("OUTPUT", [][2]string{
		{"Name", "cloudwatch_logs"},
		{"Match", s.tag + ".*"},
		{"region", region},
		{"log_group_name", s.group},
		{"log_stream_prefix", s.tag + "-"},
		{"auto_create_group", "false"},
	})
}

// section is one Fluent Bit classic-mode section, keys in the given
// order.
func section(name string, kv [][2]string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "[%s]\n", name)
	for _, p := range kv {
		fmt.Fprintf(&b, "    %-20s %s\n", p[0], p[1])
	}
	return b.String()
}
