// Package names is the one place that names the things several outputs
// refer to: the Terraform modules create them, Helm values, Kubernetes
// manifests and Flux objects point at them. The names are the ones the
// seed's runbooks use, so its troubleshooting commands work unchanged.
package names

import (
	"reflect"
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

// Names are an environment's derived names (of its primary region, or of
// one secondary region's view), grouped by what they name.
type Names struct {
	Cluster string // coder-prod; coder-prod-euw1 in a secondary region

	NodeGroups NodeGroups
	Logs       Logs
	Secrets    Secrets
	IAM        IAM
	Network    Network
	Access     Access
	KMS        KMS
	Buckets    Buckets
	Database   Database
	Monitoring Monitoring
}

// NodeGroups are the EKS managed node groups.
type NodeGroups struct {
	Control, Prov, WS string // coder-prod-control, -prov, -ws
}

// Logs are CloudWatch log groups.
type Logs struct {
	Coderd, Provisioner, Workspace string // /coder/prod/coderd, ...
	Flow                           string // /coder/prod/vpc-flow-logs
	Cluster                        string // /aws/eks/coder-prod/cluster
	Aurora                         string // /aws/rds/cluster/coder-prod/postgresql
	// ContainerInsights are the groups the Container Insights add-on
	// writes; the module creates them encrypted and with retention.
	ContainerInsights []string
}

// Secrets are Secrets Manager secrets. They are named for the
// environment, not the region: a secondary region's view has the
// primary's names (and ProxyToken).
type Secrets struct {
	// DB holds the connection details (JSON: host, port, dbname,
	// username, ...) but not the password, which stays in the RDS-managed
	// secret RDS manages and rotates.
	DB string // coder/prod/db-password

	// Secrets whose values are written after Day 0. Day 0 creates them
	// empty and grants IAM.ExternalSecrets read access.
	//   ProvisionerKey: the external provisioners' key, plain text,
	//     written by the Day-1/2 module from coderd_provisioner_key.
	//   SessionToken: an owner's long-lived API token, plain text,
	//     stored by the operator after the first login; tofu-controller
	//     applies the Day-1/2 module with it.
	//   FluxGit: Flux's Git credentials as a JSON object with the keys
	//     of a Flux Git secret (identity, identity.pub, known_hosts for SSH;
	//     username, password for HTTPS).
	ProvisionerKey, SessionToken, FluxGit string

	// License holds the Coder Premium license the coderd module applies
	// (coder/prod/license).
	License string
	// WorkspacePrefix is the name prefix workspaces with
	// secrets-injection secrets-manager read (coder/prod/workspaces/).
	WorkspacePrefix string
	// ProxyToken (in a secondary region) holds its workspace proxy's
	// token: coder/prod/workspace-proxy/eu-west-1. Empty in the primary
	// region.
	ProxyToken string
}

// IAM are IAM role names. IAM is global: every role carries the
// region's cluster name, so a secondary region's roles never collide
// with the primary's.
type IAM struct {
	// IAM roles for service accounts. Coderd is the workspace proxy's role
	// in a secondary region (coder-prod-euw1-workspace-proxy).
	Coderd, Provisioner, EBSCSI, LBController, FluentBit, Autoscaler string
	CloudWatchAgent, Prometheus                                      string
	// ExternalSecrets (external-secrets/external-secrets) may read the
	// environment's secrets; TofuRunner (flux-system/tf-runner) may use
	// the Terraform state bucket.
	ExternalSecrets, TofuRunner string
	// DBRoleJob (coder/coder-db-role) reads the RDS-managed master
	// secret to create coderd's database role.
	DBRoleJob string
	// WorkspaceInstance is the instance role (and profile) of the EC2
	// workspaces the composed templates launch.
	WorkspaceInstance string
	// Workspace is the role Kubernetes workspaces with identity-mode iam
	// assume through IRSA (EC2 workspaces get WorkspaceInstance's
	// instance profile).
	Workspace string
}

// Roles are every IAM role name of the group, in field order: each string
// field is one role. Read by reflection so that a role added to the group
// is in every check over its names (validate's length limit) without a
// second list to keep in step.
func (i IAM) Roles() []string {
	v := reflect.ValueOf(i)
	out := make([]string, 0, v.NumField())
	for f := range v.NumField() {
		out = append(out, v.Field(f).String())
	}
	return out
}

// Network are the VPC, the load balancer and the security groups.
type Network struct {
	// VPC is the VPC's Name tag; the load balancer controller finds the
	// VPC by it because pods cannot reach the instance metadata service.
	VPC string
	// NLB and its target groups; the AWS Load Balancer Controller's
	// TargetGroupBindings bind the coderd Service to them. CoderdTargetGroup
	// is the workspace proxies' in a secondary region.
	NLB, CoderdTargetGroup, STUNTargetGroup string
	// WorkspaceSecurityGroup is the security group of EC2 workspaces with
	// network-egress https-only (WorkspaceSecurityGroupFor names the
	// others).
	WorkspaceSecurityGroup string
}

// Access is where users reach Coder (a secondary region: its workspace
// proxy, at eu-west-1.coder.example.com).
type Access struct {
	URL         string // https://coder.example.com
	WildcardURL string // *.coder.example.com
	Host        string // coder.example.com
}

// KMS are KMS key aliases.
type KMS struct {
	// EBS encrypts EBS volumes; the gp3 StorageClass encrypts persistent
	// volumes with it too.
	EBS string // alias/coder-prod-ebs
	// State encrypts the Terraform state: the environment's, one for
	// every region (the state bucket is the primary's).
	State string // alias/coder-prod-terraform-state
}

// Buckets are S3 bucket names. Bucket names are global: each ends in the
// account ID.
type Buckets struct {
	CloudTrail string // coder-prod-cloudtrail-logs-111122223333
	NLBLogs    string // coder-prod-nlb-access-logs-111122223333
}

// Database are the Aurora cluster and its AWS Backup vaults (local and in
// backup_region) and plan.
type Database struct {
	Cluster     string // coder-prod
	BackupVault string
	BackupPlan  string
}

// Monitoring are the trail, the dashboard and the metrics namespace.
type Monitoring struct {
	CloudTrail   string // coder-prod
	Dashboard    string // coder-prod
	MetricsSpace string // CloudWatch namespace of coderd's log metrics: Coder/coder-prod
}

// scope is what an environment's names are built from.
type scope struct {
	p, e      string // project_name, environment
	cluster   string // p-e, plus the region's code in a secondary region
	host      string // the access host
	account   string
	region    string
	secondary bool
}

// For derives the names of one environment, or of one of its secondary
// regions (config.Environment.Secondary): there the cluster and every
// account-wide name (IAM roles, buckets, load balancers, dashboards) carry
// the region's code, coder-prod-euw1, and the access URL is the region's,
// eu-west-1.coder.example.com. Each name is set once, by its group, which
// makes the secondary region's choice itself: the state key alias stays
// the primary's, and the workspace proxy has its own role, target group
// and token secret.
func For(c *config.Environment) Names {
	s := scope{p: c.ProjectName, e: c.Environment, account: c.AccountID, region: c.AWSRegion, secondary: c.SecondaryRegion != nil}
	s.cluster = s.p + "-" + s.e
	s.host = c.CoderSubdomain + "." + c.BaseDomain
	if s.secondary {
		s.cluster += "-" + RegionCode(c.AWSRegion)
		s.host = c.AWSRegion + "." + s.host
	}
	return Names{
		Cluster:    s.cluster,
		NodeGroups: nodeGroups(s),
		Logs:       logs(s),
		Secrets:    secrets(s),
		IAM:        iam(s),
		Network:    network(s),
		Access:     Access{URL: "https://" + s.host, WildcardURL: "*." + s.host, Host: s.host},
		KMS:        KMS{EBS: "alias/" + s.cluster + "-ebs", State: "alias/" + s.p + "-" + s.e + "-terraform-state"},
		Buckets: Buckets{
			CloudTrail: s.cluster + "-cloudtrail-logs-" + s.account,
			NLBLogs:    s.cluster + "-nlb-access-logs-" + s.account,
		},
		Database:   Database{Cluster: s.cluster, BackupVault: s.cluster, BackupPlan: s.cluster + "-aurora"},
		Monitoring: Monitoring{CloudTrail: s.cluster, Dashboard: s.cluster, MetricsSpace: "Coder/" + s.cluster},
	}
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

func nodeGroups(s scope) NodeGroups {
	return NodeGroups{Control: s.cluster + "-control", Prov: s.cluster + "-prov", WS: s.cluster + "-ws"}
}

func logs(s scope) Logs {
	env := "/" + s.p + "/" + s.e
	insights := "/aws/containerinsights/" + s.cluster
	return Logs{
		Coderd:      env + "/coderd",
		Provisioner: env + "/provisioner",
		Workspace:   env + "/workspaces",
		Flow:        env + "/vpc-flow-logs",
		Cluster:     "/aws/eks/" + s.cluster + "/cluster",
		Aurora:      "/aws/rds/cluster/" + s.cluster + "/postgresql",
		ContainerInsights: []string{
			insights + "/application",
			insights + "/dataplane",
			insights + "/host",
			insights + "/performance",
		},
	}
}

func secrets(s scope) Secrets {
	env := s.p + "/" + s.e + "/"
	out := Secrets{
		DB:              env + "db-password",
		ProvisionerKey:  env + "provisioner-key",
		SessionToken:    env + "coderd-session-token",
		FluxGit:         env + "flux-git-credentials",
		License:         env + "license",
		WorkspacePrefix: env + "workspaces/",
	}
	if s.secondary {
		out.ProxyToken = env + "workspace-proxy/" + s.region
	}
	return out
}

func iam(s scope) IAM {
	coderd := s.cluster + "-coderd"
	if s.secondary {
		coderd = s.cluster + "-workspace-proxy"
	}
	return IAM{
		Coderd:            coderd,
		Provisioner:       s.cluster + "-provisioner",
		EBSCSI:            s.cluster + "-ebs-csi",
		LBController:      s.cluster + "-aws-load-balancer-controller",
		FluentBit:         s.cluster + "-fluent-bit",
		Autoscaler:        s.cluster + "-cluster-autoscaler",
		CloudWatchAgent:   s.cluster + "-cloudwatch-agent",
		Prometheus:        s.cluster + "-prometheus",
		ExternalSecrets:   s.cluster + "-external-secrets",
		TofuRunner:        s.cluster + "-tf-runner",
		DBRoleJob:         s.cluster + "-db-role",
		WorkspaceInstance: s.cluster + "-ec2-workspace",
		Workspace:         s.cluster + "-workspace",
	}
}

func network(s scope) Network {
	coderd := s.cluster + "-coderd"
	if s.secondary {
		coderd = s.cluster + "-proxy"
	}
	return Network{
		VPC:                    s.cluster,
		NLB:                    s.cluster,
		CoderdTargetGroup:      coderd,
		STUNTargetGroup:        s.cluster + "-stun",
		WorkspaceSecurityGroup: s.cluster + "-ec2-workspaces",
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
func (n Network) WorkspaceSecurityGroupFor(egress string) string {
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
	return ARN(c.Partition, "kms", c.TerraformStateRegion, c.AccountID, n.KMS.State)
}

// AuroraClusterARN is the ARN of the environment's Aurora cluster; RDS tags
// the secret holding its master password with it.
func AuroraClusterARN(c *config.Environment, n Names) string {
	return ARN(c.Partition, "rds", c.AWSRegion, c.AccountID, "cluster:"+n.Database.Cluster)
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
