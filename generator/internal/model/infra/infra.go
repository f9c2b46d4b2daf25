// Package infra is the model of the Day-0 AWS infrastructure: typed values
// for what the infra root module creates, derived from a checked
// environment. Rendering reads only this model.
package infra

import (
	"github.com/coder-eks/coder-eks/generator/internal/cidr"
	"github.com/coder-eks/coder-eks/generator/internal/config"
	"github.com/coder-eks/coder-eks/generator/internal/model/names"
	"github.com/coder-eks/coder-eks/generator/internal/validate"
)

// Infra is everything the infra module creates.
type Infra struct {
	Names      names.Names
	Env        string // environment name
	Source     string // environment file, for generated-file headers
	Region     string
	Tags       map[string]string
	Backend    Backend
	Network    Network
	Cluster    Cluster
	NodeGroups []NodeGroup
	LogGroups  LogGroups
}

// Backend is where the module's state lives.
type Backend struct {
	Bucket, Key, Region string
}

// Network is the VPC and its subnets.
type Network struct {
	Name         string
	CIDR         string
	AZs          []string
	Subnets      cidr.Plan
	Endpoints    []string // interface endpoint services, e.g. "ecr.api"
	S3Endpoint   bool     // gateway endpoint
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
	// AfterNodes is set for add-ons whose pods need nodes to become active.
	AfterNodes bool
}

// IRSA is an IAM role only one Kubernetes service account can assume.
type IRSA struct {
	Key                       string // resource name in Terraform
	Role                      string // IAM role name
	Namespace, ServiceAccount string
}

// NodeGroup is one EKS managed node group with its launch template.
type NodeGroup struct {
	Key          string // short name used in resource addresses: control, prov, ws
	Name         string // e.g. coder-prod-ws
	Tier         string // subnet tier
	InstanceType string
	Min, Max     int
	Desired      int // size at creation; schedules change it afterwards
	Peak         int // desired size during business hours; 0 = no schedule
	Spot         bool
	VolumeGiB    int
	Labels       map[string]string
	Taints       []Taint
	Schedule     *Schedule
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
	Retention int
	Cluster   string
}

// Build derives the model from a checked environment.
func Build(env *validate.Checked) Infra {
	c := &env.Config
	n := names.For(c)
	return Infra{
		Names:      n,
		Env:        env.Name,
		Source:     env.RelFile(),
		Region:     c.AWSRegion,
		Tags:       tags(c),
		Backend:    Backend{Bucket: c.TerraformStateBucket, Key: c.TerraformStateKey, Region: c.TerraformStateRegion},
		Network:    network(c, n, env.Subnets),
		Cluster:    cluster(c, n),
		NodeGroups: nodeGroups(c, n),
		LogGroups: LogGroups{
			Retention: c.LogRetentionDays,
			Cluster:   n.ClusterLogGroup,
		},
	}
}

func tags(c *config.Environment) map[string]string {
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

// interfaceEndpoints are the services a cluster with a private API endpoint
// and no reliance on NAT for AWS APIs needs: image pulls (ecr, s3 gateway),
// IRSA (sts), node join (ec2, eks), logs, the load balancer controller,
// cluster-autoscaler, secrets and KMS.
var interfaceEndpoints = []string{
	"autoscaling", "ec2", "ecr.api", "ecr.dkr", "eks", "eks-auth",
	"elasticloadbalancing", "kms", "logs", "secretsmanager", "sts",
}

func network(c *config.Environment, nm names.Names, plan cidr.Plan) Network {
	n := Network{
		Name:         nm.Cluster,
		CIDR:         c.VPCCIDR,
		AZs:          c.AvailabilityZones,
		Subnets:      plan,
		NATPerAZ:     true,
		FlowLogGroup: nm.FlowLogGroup,
	}
	if c.EnableVPCEndpoints {
		n.Endpoints = interfaceEndpoints
		n.S3Endpoint = true
	}
	return n
}

func cluster(c *config.Environment, n names.Names) Cluster {
	return Cluster{
		Name:              n.Cluster,
		Version:           c.EKSClusterVersion,
		ServiceCIDR:       c.EKSServiceIPv4CIDR,
		PublicAccess:      c.EKSEndpointPublicAccess,
		PublicAccessCIDRs: c.EKSPublicAccessCIDRs,
		AdminRoleARNs:     c.EKSAdminRoleARNs,
		LogTypes:          []string{"api", "audit", "authenticator", "controllerManager", "scheduler"},
		Addons: []Addon{
			{Name: "vpc-cni"},
			{Name: "kube-proxy"},
			{Name: "eks-pod-identity-agent"},
			{Name: "coredns", AfterNodes: true},
			{Name: "aws-ebs-csi-driver", IRSA: &IRSA{Key: "ebs_csi", Role: n.EBSCSIRole, Namespace: names.SystemNamespace, ServiceAccount: names.EBSCSIServiceAccount}, AfterNodes: true},
		},
	}
}

func nodeGroups(c *config.Environment, n names.Names) []NodeGroup {
	sched := func(peak int) *Schedule {
		if peak == 0 {
			return nil
		}
		return &Schedule{Start: c.ScalingScheduleStart, Stop: c.ScalingScheduleStop, TimeZone: c.ScalingTimezone}
	}
	// The control group carries no taint: cluster add-ons (CoreDNS, the
	// load balancer controller, autoscaler) run there beside coderd.
	return []NodeGroup{
		{
			Key: "control", Name: n.ControlNodeGroup, Tier: validate.TierControl,
			InstanceType: c.ControlNodeInstanceType,
			Min:          c.ControlNodeMinSize, Max: c.ControlNodeMaxSize, Desired: c.ControlNodeMinSize,
			VolumeGiB: c.NodeVolumeSizeGiB,
			Labels:    map[string]string{names.NodeGroupLabel: "control"},
		},
		{
			Key: "prov", Name: n.ProvNodeGroup, Tier: validate.TierProvisioner,
			InstanceType: c.ProvNodeInstanceType,
			Min:          c.ProvNodeMinSize, Max: c.ProvNodeMaxSize, Desired: c.ProvNodeMinSize, Peak: c.ProvNodeDesiredPeak,
			VolumeGiB: c.NodeVolumeSizeGiB,
			Labels:    map[string]string{names.NodeGroupLabel: "provisioner"},
			Taints:    []Taint{{Key: names.NodeGroupLabel, Value: "provisioner", Effect: "NO_SCHEDULE"}},
			Schedule:  sched(c.ProvNodeDesiredPeak),
		},
		{
			Key: "ws", Name: n.WSNodeGroup, Tier: validate.TierWorkspace,
			InstanceType: c.WSNodeInstanceType,
			Min:          c.WSNodeMinSize, Max: c.WSNodeMaxSize, Desired: c.WSNodeMinSize, Peak: c.WSNodeDesiredPeak,
			Spot:      c.WSUseSpotInstances,
			VolumeGiB: c.NodeVolumeSizeGiB,
			Labels:    map[string]string{names.NodeGroupLabel: "workspace"},
			Taints:    []Taint{{Key: names.NodeGroupLabel, Value: "workspace", Effect: "NO_SCHEDULE"}},
			Schedule:  sched(c.WSNodeDesiredPeak),
		},
	}
}
