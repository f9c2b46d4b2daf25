// Package names is the one place that names the things several outputs
// refer to: the Terraform modules create them, Helm values, Kubernetes
// manifests and Flux objects point at them. The names are the ones the
// seed's runbooks use, so its troubleshooting commands work unchanged.
package names

import "github.com/coder-eks/coder-eks/generator/internal/config"

// Kubernetes namespaces and service accounts.
const (
	CoderNamespace       = "coder"
	ProvisionerNamespace = "coder-prov"
	SystemNamespace      = "kube-system"

	CoderServiceAccount        = "coder"
	ProvisionerServiceAccount  = "coder-provisioner"
	EBSCSIServiceAccount       = "ebs-csi-controller-sa"
	LBControllerServiceAccount = "aws-load-balancer-controller"
	FluentBitServiceAccount    = "fluent-bit"
	AutoscalerServiceAccount   = "cluster-autoscaler"

	// NodeGroupLabel is the node label every workload selects its group by;
	// the provisioner and workspace groups are also tainted with it.
	NodeGroupLabel = "coder.com/node-group"
)

// Names are an environment's derived names.
type Names struct {
	Cluster string // coder-prod

	ControlNodeGroup, ProvNodeGroup, WSNodeGroup string

	// CloudWatch log groups.
	CoderdLogGroup, ProvisionerLogGroup, WorkspaceLogGroup string
	FlowLogGroup, ClusterLogGroup                          string

	CloudTrailBucket string // coder-prod-cloudtrail-logs
	AuroraCluster    string // coder-prod
	DBSecret         string // coder/prod/db-password

	AccessURL         string // https://coder.example.com
	WildcardAccessURL string // *.coder.example.com
	AccessHost        string // coder.example.com

	// IAM roles for service accounts, by role name.
	CoderdRole, ProvisionerRole, EBSCSIRole, LBControllerRole, FluentBitRole, AutoscalerRole string
}

// For derives the names of one environment.
func For(c *config.Environment) Names {
	p, e := c.ProjectName, c.Environment
	cluster := p + "-" + e
	host := c.CoderSubdomain + "." + c.BaseDomain
	return Names{
		Cluster:             cluster,
		ControlNodeGroup:    cluster + "-control",
		ProvNodeGroup:       cluster + "-prov",
		WSNodeGroup:         cluster + "-ws",
		CoderdLogGroup:      "/" + p + "/" + e + "/coderd",
		ProvisionerLogGroup: "/" + p + "/" + e + "/provisioner",
		WorkspaceLogGroup:   "/" + p + "/" + e + "/workspaces",
		FlowLogGroup:        "/" + p + "/" + e + "/vpc-flow-logs",
		ClusterLogGroup:     "/aws/eks/" + cluster + "/cluster",
		CloudTrailBucket:    cluster + "-cloudtrail-logs",
		AuroraCluster:       cluster,
		DBSecret:            p + "/" + e + "/db-password",
		AccessURL:           "https://" + host,
		WildcardAccessURL:   "*." + host,
		AccessHost:          host,
		CoderdRole:          cluster + "-coderd",
		ProvisionerRole:     cluster + "-provisioner",
		EBSCSIRole:          cluster + "-ebs-csi",
		LBControllerRole:    cluster + "-aws-load-balancer-controller",
		FluentBitRole:       cluster + "-fluent-bit",
		AutoscalerRole:      cluster + "-cluster-autoscaler",
	}
}

// RoleARN is the ARN of an IAM role of this environment's account, in its
// partition.
func RoleARN(c *config.Environment, role string) string {
	return "arn:" + c.Partition + ":iam::" + c.AccountID + ":role/" + role
}
