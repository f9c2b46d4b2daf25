package templates

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/coder-eks/coder-eks/generator/internal/config"
	"github.com/coder-eks/coder-eks/generator/internal/plan/names"
	"github.com/coder-eks/coder-eks/generator/internal/plan/network"
)

// TestFeatures: a base's support for a capability becomes part of the
// workspace when the pairing turns the capability on (User false) or
// leaves it to the user (User true), and only when the support adds
// something (a script, an app or environment variables); in name order.
func TestFeatures(t *testing.T) {
	app := &config.App{Slug: "vnc", Port: 6080}
	base := config.Base{Capabilities: map[string]config.Support{
		"persistent-home": {How: "a PVC mounted at /home", Values: []any{true, false}}, // adds nothing itself
		"gui-vnc":         {Script: "start-vnc", App: app},
		"gpu-support":     {Env: map[string]string{"NVIDIA_VISIBLE_DEVICES": "all"}},
		"artifact-cache":  {Script: "configure-cache"},
		"gui-rdp":         {Script: "start-rdp"},
	}}
	for _, tc := range []struct {
		name string
		caps config.Capabilities
		user []string
		want []Feature
	}{
		{"nothing on", config.Capabilities{}, nil, nil},
		{"on, user, off, and on without anything to add",
			config.Capabilities{GUIVNC: true, PersistentHome: true, ArtifactCache: true}, []string{"gpu-support"},
			[]Feature{
				{Capability: "artifact-cache", Script: "configure-cache"},
				{Capability: "gpu-support", User: true, Env: map[string]string{"NVIDIA_VISIBLE_DEVICES": "all"}},
				{Capability: "gui-vnc", Script: "start-vnc", App: app},
			}},
		{"on and also a user toggle is on, not the user's", config.Capabilities{GUIRDP: true}, []string{"gui-rdp"},
			[]Feature{{Capability: "gui-rdp", Script: "start-rdp"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := features(config.Composition{Base: base, Capabilities: tc.caps, UserCapabilities: tc.user})
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("features (-want +got):\n%s", diff)
			}
		})
	}
}

// TestInputsByPlatform: a Kubernetes template is pointed at the workspace
// namespace, node group and coderd's in-cluster Service; an EC2 template
// at the VPC's workspace subnets, the egress mode's security group and the
// partition's AMI owner. Neither gets the other's inputs.
func TestInputsByPlatform(t *testing.T) {
	cfg := &config.Environment{ProjectName: "coder", Environment: "prod", AWSRegion: "us-east-1", Partition: "aws",
		AccountID: "111122223333", Tags: map[string]string{"CostCenter": "42"}}
	n := names.For(cfg)
	k8s := inputs(cfg, config.Composition{Name: "go-k8s", Base: config.Base{Name: "k8s", Platform: config.PlatformKubernetes}})
	if k8s.Namespace != names.WorkspaceNamespace || k8s.NodeSelector[names.NodeGroupLabel] != names.WorkspaceNodeGroup ||
		!strings.HasPrefix(k8s.AgentURL, "http://") || !strings.Contains(k8s.AgentURL, ".svc.cluster.local:") {
		t.Errorf("kubernetes inputs: namespace %q, node selector %v, agent URL %q", k8s.Namespace, k8s.NodeSelector, k8s.AgentURL)
	}
	if k8s.VPCName != "" || k8s.SubnetTier != "" || k8s.AMIOwner != "" {
		t.Errorf("kubernetes template got EC2 inputs: %+v", k8s)
	}
	ec2 := inputs(cfg, config.Composition{Name: "go-ec2", OS: "ubuntu",
		Capabilities: config.Capabilities{NetworkEgress: "https-only"},
		Base: config.Base{Name: "ec2", Platform: config.PlatformEC2, Images: map[string]config.AMI{
			"ubuntu": {Owners: map[string]string{"aws": "099720109477", "aws-us-gov": "513442679011"}, Name: "ubuntu-noble-*"}}}})
	want := Inputs{VPCName: n.Cluster, SubnetTier: network.TierWorkspace, SecurityGroup: n.Network.WorkspaceSecurityGroupFor("https-only"),
		AMIOwner: "099720109477", AMIName: "ubuntu-noble-*", WorkspaceTagValue: n.Cluster}
	got := Inputs{VPCName: ec2.VPCName, SubnetTier: ec2.SubnetTier, SecurityGroup: ec2.SecurityGroup,
		AMIOwner: ec2.AMIOwner, AMIName: ec2.AMIName, WorkspaceTagValue: ec2.WorkspaceTagValue}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ec2 inputs (-want +got):\n%s", diff)
	}
	if ec2.Namespace != "" || ec2.AgentURL != "" || ec2.NodeSelector != nil {
		t.Errorf("ec2 template got Kubernetes inputs: namespace %q, agent URL %q, node selector %v", ec2.Namespace, ec2.AgentURL, ec2.NodeSelector)
	}
	// Both carry the environment's tags and the template's provenance.
	for _, in := range []Inputs{k8s, ec2} {
		if in.Tags["CostCenter"] != "42" || in.Tags["coder-eks/template"] == "" || in.WorkspaceRoleARN == "" {
			t.Errorf("tags %v, role %q", in.Tags, in.WorkspaceRoleARN)
		}
	}
	if !strings.HasPrefix(ec2.WorkspaceRoleARN, "arn:aws:iam::111122223333:role/") {
		t.Errorf("workspace role ARN %q not in the environment's partition and account", ec2.WorkspaceRoleARN)
	}
}
