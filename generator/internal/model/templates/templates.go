// Package templates is the model of the composed Coder workspace templates:
// one Template per enabled pairing, holding the two layers, the capabilities
// CUE resolved, what users choose from, and the literal inputs the template
// needs from the environment. A template runs in Coder's provisioner, not
// in the infra module's state, so every input is a literal or something
// the template looks up by name or tag.
package templates

import (
	"fmt"
	"maps"
	"slices"

	"github.com/coder-eks/coder-eks/generator/internal/config"
	"github.com/coder-eks/coder-eks/generator/internal/model/k8s"
	"github.com/coder-eks/coder-eks/generator/internal/plan"
	"github.com/coder-eks/coder-eks/generator/internal/plan/names"
	"github.com/coder-eks/coder-eks/generator/internal/plan/network"
)

// Template is one composed Coder template.
type Template struct {
	Name        string // pod-swdev: the template's name in Coder and its directory
	DisplayName string
	Description string
	Source      string // environment file, for generated-file headers

	Toolchain config.Toolchain
	Base      config.Base
	OS        string // an os_variants key
	OSDisplay string

	// Capabilities as composed; a capability in UserToggles is the
	// workspace parameter's value instead (its value here is the default).
	Capabilities config.Capabilities
	UserToggles  []string
	// Features are the on/off capabilities that add something to the
	// workspace (a script, an app, environment variables), in name order.
	Features []Feature

	Profile config.ComputeProfile
	Choices Choices
	Inputs  Inputs
	// PackageSourcesHTTPS, when set, is run as root before the agent
	// starts: it points the OS's package manager at HTTPS because the
	// template's network-egress opens no plain HTTP
	// (schema.package_sources).
	PackageSourcesHTTPS string
	// DailyCost is the quota credits a workspace costs a day (the
	// schema's planning.workspace_daily_cost), which max_workspaces_per_user
	// counts.
	DailyCost int
}

// Feature is what an on/off capability adds to a workspace when it is on.
type Feature struct {
	Capability string
	User       bool // switched per workspace by a parameter
	Script     string
	App        *config.App
	Env        map[string]string
}

// Choices are the compute options a workspace parameter offers.
type Choices struct {
	CPU           []int // vCPU (Kubernetes)
	MemoryGiB     []int // GiB (Kubernetes)
	InstanceTypes []InstanceType
	MinDiskGiB    int
	MaxDiskGiB    int
	// MinRootDiskGiB is the smallest root volume of an instance; the
	// template raises it to the AMI's root snapshot.
	MinRootDiskGiB int
	// CPU a pod requests per vCPU of its limit.
	CPURequestMillisPerVCPU int
}

// InstanceType is one EC2 instance type users may choose.
type InstanceType struct {
	Name      string
	VCPU      int
	MemoryGiB float64
	GPUs      int
}

// Inputs are the template's inputs from the environment.
type Inputs struct {
	Env       string // environment name
	Region    string
	Partition string
	// FIPS sends the template's AWS calls, and the workspace's AWS SDKs
	// and CLI, to FIPS endpoints (use_fips_endpoints).
	FIPS bool
	// Tags every AWS resource and label value every Kubernetes object
	// carries, besides the workspace's own.
	Tags map[string]string

	// Kubernetes bases. EgressLabel carries the pod's network-egress, which
	// the namespace's baseline NetworkPolicy reads.
	Namespace            string
	EgressLabel          string
	NodeSelector         map[string]string
	TaintKey, TaintValue string
	ServiceAccountPrefix string
	StorageClass         string
	CoderNamespace       string

	// EC2 bases: the VPC, workspace subnets, security group and EBS key
	// are found by the names and tags the infra module gives them.
	VPCName         string
	SubnetTier      string
	SecurityGroup   string
	EBSKeyAlias     string
	InstanceProfile string
	AMIOwner        string
	AMIName         string
	// WorkspaceTag marks instances and volumes as this environment's: the
	// provisioners' IAM policy only launches and manages tagged ones.
	WorkspaceTagKey, WorkspaceTagValue string

	// AgentURL is the URL the agent dials: coderd's in-cluster service on
	// Kubernetes, the access URL (empty: Coder's own) on EC2.
	AgentURL         string
	WorkspaceRoleARN string
	SecretsPrefix    string
}

// Build derives a model for each composed template of a checked
// environment, in name order.
func Build(env *plan.Environment) []Template {
	out := make([]Template, 0, len(env.Templates))
	for _, c := range env.Templates {
		out = append(out, BuildOne(env, c))
	}
	return out
}

// BuildOne derives the model of one composition.
func BuildOne(env *plan.Environment, c config.Composition) Template {
	cfg := &env.Config
	return Template{
		Name:         c.Name,
		DisplayName:  c.Pairing.DisplayName,
		Description:  c.Pairing.Description,
		Source:       env.RelFile(),
		Toolchain:    c.Toolchain,
		Base:         c.Base,
		OS:           c.OS,
		OSDisplay:    env.Catalog.OSVariants[c.OS].Display,
		Capabilities: c.Capabilities,
		UserToggles:  c.UserCapabilities,
		Features:     features(c),
		Profile:      c.ComputeProfile,
		Choices:      choices(env, c),
		Inputs:       inputs(cfg, c),
		DailyCost:    env.Catalog.Planning.WorkspaceDailyCost,

		PackageSourcesHTTPS: packageSourcesHTTPS(env, c),
	}
}

// packageSourcesHTTPS is the OS's HTTPS rewrite when the template's egress
// is https-only: unrestricted reaches port 80, and none reaches no mirror
// at all.
func packageSourcesHTTPS(env *plan.Environment, c config.Composition) string {
	if c.Capabilities.NetworkEgress != "https-only" {
		return ""
	}
	return env.Catalog.PackageSources[c.OS].HTTPSScript
}

// features lists the on/off capabilities whose base support adds to the
// workspace, on or left to the user.
func features(c config.Composition) []Feature {
	user := map[string]bool{}
	for _, k := range c.UserCapabilities {
		user[k] = true
	}
	var out []Feature
	for _, k := range slices.Sorted(maps.Keys(c.Base.Capabilities)) {
		s := c.Base.Capabilities[k]
		on := c.Capabilities.Bool(k)
		if !on && !user[k] {
			continue
		}
		if s.Script == "" && s.App == nil && len(s.Env) == 0 {
			continue
		}
		out = append(out, Feature{Capability: k, User: user[k] && !on, Script: s.Script, App: s.App, Env: s.Env})
	}
	return out
}

func choices(env *plan.Environment, c config.Composition) Choices {
	ch := Choices{
		CPU:                     c.Choices.CPU,
		MemoryGiB:               c.Choices.MemoryGiB,
		MinDiskGiB:              c.Choices.MinDiskGiB,
		MaxDiskGiB:              c.ComputeProfile.StorageGiB,
		MinRootDiskGiB:          env.Catalog.ComputeChoices.MinRootDiskGiB[c.Base.OSFamily],
		CPURequestMillisPerVCPU: env.Catalog.ComputeChoices.KubernetesCPURequestMillisPerVCPU,
	}
	for _, name := range c.Choices.InstanceTypes {
		it := env.Catalog.InstanceTypes[name]
		ch.InstanceTypes = append(ch.InstanceTypes, InstanceType{Name: name, VCPU: it.VCPU, MemoryGiB: it.MemoryGiB, GPUs: it.GPUs})
	}
	return ch
}

func inputs(cfg *config.Environment, c config.Composition) Inputs {
	n := names.For(cfg)
	in := Inputs{
		Env:              cfg.Environment,
		Region:           cfg.AWSRegion,
		Partition:        cfg.Partition,
		Tags:             tags(cfg, c),
		FIPS:             cfg.UseFIPSEndpoints,
		WorkspaceRoleARN: names.RoleARN(cfg, n.IAM.Workspace),
		SecretsPrefix:    n.Secrets.WorkspacePrefix,
	}
	switch c.Base.Platform {
	case config.PlatformKubernetes:
		in.Namespace = names.WorkspaceNamespace
		in.EgressLabel = names.NetworkEgressLabel
		in.NodeSelector = map[string]string{names.NodeGroupLabel: names.WorkspaceNodeGroup}
		in.TaintKey, in.TaintValue = names.NodeGroupLabel, names.WorkspaceNodeGroup
		in.ServiceAccountPrefix = names.WorkspaceServiceAccountPrefix
		in.StorageClass = k8s.StorageClassName
		in.CoderNamespace = names.CoderNamespace
		// coderd's Service speaks plain HTTP on its port (TLS ends at the
		// NLB).
		in.AgentURL = fmt.Sprintf("http://%s.%s.svc.cluster.local:%d", k8s.CoderdService, names.CoderNamespace, k8s.CoderdServicePort)
	case config.PlatformEC2:
		in.VPCName = n.Cluster
		in.SubnetTier = network.TierWorkspace
		in.SecurityGroup = n.Network.WorkspaceSecurityGroupFor(c.Capabilities.NetworkEgress)
		in.EBSKeyAlias = n.KMS.EBS
		in.InstanceProfile = n.IAM.WorkspaceInstance
		in.WorkspaceTagKey, in.WorkspaceTagValue = names.WorkspaceTagKey, n.Cluster
		ami := c.Base.Images[c.OS]
		in.AMIOwner, in.AMIName = ami.Owners[cfg.Partition], ami.Name
	}
	return in
}

// tags are the environment's resource tags plus the template's provenance.
func tags(cfg *config.Environment, c config.Composition) map[string]string {
	t := map[string]string{
		"Project":             cfg.ProjectName,
		"Environment":         cfg.Environment,
		"ManagedBy":           "coder",
		"coder-eks/template":  c.Name,
		"coder-eks/toolchain": c.Toolchain.Name,
		"coder-eks/base":      c.Base.Name,
	}
	for k, v := range cfg.Tags {
		t[k] = v
	}
	return t
}
