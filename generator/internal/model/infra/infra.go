// Package infra is the model of the Day-0 AWS infrastructure: typed values
// for what the infra root module creates, derived from a checked
// environment. Rendering reads only this model.
package infra

import (
	"github.com/coder-eks/coder-eks/generator/internal/cidr"
	"github.com/coder-eks/coder-eks/generator/internal/config"
	"github.com/coder-eks/coder-eks/generator/internal/plan"
	"github.com/coder-eks/coder-eks/generator/internal/plan/names"
	netplan "github.com/coder-eks/coder-eks/generator/internal/plan/network"
	"github.com/coder-eks/coder-eks/generator/internal/plan/quota"
)

// Infra is everything the infra module creates.
type Infra struct {
	Names     names.Names
	Env       string // environment name
	Source    string // environment file, for generated-file headers
	Region    string
	AccountID string
	// FIPS makes the provider and the state backend call AWS FIPS
	// endpoints.
	FIPS       bool
	Tags       map[string]string
	Backend    Backend
	Network    Network
	Cluster    Cluster
	NodeGroups []NodeGroup
	LogGroups  LogGroups

	// Database and Backup are nil in a secondary region's module: its
	// workspace proxies use the primary's coderd, not a database.
	Database     *Database
	Backup       *Backup
	LoadBalancer LoadBalancer
	DNS          DNS
	Roles        []IRSA // IRSA roles beside the add-ons' own
	// CoderdSecrets are the environment's secrets coderd reads (OIDC and
	// external auth client secrets), by ARN; in a secondary region, the
	// workspace proxy's token secret, by name.
	CoderdSecrets []string
	// Secondary is set in a secondary region's module.
	Secondary bool
	// Secrets are the Secrets Manager secrets this module creates empty.
	Secrets []PlatformSecret
	// ProxyTokens are the secondary regions' workspace proxy token and provisioner key
	// secrets, which the primary's Day-1/2 runner writes.
	ProxyTokens   []RegionalSecret
	Workspaces    Workspaces
	Observability Observability
	Quotas        Quotas
}

// Backend is where the module's state lives; the bootstrap module creates
// the bucket and its KMS key.
type Backend struct {
	Bucket, Key, Region string
	KMSAlias            string // alias/coder-prod-terraform-state
	KMSAliasARN         string // the alias's ARN, which the S3 backend accepts
}

// Network is the VPC and its subnets.
type Network struct {
	Name       string
	CIDR       string
	AZs        []string
	Subnets    cidr.Plan
	Endpoints  []Endpoint // interface endpoints
	S3Endpoint bool       // gateway endpoint
	// NATPerAZ gives every AZ its own NAT gateway; otherwise one NAT
	// gateway in the first AZ serves every private subnet.
	NATPerAZ     bool
	FlowLogGroup string
}

// Cluster is the EKS control plane.
type Cluster struct {
	Name              string
	Version           string
	ServiceCIDR       string
	PublicAccess      bool
	PublicAccessCIDRs []string
	AdminRoleARNs     []string
	LogTypes          []string
	Addons            []Addon
}

// Addon is an EKS managed add-on.
type Addon struct {
	Name string
	// IRSA is the role the add-on's service account assumes, if any.
	IRSA *IRSA
	// Policy is the AWS managed policy (path/name) attached to the IRSA role.
	Policy string
	// Config is the add-on's configuration values (JSON), if any.
	Config string
	// AfterNodes is set for add-ons whose pods need nodes to become active.
	AfterNodes bool
}

// RegionalSecret is a Secrets Manager secret of another region, by name.
type RegionalSecret struct {
	Region, Name string
}

// PlatformSecret is a Secrets Manager secret whose value arrives after
// Day 0.
type PlatformSecret struct {
	Key, Name, Description string
}

// IRSA is an IAM role only one Kubernetes service account can assume.
type IRSA struct {
	Key                       string // resource name in Terraform
	Role                      string // IAM role name
	Namespace, ServiceAccount string
}

// Keys of the IRSA roles; the renderer gives each its policy.
const (
	RoleCoderd          = "coderd"
	RoleProvisioner     = "provisioner"
	RoleLBController    = "lb_controller"
	RoleFluentBit       = "fluent_bit"
	RoleAutoscaler      = "cluster_autoscaler"
	RoleCloudWatchAgent = "cloudwatch_agent"
	RoleEBSCSI          = "ebs_csi"
	RolePrometheus      = "prometheus"
	// RoleWorkspaceProxy takes coderd's place in a secondary region.
	RoleWorkspaceProxy  = "workspace_proxy"
	RoleExternalSecrets = "external_secrets"
	// RoleTofuRunner runs the Day-1/2 module (primary region only).
	RoleTofuRunner = "tofu_runner"
	// RoleDBRoleJob creates coderd's database role (primary only).
	RoleDBRoleJob = "db_role_job"
)

// NodeGroup is one EKS managed node group with its launch template.
type NodeGroup struct {
	Key  string // short name used in resource addresses: control, prov, ws_a
	Name string // e.g. coder-prod-ws-us-east-1a
	Tier string // subnet tier
	// AZ pins the group to one availability zone's subnet of its tier;
	// empty: every AZ of the tier.
	AZ string
	// InstanceTypes: the first sizes the nodes (capacity model,
	// cluster-autoscaler's node template); Spot groups may add types of
	// the same vCPUs and memory.
	InstanceTypes []string
	// AMIType is the EKS AMI type (schema.node_group_ami_type).
	AMIType   string
	Min, Max  int
	Desired   int // size at creation; cluster-autoscaler owns it afterwards
	Peak      int // min size during business hours; 0 = no schedule
	Spot      bool
	VolumeGiB int
	// LaunchTemplate is the key (and name) of the launch template the
	// group uses; the workspace groups of all AZs share one.
	LaunchTemplate, LaunchTemplateName string
	Labels                             map[string]string
	Taints                             []Taint
	Schedule                           *Schedule
	// Coderd marks the group coderd runs on: its nodes get a security group
	// of their own that Aurora and the NLB admit, and no other group does.
	Coderd bool
}

// Taint keeps pods without a matching toleration off a node group.
type Taint struct {
	Key, Value, Effect string
}

// Schedule scales a node group's ASG for business hours.
type Schedule struct {
	Start, Stop, TimeZone string
}

// LogGroups are the CloudWatch log groups the seed's runbooks name.
type LogGroups struct {
	Retention                       int
	Cluster                         string
	Coderd, Provisioner, Workspaces string
}

// Build derives the primary region's model from a checked environment.
func Build(env *plan.Environment) Infra {
	return build(env, &env.Config, env.Subnets, env.Capacity.Quotas)
}

// BuildRegion derives the model of a secondary region's root module.
func BuildRegion(env *plan.Environment, r plan.Region) Infra {
	return build(env, &r.Config, r.Subnets, r.Capacity.Quotas)
}

func build(env *plan.Environment, c *config.Environment, subnets cidr.Plan, reqs []quota.Requirement) Infra {
	n := names.For(c)
	m := Infra{
		Names:      n,
		Env:        env.Name,
		Source:     env.RelFile(),
		Region:     c.AWSRegion,
		AccountID:  c.AccountID,
		FIPS:       c.UseFIPSEndpoints,
		Tags:       names.Tags(c),
		Backend:    backend(c, n),
		Network:    network(c, n, subnets, env.Catalog.Planning),
		Cluster:    cluster(c, n),
		NodeGroups: nodeGroups(c, n, env.Catalog.NodeGroupAMIType),
		LogGroups: LogGroups{
			Retention:   c.LogRetentionDays,
			Cluster:     n.Logs.Cluster,
			Coderd:      n.Logs.Coderd,
			Provisioner: n.Logs.Provisioner,
			Workspaces:  n.Logs.Workspace,
		},
		LoadBalancer:  loadBalancer(c, n),
		DNS:           dns(c, n),
		Roles:         roles(c, n),
		CoderdSecrets: coderdSecrets(c, n),
		Secondary:     c.SecondaryRegion != nil,
		Secrets:       platformSecrets(c, n),
		Workspaces:    workspaces(c, n),
		Observability: observability(c, n, env.Catalog),
		Quotas:        Quotas{Skip: c.SkipQuotaCheck, AutoRequest: c.AutoRequestQuotaIncreases, Requirements: reqs},
	}
	if !m.Secondary {
		db, bk := database(c, n, env.Catalog.Database), backup(c, n)
		m.Database, m.Backup = &db, &bk
		for i := range c.SecondaryRegions {
			view := c.Secondary(i)
			// The runner writes the region's proxy token and the key of
			// the region's provisioners.
			rn := names.For(&view)
			m.ProxyTokens = append(m.ProxyTokens,
				RegionalSecret{Region: view.AWSRegion, Name: rn.Secrets.ProxyToken},
				RegionalSecret{Region: view.AWSRegion, Name: rn.Secrets.ProvisionerKey})
		}
	}
	return m
}

// Endpoint is one interface endpoint: Name is the AWS service it stands
// for (and its resource name), Service the endpoint service it connects
// to, which is the service's FIPS endpoint service with FIPS on.
type Endpoint struct {
	Name, Service string
}

// network is the VPC; its interface endpoints are the schema's
// planning.vpc_interface_endpoints.
func network(c *config.Environment, nm names.Names, plan cidr.Plan, p config.Planning) Network {
	n := Network{
		Name:         nm.Cluster,
		CIDR:         c.VPCCIDR,
		AZs:          c.AvailabilityZones,
		Subnets:      plan,
		NATPerAZ:     !c.SingleNATGateway,
		FlowLogGroup: nm.Logs.Flow,
	}
	if !c.EnableVPCEndpoints {
		return n
	}
	n.S3Endpoint = true
	for _, svc := range p.VPCInterfaceEndpoints {
		e := Endpoint{Name: svc, Service: svc}
		if fips, ok := p.VPCFIPSEndpointServices[svc]; ok && c.UseFIPSEndpoints {
			e.Service = fips
		}
		n.Endpoints = append(n.Endpoints, e)
	}
	return n
}

func cluster(c *config.Environment, n names.Names) Cluster {
	cl := Cluster{
		Name:              n.Cluster,
		Version:           c.EKSClusterVersion,
		ServiceCIDR:       c.EKSServiceIPv4CIDR,
		PublicAccess:      c.EKSEndpointPublicAccess,
		PublicAccessCIDRs: c.EKSPublicAccessCIDRs,
		AdminRoleARNs:     c.EKSAdminRoleARNs,
		LogTypes:          []string{"api", "audit", "authenticator", "controllerManager", "scheduler"},
		Addons: []Addon{
			// The CNI's network policy agent enforces the NetworkPolicies
			// the cluster manifests rely on; it is off by default.
			{Name: "vpc-cni", Config: `{"enableNetworkPolicy":"true"}`},
			{Name: "kube-proxy"},
			{Name: "eks-pod-identity-agent"},
			{Name: "coredns", AfterNodes: true},
			{
				Name:       "aws-ebs-csi-driver",
				IRSA:       &IRSA{Key: RoleEBSCSI, Role: n.IAM.EBSCSI, Namespace: names.SystemNamespace, ServiceAccount: names.EBSCSIServiceAccount},
				Policy:     "service-role/AmazonEBSCSIDriverPolicy",
				AfterNodes: true,
			},
		},
	}
	if c.EnableContainerInsights {
		// Container logs go through the seed's Fluent Bit to the
		// /<project>/<env>/* groups, so the add-on ships metrics only.
		cl.Addons = append(cl.Addons, Addon{
			Name:       "amazon-cloudwatch-observability",
			IRSA:       &IRSA{Key: RoleCloudWatchAgent, Role: n.IAM.CloudWatchAgent, Namespace: names.CloudWatchNamespace, ServiceAccount: names.CloudWatchAgentServiceAccount},
			Policy:     "CloudWatchAgentServerPolicy",
			Config:     `{"containerLogs":{"enabled":false}}`,
			AfterNodes: true,
		})
	}
	return cl
}

// nodeGroups are the control and provisioner groups across the AZs and one
// workspace group per AZ: a workspace's home volume is zonal, so a
// restarted workspace can only run in its volume's AZ, and
// cluster-autoscaler can only add a node in a chosen AZ when every group
// it scales is in one AZ (it assumes a group's nodes are interchangeable).
// balance-similar-node-groups (the autoscaler's values) keeps the AZ
// groups level. Sizes are split across the AZ groups, the totals stay the
// environment's.
func nodeGroups(c *config.Environment, n names.Names, ami string) []NodeGroup {
	sched := func(peak int) *Schedule {
		if peak == 0 {
			return nil
		}
		return &Schedule{Start: c.ScalingScheduleStart, Stop: c.ScalingScheduleStop, TimeZone: c.ScalingTimezone}
	}
	// The control group carries no taint: cluster add-ons (CoreDNS, the
	// load balancer controller, autoscaler) run there beside coderd.
	groups := []NodeGroup{
		{
			Key: "control", Name: n.NodeGroups.Control, Tier: netplan.TierControl,
			InstanceTypes: []string{c.ControlNodeInstanceType},
			Min:           c.ControlNodeMinSize, Max: c.ControlNodeMaxSize, Desired: c.ControlNodeMinSize,
			VolumeGiB:      c.NodeVolumeSizeGiB,
			LaunchTemplate: "control", LaunchTemplateName: n.NodeGroups.Control,
			Labels: map[string]string{names.NodeGroupLabel: "control"},
			Coderd: true,
		},
		{
			Key: "prov", Name: n.NodeGroups.Prov, Tier: netplan.TierProvisioner,
			InstanceTypes: []string{c.ProvNodeInstanceType},
			Min:           c.ProvNodeMinSize, Max: c.ProvNodeMaxSize, Desired: c.ProvNodeMinSize, Peak: c.ProvNodeDesiredPeak,
			VolumeGiB:      c.NodeVolumeSizeGiB,
			LaunchTemplate: "prov", LaunchTemplateName: n.NodeGroups.Prov,
			Labels:   map[string]string{names.NodeGroupLabel: "provisioner"},
			Taints:   []Taint{{Key: names.NodeGroupLabel, Value: "provisioner", Effect: "NO_SCHEDULE"}},
			Schedule: sched(c.ProvNodeDesiredPeak),
		},
	}
	types := []string{c.WSNodeInstanceType}
	if c.WSUseSpotInstances {
		types = append(types, c.WSSpotAlternativeTypes...)
	}
	azs := c.AvailabilityZones
	for i, az := range azs {
		min, peak := Share(c.WSNodeMinSize, len(azs), i), Share(c.WSNodeDesiredPeak, len(azs), i)
		groups = append(groups, NodeGroup{
			Key: WorkspaceGroupKey(az), Name: n.NodeGroups.WS + "-" + az, Tier: netplan.TierWorkspace, AZ: az,
			InstanceTypes: types,
			Min:           min, Max: Share(c.WSNodeMaxSize, len(azs), i), Desired: min, Peak: peak,
			Spot:           c.WSUseSpotInstances,
			VolumeGiB:      c.NodeVolumeSizeGiB,
			LaunchTemplate: "ws", LaunchTemplateName: n.NodeGroups.WS,
			Labels:   map[string]string{names.NodeGroupLabel: "workspace"},
			Taints:   []Taint{{Key: names.NodeGroupLabel, Value: "workspace", Effect: "NO_SCHEDULE"}},
			Schedule: sched(c.WSNodeDesiredPeak),
		})
	}
	for i := range groups {
		groups[i].AMIType = ami
	}
	return groups
}

// WorkspaceGroupKey is the resource name of an AZ's workspace node group
// ("us-east-1a" → "ws_a"; the zone letter is unique within a region).
func WorkspaceGroupKey(az string) string { return "ws_" + az[len(az)-1:] }

// Share is the i-th of n parts of total, as even as whole numbers allow
// (the first total%n parts one larger): 10 over 3 AZs is 4, 3, 3.
func Share(total, n, i int) int {
	s := total / n
	if i < total%n {
		s++
	}
	return s
}

func backend(c *config.Environment, n names.Names) Backend {
	return Backend{
		Bucket:      c.TerraformStateBucket,
		Key:         c.TerraformStateKey,
		Region:      c.TerraformStateRegion,
		KMSAlias:    n.KMS.State,
		KMSAliasARN: names.StateKMSAliasARN(c, n),
	}
}
