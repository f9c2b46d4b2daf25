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
	// WorkspaceNodeGroup is NodeGroupLabel's value (and taint value) on the
	// workspace node group.
	WorkspaceNodeGroup = "workspace"

	// WorkspaceNamespace is where Kubernetes workspaces run: the
	// provisioners create their pods, volumes, service accounts and
	// network policies there.
	WorkspaceNamespace = "coder-workspaces"
	// WorkspaceServiceAccountPrefix starts the name of each Kubernetes
	// workspace's service account (prefix + workspace ID); the workspace
	// IRSA role trusts system:serviceaccount:<WorkspaceNamespace>:<prefix>*.
	WorkspaceServiceAccountPrefix = "coder-ws-"
	// WorkspaceStorageClass is the encrypted gp3 EBS StorageClass workspace
	// volumes are provisioned from.
	WorkspaceStorageClass = "gp3-encrypted"

	// CoderService is the Service the coder Helm release creates in
	// CoderNamespace; CoderHTTPPort is the coderd container port behind it.
	CoderService  = "coder"
	CoderHTTPPort = 8080

	// ProvisionerKeySecret is the Kubernetes Secret in ProvisionerNamespace
	// holding the external provisioners' key (the seed's runbook reads its
	// annotations for the expiry).
	ProvisionerKeySecret = "coder-provisioner-key"

	// CoderdStateKey is the coderd module's state object, in the same
	// bucket as the infra module's.
	CoderdStateKey = "coderd/terraform.tfstate"
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

	// WorkspaceRole is the IAM role workspaces with identity-mode iam get:
	// through IRSA on Kubernetes, through WorkspaceInstanceProfile on EC2.
	WorkspaceRole, WorkspaceInstanceProfile string
	// WorkspaceSecretsPrefix is the Secrets Manager name prefix workspaces
	// with secrets-injection secrets-manager read (coder/prod/workspaces/).
	WorkspaceSecretsPrefix string
	// LicenseSecret is the Secrets Manager secret holding the Coder
	// Premium license the coderd module applies (coder/prod/license).
	LicenseSecret string
	// CoderInternalURL is coderd's in-cluster URL.
	CoderInternalURL string
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

		WorkspaceRole:            cluster + "-workspace",
		WorkspaceInstanceProfile: cluster + "-workspace",
		WorkspaceSecretsPrefix:   p + "/" + e + "/workspaces/",
		LicenseSecret:            p + "/" + e + "/license",
		CoderInternalURL:         "http://" + CoderService + "." + CoderNamespace + ".svc.cluster.local",
	}
}

// RoleARN is the ARN of an IAM role of this environment's account, in its
// partition.
func RoleARN(c *config.Environment, role string) string {
	return "arn:" + c.Partition + ":iam::" + c.AccountID + ":role/" + role
}
