package helm

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/coder-eks/coder-eks/generator/internal/config"
	"github.com/coder-eks/coder-eks/generator/internal/plan/names"
)

// The add-on charts have no values file in the repository to check keys
// against, so their values stay minimal: service account and IRSA role,
// placement on the control group, and what the environment decides.

func lbController(c *config.Environment, n names.Names, cat config.Components) Release {
	values := map[string]any{
		"clusterName": n.Cluster,
		"region":      c.AWSRegion,
		// Pods cannot reach the instance metadata service (IMDSv2,
		// one hop), so the VPC is found by its Name tag.
		"vpcTags":      map[string]string{"Name": n.Network.VPC},
		"replicaCount": 2,
		"serviceAccount": map[string]any{
			"create":      true,
			"name":        names.LBControllerServiceAccount,
			"annotations": irsa(c, n.IAM.LBController),
		},
		// The NLB is Terraform's; the controller only binds targets
		// (TargetGroupBinding) and must not turn Services into new
		// load balancers.
		"enableServiceMutatorWebhook": false,
		"nodeSelector":                onGroup(GroupControl),
	}
	// The chart's env is a map of name to value.
	if env := fipsEnv(c, cat.LBController.FIPS); env != nil {
		values["env"] = env
	}
	return Release{
		Name: ReleaseLBController, Layer: LayerInfrastructure, Namespace: names.SystemNamespace,
		Repository: repoEKS, Chart: cat.LBController.Chart.Name, Version: c.AWSLoadBalancerControllerVersion,
		CRDs:   true,
		Values: values,
	}
}

// fipsEnv is what switches a component's AWS SDK to FIPS endpoints
// (schema.components' fips), when the environment asks for them.
func fipsEnv(c *config.Environment, f config.FIPS) map[string]string {
	if !c.UseFIPSEndpoints || f.Mechanism != "env" {
		return nil
	}
	return f.Env
}

// fipsEnvList is fipsEnv as Kubernetes env vars, sorted by name.
func fipsEnvList(c *config.Environment, f config.FIPS) []corev1.EnvVar {
	env := fipsEnv(c, f)
	var out []corev1.EnvVar
	for _, k := range slices.Sorted(maps.Keys(env)) {
		out = append(out, value(k, env[k]))
	}
	return out
}

// autoscaler runs cluster-autoscaler on the managed node groups' Auto
// Scaling groups, found by the tags EKS puts on them. It works inside each
// group's [min, max], so the business-hours schedules (which move the
// groups' desired size) pre-warm nodes and the autoscaler removes the ones
// no pod needs. least-waste packs workspaces onto the fewest nodes.
func autoscaler(c *config.Environment, n names.Names, cat config.Components) Release {
	values := map[string]any{
		"cloudProvider": "aws",
		"awsRegion":     c.AWSRegion,
		"autoDiscovery": map[string]any{"clusterName": n.Cluster},
		"image":         map[string]any{"tag": c.ClusterAutoscalerImageTag},
		"rbac": map[string]any{
			"serviceAccount": map[string]any{
				"create":      true,
				"name":        names.AutoscalerServiceAccount,
				"annotations": irsa(c, n.IAM.Autoscaler),
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
	}
	// The chart's extraEnv is a map of name to value.
	if env := fipsEnv(c, cat.Autoscaler.FIPS); env != nil {
		values["extraEnv"] = env
	}
	return Release{
		Name: ReleaseAutoscaler, Layer: LayerInfrastructure, Namespace: names.SystemNamespace,
		// The chart version and the image tag are a pair of
		// schema.components (the environment's fields default from it).
		Repository: repoAutoscaler, Chart: cat.Autoscaler.Chart.Name, Version: c.ClusterAutoscalerVersion,
		Values: values,
	}
}

func externalSecrets(c *config.Environment, n names.Names, cat config.Components) Release {
	values := map[string]any{
		"installCRDs": true,
		"serviceAccount": map[string]any{
			"create":      true,
			"name":        names.ExternalSecretsServiceAccount,
			"annotations": irsa(c, n.IAM.ExternalSecrets),
		},
		"nodeSelector": onGroup(GroupControl),
	}
	// The chart's extraEnv is a list of env vars.
	if env := fipsEnvList(c, cat.ESO.FIPS); env != nil {
		values["extraEnv"] = env
	}
	return Release{
		Name: ReleaseExternalSecrets, Layer: LayerInfrastructure, Namespace: names.ExternalSecretsNamespace,
		Repository: repoExternalSecret, Chart: cat.ESO.Chart.Name, Version: c.ExternalSecretsVersion,
		CreateNamespace: true, CRDs: true,
		Values: values,
	}
}

// tofuController applies the Day-1/2 module. Its runner pods run as
// tf-runner, whose IAM role reaches the Terraform state bucket.
func tofuController(c *config.Environment, n names.Names, cat config.Components) Release {
	return Release{
		Name: ReleaseTofuController, Layer: LayerInfrastructure, Namespace: names.FluxNamespace,
		Repository: repoTofu, Chart: cat.Tofu.Chart.Name, Version: c.TofuControllerVersion,
		CRDs: true,
		Values: map[string]any{
			"runner": map[string]any{
				"serviceAccount": map[string]any{
					"create":            true,
					"name":              names.TofuRunnerServiceAccount,
					"annotations":       irsa(c, n.IAM.TofuRunner),
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
func fluentBit(c *config.Environment, n names.Names, cat config.Catalog) Release {
	streams := []logStream{
		{tag: "coderd", namespace: names.CoderNamespace, group: n.Logs.Coderd},
		{tag: "provisioner", namespace: names.ProvisionerNamespace, group: n.Logs.Provisioner},
		{tag: "workspace", namespace: names.WorkspaceNamespace, group: n.Logs.Workspace},
	}
	var inputs, filters, outputs []string
	for _, s := range streams {
		inputs = append(inputs, s.input())
		filters = append(filters, s.filter())
		outputs = append(outputs, s.output(c.AWSRegion, fluentBitFIPS(c, cat)))
	}
	return Release{
		Name: ReleaseFluentBit, Layer: LayerInfrastructure, Namespace: names.LoggingNamespace,
		Repository: repoFluent, Chart: cat.Components.FluentBit.Chart.Name, Version: c.FluentBitVersion,
		CreateNamespace: true,
		Values: map[string]any{
			"serviceAccount": map[string]any{
				"create":      true,
				"name":        names.FluentBitServiceAccount,
				"annotations": irsa(c, n.IAM.FluentBit),
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

// output sends a stream to its log group; hosts (service → FIPS host
// name) set the CloudWatch Logs and STS endpoints when FIPS is on.
func (s logStream) output(region string, hosts map[string]string) string {
	kv := [][2]string{
		{"Name", "cloudwatch_logs"},
		{"Match", s.tag + ".*"},
		{"region", region},
		{"log_group_name", s.group},
		{"log_stream_prefix", s.tag + "-"},
		{"auto_create_group", "false"},
	}
	if h, ok := hosts["logs"]; ok {
		kv = append(kv, [2]string{"endpoint", h})
	}
	if h, ok := hosts["sts"]; ok {
		kv = append(kv, [2]string{"sts_endpoint", h})
	}
	return section("OUTPUT", kv)
}

// fluentBitFIPS are the FIPS host names of the services Fluent Bit calls
// (schema.components["fluent-bit"].fips, schema.fips_hosts), nil unless
// the environment uses FIPS endpoints. The host is "https://"-less: the
// output plugin takes a host name.
func fluentBitFIPS(c *config.Environment, cat config.Catalog) map[string]string {
	f := cat.Components.FluentBit.FIPS
	if !c.UseFIPSEndpoints || f.Mechanism != "hosts" {
		return nil
	}
	out := map[string]string{}
	for _, svc := range f.Services {
		if h, ok := cat.FIPSHosts[c.Partition][svc]; ok {
			out[svc] = strings.ReplaceAll(h, "{region}", c.AWSRegion)
		}
	}
	return out
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
