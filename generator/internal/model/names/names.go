// Package names is the one place that names the things several outputs
// refer to: the Terraform modules create them, Helm values, Kubernetes
// manifests and Flux objects point at them. The names are the ones the
// seed's runbooks use, so its troubleshooting commands work unchanged.
package names

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"github.com/coder-eks/coder-eks/generator/internal/config"
)

// Kubernetes namespaces and service accounts.
const (
	CoderNamespace       = "coder"
	ProvisionerNamespace = "coder-prov"
	SystemNamespace      = "kube-system"
	// WorkspaceNamespace holds workspace pods, apart from the provisioners
	// that create them (their keys and IAM role stay out of workspaces'
	// reach). Kubernetes templates must create their pods and volumes here;
	// the provisioner service account is granted rights in it.
	WorkspaceNamespace = "coder-ws"
	// FluxNamespace is where Flux, tofu-controller and their objects live.
	FluxNamespace = "flux-system"
	// ExternalSecretsNamespace runs external-secrets, which copies Secrets
	// Manager values into Kubernetes Secrets.
	ExternalSecretsNamespace = "external-secrets"

	CoderServiceAccount        = "coder"
	ProvisionerServiceAccount  = "coder-provisioner"
	EBSCSIServiceAccount       = "ebs-csi-controller-sa"
	LBControllerServiceAccount = "aws-load-balancer-controller"
	FluentBitServiceAccount    = "fluent-bit"
	AutoscalerServiceAccount   = "cluster-autoscaler"
	// ExternalSecretsServiceAccount (in ExternalSecretsNamespace) reads the
	// environment's Secrets Manager secrets.
	ExternalSecretsServiceAccount = "external-secrets"
	// TofuRunnerServiceAccount (in FluxNamespace) runs the Day-1/2 module;
	// it reads and writes that module's state in the state bucket.
	TofuRunnerServiceAccount = "tf-runner"

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
	// DBSecret is a JSON object with the keys username, password, host,
	// port and dbname; the cluster builds coderd's connection URL from it.
	DBSecret string // coder/prod/db-password

	// Secrets Manager secrets whose values are written after Day 0. Day 0
	// creates them empty and grants ExternalSecretsRole read access.
	//   ProvisionerKeySecret: the external provisioners' key, plain text,
	//     written by the Day-1/2 module from coderd_provisioner_key.
	//   SessionTokenSecret: an owner's long-lived API token, plain text,
	//     stored by the operator after the first login; tofu-controller
	//     applies the Day-1/2 module with it.
	//   FluxGitSecret: Flux's Git credentials as a JSON object with the keys
	//     of a Flux Git secret (identity, identity.pub, known_hosts for SSH;
	//     username, password for HTTPS).
	ProvisionerKeySecret, SessionTokenSecret, FluxGitSecret string

	// EBSKeyAlias is the KMS alias of the key EBS volumes are encrypted
	// with; the gp3 StorageClass encrypts persistent volumes with it too.
	EBSKeyAlias string

	// VPC is the VPC's Name tag; the load balancer controller finds the VPC
	// by it because pods cannot reach the instance metadata service.
	VPC string
	// CoderdTargetGroup is the NLB target group (target type ip, TCP 8080)
	// the NLB's TLS listener forwards to; the load balancer controller
	// registers coderd pod IPs in it by name. At most 32 characters.
	CoderdTargetGroup string

	AccessURL         string // https://coder.example.com
	WildcardAccessURL string // *.coder.example.com
	AccessHost        string // coder.example.com

	// IAM roles for service accounts, by role name.
	CoderdRole, ProvisionerRole, EBSCSIRole, LBControllerRole, FluentBitRole, AutoscalerRole string
	// ExternalSecretsRole (external-secrets/external-secrets) may read the
	// environment's secrets; TofuRunnerRole (flux-system/tf-runner) may use
	// the Terraform state bucket.
	ExternalSecretsRole, TofuRunnerRole string
}

// For derives the names of one environment.
func For(c *config.Environment) Names {
	p, e := c.ProjectName, c.Environment
	cluster := p + "-" + e
	host := c.CoderSubdomain + "." + c.BaseDomain
	return Names{
		Cluster:              cluster,
		ControlNodeGroup:     cluster + "-control",
		ProvNodeGroup:        cluster + "-prov",
		WSNodeGroup:          cluster + "-ws",
		CoderdLogGroup:       "/" + p + "/" + e + "/coderd",
		ProvisionerLogGroup:  "/" + p + "/" + e + "/provisioner",
		WorkspaceLogGroup:    "/" + p + "/" + e + "/workspaces",
		FlowLogGroup:         "/" + p + "/" + e + "/vpc-flow-logs",
		ClusterLogGroup:      "/aws/eks/" + cluster + "/cluster",
		CloudTrailBucket:     cluster + "-cloudtrail-logs",
		AuroraCluster:        cluster,
		DBSecret:             p + "/" + e + "/db-password",
		ProvisionerKeySecret: p + "/" + e + "/provisioner-key",
		SessionTokenSecret:   p + "/" + e + "/coderd-session-token",
		FluxGitSecret:        p + "/" + e + "/flux-git-credentials",
		EBSKeyAlias:          "alias/" + cluster + "-ebs",
		VPC:                  cluster,
		CoderdTargetGroup:    targetGroupName(cluster, "coderd"),
		AccessURL:            "https://" + host,
		WildcardAccessURL:    "*." + host,
		AccessHost:           host,
		CoderdRole:           cluster + "-coderd",
		ProvisionerRole:      cluster + "-provisioner",
		EBSCSIRole:           cluster + "-ebs-csi",
		LBControllerRole:     cluster + "-aws-load-balancer-controller",
		FluentBitRole:        cluster + "-fluent-bit",
		AutoscalerRole:       cluster + "-cluster-autoscaler",
		ExternalSecretsRole:  cluster + "-external-secrets",
		TofuRunnerRole:       cluster + "-tf-runner",
	}
}

// targetGroupName is "<cluster>-<suffix>" cut to the 32 characters ELB
// allows; a cut name ends in a hash of the full one so that two long
// cluster names still give different target groups.
func targetGroupName(cluster, suffix string) string {
	const max = 32
	name := cluster + "-" + suffix
	if len(name) <= max {
		return name
	}
	sum := sha256.Sum256([]byte(name))
	hash := hex.EncodeToString(sum[:])[:6]
	keep := max - len(suffix) - len(hash) - 2
	return strings.TrimRight(cluster[:keep], "-") + "-" + suffix + "-" + hash
}

// KMSAliasARN is the ARN of a KMS alias in the environment's account and
// region, in its partition.
func KMSAliasARN(c *config.Environment, alias string) string {
	return "arn:" + c.Partition + ":kms:" + c.AWSRegion + ":" + c.AccountID + ":" + alias
}

// RoleARN is the ARN of an IAM role of this environment's account, in its
// partition.
func RoleARN(c *config.Environment, role string) string {
	return "arn:" + c.Partition + ":iam::" + c.AccountID + ":role/" + role
}
