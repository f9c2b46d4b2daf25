// Package names is the one place that names the things several outputs
// refer to: the Terraform modules create them, Helm values, Kubernetes
// manifests and Flux objects point at them. The names are the ones the
// seed's runbooks use, so its troubleshooting commands work unchanged.
package names

import (
	"sort"
	"strconv"
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

	// The Container Insights add-on (amazon-cloudwatch-observability)
	// installs its agent here under this service account.
	CloudWatchNamespace           = "amazon-cloudwatch"
	CloudWatchAgentServiceAccount = "cloudwatch-agent"
	// Fluent Bit (the seed's fluent_bit_version chart) ships container logs
	// to the /<project>/<env>/* log groups.
	LoggingNamespace = "logging"
	// The Prometheus agent that remote-writes to Amazon Managed Prometheus.
	MonitoringNamespace      = "monitoring"
	PrometheusServiceAccount = "prometheus"

	// WorkspaceTagKey tags every EC2 workspace instance and volume with the
	// cluster name; the provisioners' IAM policy only launches and manages
	// resources carrying it, so templates must set it.
	WorkspaceTagKey = "coder-eks/environment"

	// Database and the cluster's master user. coderd does not log in as
	// the master user: it connects as schema.database.app_user with IAM
	// auth tokens; the role Job creates that role with the master
	// password.
	DBName = "coder"
	DBUser = "coder"
	// DBRoleJob (in CoderNamespace, service account of the same name)
	// creates coderd's database role once, idempotently.
	DBRoleJob = "coder-db-role"
	// Ports, one table for every output that opens or targets them.
	// The NLB forwards to coderd pods coderd's HTTP port (TLS ends at the
	// NLB) and STUN.
	CoderdHTTPPort = 8080
	STUNPort       = 3478
	// MetricsPort is where coderd and the provisioners serve Prometheus
	// metrics (the chart's CODER_PROMETHEUS_ADDRESS, 0.0.0.0:2112).
	MetricsPort  = 2112
	PostgresPort = 5432 // Aurora PostgreSQL
	HTTPSPort    = 443

	// NodeGroupLabel is the node label every workload selects its group by;
	// the provisioner and workspace groups are also tainted with it.
	NodeGroupLabel = "coder.com/node-group"
	// WorkspaceNodeGroup is NodeGroupLabel's value (and taint value) on the
	// workspace node group.
	WorkspaceNodeGroup = "workspace"

	// WorkspaceServiceAccountPrefix starts the name of each Kubernetes
	// workspace's service account (prefix + workspace ID); the workspace
	// IRSA role trusts system:serviceaccount:<WorkspaceNamespace>:<prefix>*.
	WorkspaceServiceAccountPrefix = "coder-ws-"
	// NetworkEgressLabel carries a Kubernetes workspace pod's
	// network-egress capability; the namespace's baseline policy leaves out
	// pods labelled "none".
	NetworkEgressLabel = "coder-eks/network-egress"

	// CoderdStateKey is the coderd module's state object, in the same
	// bucket as the infra module's.
	CoderdStateKey = "coderd/terraform.tfstate"
	// LicenseVariable is the coderd module's sensitive variable holding
	// the Coder Premium license; the license's Kubernetes Secret stores it
	// under this key, which tofu-controller's varsFrom turns into the
	// variable.
	LicenseVariable = "coder_license"
	// EnableCoderdVariable is the coderd module's switch
	// (enable_coderd_provider); the Flux Terraform object sets it.
	EnableCoderdVariable = "enable_coderd_provider"
	// RegionTag is the provisioner tag naming the region whose cluster
	// runs a job (Multi-Region): region=<aws region>.
	RegionTag = "region"
)

// Names are an environment's derived names.
type Names struct {
	Cluster string // coder-prod

	ControlNodeGroup, ProvNodeGroup, WSNodeGroup string

	// CloudWatch log groups.
	CoderdLogGroup, ProvisionerLogGroup, WorkspaceLogGroup string
	FlowLogGroup, ClusterLogGroup                          string

	// Bucket names are global: each ends in the account ID.
	CloudTrailBucket string // coder-prod-cloudtrail-logs-111122223333
	AuroraCluster    string // coder-prod
	// DBSecret holds the connection details (JSON: host, port, dbname,
	// username, ...) but not the password, which stays in the RDS-managed
	// secret RDS manages and rotates.
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

	AccessURL         string // https://coder.example.com
	WildcardAccessURL string // *.coder.example.com
	AccessHost        string // coder.example.com

	// IAM roles for service accounts, by role name.
	CoderdRole, ProvisionerRole, EBSCSIRole, LBControllerRole, FluentBitRole, AutoscalerRole string
	CloudWatchAgentRole, PrometheusRole                                                      string
	// ExternalSecretsRole (external-secrets/external-secrets) may read the
	// environment's secrets; TofuRunnerRole (flux-system/tf-runner) may use
	// the Terraform state bucket.
	ExternalSecretsRole, TofuRunnerRole string
	// DBRoleJobRole (coder/coder-db-role) reads the RDS-managed master
	// secret to create coderd's database role.
	DBRoleJobRole string

	// Network load balancer and its target groups; the AWS Load Balancer
	// Controller's TargetGroupBindings bind the coderd Service to them.
	NLB, CoderdTargetGroup, STUNTargetGroup string
	NLBLogsBucket                           string // coder-prod-nlb-access-logs-111122223333

	// AWS Backup vaults (local and in backup_region) and plan.
	BackupVault, BackupPlan string

	// EC2 workspaces the composed templates launch: their instance role
	// (and profile) and security group.
	WorkspaceInstanceRole, WorkspaceSecurityGroup string

	CloudTrail     string // coder-prod
	Dashboard      string // coder-prod
	MetricsSpace   string // CloudWatch namespace of coderd's log metrics: Coder/coder-prod
	AuroraLogGroup string // /aws/rds/cluster/coder-prod/postgresql

	// ContainerInsightsLogGroups are the groups the Container Insights
	// add-on writes; the module creates them encrypted and with retention.
	ContainerInsightsLogGroups []string

	StateKMSAlias string // alias/coder-prod-terraform-state

	// WorkspaceRole is the IAM role Kubernetes workspaces with
	// identity-mode iam assume through IRSA (EC2 workspaces get
	// WorkspaceInstanceRole's instance profile).
	WorkspaceRole string
	// WorkspaceSecretsPrefix is the Secrets Manager name prefix workspaces
	// with secrets-injection secrets-manager read (coder/prod/workspaces/).
	WorkspaceSecretsPrefix string
	// LicenseSecret is the Secrets Manager secret holding the Coder
	// Premium license the coderd module applies (coder/prod/license).
	LicenseSecret string
	// ProxyTokenSecret is the Secrets Manager secret (in a secondary
	// region) holding its workspace proxy's token: coder/prod/workspace-
	// proxy/eu-west-1. Empty in the primary region.
	ProxyTokenSecret string
}

// For derives the names of one environment, or of one of its secondary
// regions (config.Environment.Secondary): there the cluster and every
// account-wide name (IAM roles, buckets, load balancers, dashboards) carry
// the region's code, coder-prod-euw1, and the access URL is the region's,
// eu-west-1.coder.example.com. The state key alias stays the primary's.
func For(c *config.Environment) Names {
	p, e := c.ProjectName, c.Environment
	cluster := p + "-" + e
	host := c.CoderSubdomain + "." + c.BaseDomain
	if c.SecondaryRegion != nil {
		cluster += "-" + RegionCode(c.AWSRegion)
		host = c.AWSRegion + "." + host
	}
	n := names(c, p, e, cluster, host)
	n.StateKMSAlias = "alias/" + p + "-" + e + "-terraform-state"
	if c.SecondaryRegion != nil {
		n.CoderdRole = cluster + "-workspace-proxy"
		n.CoderdTargetGroup = cluster + "-proxy"
		n.ProxyTokenSecret = p + "/" + e + "/workspace-proxy/" + c.AWSRegion
	}
	return n
}

// RegionCode shortens a region name for resource names: "eu-west-1" →
// "euw1", "ap-southeast-2" → "apse2", "us-gov-west-1" → "usgw1".
func RegionCode(region string) string {
	parts := strings.Split(region, "-")
	code := parts[0]
	for _, p := range parts[1:] {
		if short, ok := directions[p]; ok {
			code += short
		} else {
			code += p[:1]
		}
	}
	return code
}

var directions = map[string]string{
	"north": "n", "south": "s", "east": "e", "west": "w", "central": "c",
	"northeast": "ne", "northwest": "nw", "southeast": "se", "southwest": "sw",
	"gov": "g",
}

func names(c *config.Environment, p, e, cluster, host string) Names {
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
		CloudTrailBucket:     cluster + "-cloudtrail-logs-" + c.AccountID,
		AuroraCluster:        cluster,
		DBSecret:             p + "/" + e + "/db-password",
		ProvisionerKeySecret: p + "/" + e + "/provisioner-key",
		SessionTokenSecret:   p + "/" + e + "/coderd-session-token",
		FluxGitSecret:        p + "/" + e + "/flux-git-credentials",
		EBSKeyAlias:          "alias/" + cluster + "-ebs",
		VPC:                  cluster,
		AccessURL:            "https://" + host,
		WildcardAccessURL:    "*." + host,
		AccessHost:           host,
		CoderdRole:           cluster + "-coderd",
		ProvisionerRole:      cluster + "-provisioner",
		EBSCSIRole:           cluster + "-ebs-csi",
		LBControllerRole:     cluster + "-aws-load-balancer-controller",
		FluentBitRole:        cluster + "-fluent-bit",
		AutoscalerRole:       cluster + "-cluster-autoscaler",
		CloudWatchAgentRole:  cluster + "-cloudwatch-agent",
		PrometheusRole:       cluster + "-prometheus",
		ExternalSecretsRole:  cluster + "-external-secrets",
		TofuRunnerRole:       cluster + "-tf-runner",
		DBRoleJobRole:        cluster + "-db-role",

		NLB:               cluster,
		CoderdTargetGroup: cluster + "-coderd",
		STUNTargetGroup:   cluster + "-stun",
		NLBLogsBucket:     cluster + "-nlb-access-logs-" + c.AccountID,

		BackupVault: cluster,
		BackupPlan:  cluster + "-aurora",

		WorkspaceInstanceRole:  cluster + "-ec2-workspace",
		WorkspaceSecurityGroup: cluster + "-ec2-workspaces",

		CloudTrail:     cluster,
		Dashboard:      cluster,
		MetricsSpace:   "Coder/" + cluster,
		AuroraLogGroup: "/aws/rds/cluster/" + cluster + "/postgresql",
		ContainerInsightsLogGroups: []string{
			"/aws/containerinsights/" + cluster + "/application",
			"/aws/containerinsights/" + cluster + "/dataplane",
			"/aws/containerinsights/" + cluster + "/host",
			"/aws/containerinsights/" + cluster + "/performance",
		},
		StateKMSAlias: "alias/" + cluster + "-terraform-state",

		WorkspaceRole:          cluster + "-workspace",
		WorkspaceSecretsPrefix: p + "/" + e + "/workspaces/",
		LicenseSecret:          p + "/" + e + "/license",
	}
}

// TargetGroupNameMax is the longest name an ELB target group or load
// balancer may have.
const TargetGroupNameMax = 32

// ARN is arn:<partition>:<service>:<region>:<account>:<resource>, the
// one place the generator spells an ARN of the environment's own
// resources; region is empty for global services (IAM, S3).
func ARN(partition, service, region, account, resource string) string {
	return "arn:" + partition + ":" + service + ":" + region + ":" + account + ":" + resource
}

// RoleARN is the ARN of an IAM role of this environment's account, in its
// partition.
func RoleARN(c *config.Environment, role string) string {
	return ARN(c.Partition, "iam", "", c.AccountID, "role/"+role)
}

// WorkspaceSecurityGroupFor is the shared security group of EC2 workspaces
// with the given network-egress: one group per egress mode, not one per
// workspace (3,000 workspaces would exceed the VPC's security-group quota).
func (n Names) WorkspaceSecurityGroupFor(egress string) string {
	if egress == "https-only" {
		return n.WorkspaceSecurityGroup
	}
	return n.WorkspaceSecurityGroup + "-" + egress
}

// KMSAliasARN is the ARN of a KMS alias in the environment's account and
// region, in its partition.
func KMSAliasARN(c *config.Environment, alias string) string {
	return ARN(c.Partition, "kms", c.AWSRegion, c.AccountID, alias)
}

// StateKMSAliasARN is the ARN of the alias of the Terraform state's KMS
// key, in the state bucket's region (which may differ from the cluster's).
func StateKMSAliasARN(c *config.Environment, n Names) string {
	return ARN(c.Partition, "kms", c.TerraformStateRegion, c.AccountID, n.StateKMSAlias)
}

// AuroraClusterARN is the ARN of the environment's Aurora cluster; RDS tags
// the secret holding its master password with it.
func AuroraClusterARN(c *config.Environment, n Names) string {
	return ARN(c.Partition, "rds", c.AWSRegion, c.AccountID, "cluster:"+n.AuroraCluster)
}

// Tags are the tags every AWS resource of the environment carries (the
// providers' default_tags): who owns it and that coder-eks manages it,
// plus the environment's own tags.
func Tags(c *config.Environment) map[string]string {
	t := map[string]string{
		"Project":     c.ProjectName,
		"Environment": c.Environment,
		"Owner":       c.Owner,
		"ManagedBy":   "coder-eks",
	}
	for k, v := range c.Tags {
		t[k] = v
	}
	return t
}

// STUNServerPorts are the UDP ports of the STUN servers clients and
// agents use (stun_addresses), sorted, none when STUN is off: the one list
// both the https-only workspace NetworkPolicy and the EC2 workspace
// security group open, so the two platforms' baselines agree. A
// secondary region runs no STUN listener (EnableSTUN is false there) but
// its workspaces use the primary's servers (config.Secondary keeps their
// addresses only when the primary has STUN on).
func STUNServerPorts(c *config.Environment) []int {
	if !c.EnableSTUN && c.SecondaryRegion == nil {
		return nil
	}
	seen := map[int]bool{}
	var out []int
	for _, a := range c.STUNAddresses {
		p, err := strconv.Atoi(a[strings.LastIndexByte(a, ':')+1:])
		if err == nil && !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	sort.Ints(out)
	return out
}
