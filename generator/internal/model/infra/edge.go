package infra

import (
	"github.com/coder-eks/coder-eks/generator/internal/config"
	"github.com/coder-eks/coder-eks/generator/internal/plan/names"
)

// LoadBalancer is the internet-facing NLB in front of coderd.
type LoadBalancer struct {
	Name                 string
	CoderdTargetGroup    string
	STUNTargetGroup      string // empty when STUN is off
	CrossZone            bool
	SSLPolicy            string
	LogsBucket           string
	CoderdPort, STUNPort int
}

// DNS is the Route 53 zone, the certificate and the access URLs' records.
type DNS struct {
	BaseDomain string
	ZoneID     string // empty: look the zone up by BaseDomain
	Host       string // coder.example.com
	Wildcard   string // *.coder.example.com
	AccessURL  string
	// CertificateARN is an existing certificate; empty: create one.
	CertificateARN string
	// PublicZone is set when the public zone is in another partition's
	// account (GovCloud has no public hosted zones).
	PublicZone *CrossPartitionZone
}

// CrossPartitionZone is a commercial-partition account holding the public
// zone, reached with an AWS CLI profile.
type CrossPartitionZone struct {
	Profile, AccountID string
}

// Workspaces is what composed templates need from Day 0: the EC2
// workspaces' instance role and security groups, and the IRSA role of
// Kubernetes workspaces with identity-mode iam.
type Workspaces struct {
	InstanceRole string
	// SecurityGroups are the shared groups of EC2 workspaces, one per
	// network-egress mode the EC2 bases offer (bases/ec2.cue).
	SecurityGroups []WorkspaceSecurityGroup
	// Role is assumed by Kubernetes workspaces' service accounts:
	// ServiceAccountPrefix<workspace id> in Namespace.
	Role, Namespace, ServiceAccountPrefix string
	// SecretsPrefix is the Secrets Manager name prefix both workspace roles
	// may read (secrets-injection secrets-manager).
	SecretsPrefix string
	// STUNPorts are the UDP ports the https-only group opens: the STUN
	// servers' (names.STUNServerPorts).
	STUNPorts []int
}

// WorkspaceSecurityGroup is the shared group of one network-egress mode.
type WorkspaceSecurityGroup struct {
	Key, Name string
	// Egress is the mode: EgressUnrestricted allows all egress,
	// EgressHTTPSOnly HTTPS and STUN.
	Egress string
}

// EC2 network-egress modes with a security group; "none" is not offered
// on EC2 (the agent reaches coderd through the access URL).
const (
	EgressHTTPSOnly    = "https-only"
	EgressUnrestricted = "unrestricted"
)

func workspaces(c *config.Environment, n names.Names) Workspaces {
	return Workspaces{
		STUNPorts:    names.STUNServerPorts(c),
		InstanceRole: n.IAM.WorkspaceInstance,
		SecurityGroups: []WorkspaceSecurityGroup{
			{Key: "ec2_workspaces", Name: n.Network.WorkspaceSecurityGroupFor(EgressHTTPSOnly), Egress: EgressHTTPSOnly},
			{Key: "ec2_workspaces_unrestricted", Name: n.Network.WorkspaceSecurityGroupFor(EgressUnrestricted), Egress: EgressUnrestricted},
		},
		Role:                 n.IAM.Workspace,
		Namespace:            names.WorkspaceNamespace,
		ServiceAccountPrefix: names.WorkspaceServiceAccountPrefix,
		SecretsPrefix:        n.Secrets.WorkspacePrefix,
	}
}

func loadBalancer(c *config.Environment, n names.Names) LoadBalancer {
	lb := LoadBalancer{
		Name:              n.Network.NLB,
		CoderdTargetGroup: n.Network.CoderdTargetGroup,
		CrossZone:         c.NLBCrossZoneEnabled,
		SSLPolicy:         c.NLBSSLPolicy,
		LogsBucket:        n.Buckets.NLBLogs,
		CoderdPort:        names.CoderdHTTPPort,
		STUNPort:          names.STUNPort,
	}
	if c.EnableSTUN {
		lb.STUNTargetGroup = n.Network.STUNTargetGroup
	}
	return lb
}

func dns(c *config.Environment, n names.Names) DNS {
	d := DNS{
		BaseDomain: c.BaseDomain,
		ZoneID:     c.Route53ZoneID,
		Host:       n.Access.Host,
		Wildcard:   n.Access.WildcardURL,
		AccessURL:  n.Access.URL,
	}
	if !c.CreateACMCertificate {
		d.CertificateARN = c.ExistingACMCertificateARN
	}
	if c.PublicDNSAWSProfile != "" {
		d.PublicZone = &CrossPartitionZone{Profile: c.PublicDNSAWSProfile, AccountID: c.PublicDNSAccountID}
	}
	return d
}

// roles are the IRSA roles of coderd, provisioners and the cluster's
// controllers; the EBS CSI driver's belongs to its add-on.
func roles(c *config.Environment, n names.Names) []IRSA {
	server := IRSA{Key: RoleCoderd, Role: n.IAM.Coderd, Namespace: names.CoderNamespace, ServiceAccount: names.CoderServiceAccount}
	if c.SecondaryRegion != nil {
		server.Key = RoleWorkspaceProxy
	}
	r := []IRSA{
		server,
		{Key: RoleProvisioner, Role: n.IAM.Provisioner, Namespace: names.ProvisionerNamespace, ServiceAccount: names.ProvisionerServiceAccount},
		{Key: RoleLBController, Role: n.IAM.LBController, Namespace: names.SystemNamespace, ServiceAccount: names.LBControllerServiceAccount},
		{Key: RoleFluentBit, Role: n.IAM.FluentBit, Namespace: names.LoggingNamespace, ServiceAccount: names.FluentBitServiceAccount},
		{Key: RoleAutoscaler, Role: n.IAM.Autoscaler, Namespace: names.SystemNamespace, ServiceAccount: names.AutoscalerServiceAccount},
		{Key: RoleExternalSecrets, Role: n.IAM.ExternalSecrets, Namespace: names.ExternalSecretsNamespace, ServiceAccount: names.ExternalSecretsServiceAccount},
	}
	if c.SecondaryRegion == nil {
		// tofu-controller applies the Day-1/2 module in the primary
		// region's cluster only.
		r = append(r, IRSA{Key: RoleTofuRunner, Role: n.IAM.TofuRunner, Namespace: names.FluxNamespace, ServiceAccount: names.TofuRunnerServiceAccount})
		// The database lives in the primary region only.
		r = append(r, IRSA{Key: RoleDBRoleJob, Role: n.IAM.DBRoleJob, Namespace: names.CoderNamespace, ServiceAccount: names.DBRoleJob})
	}
	if c.EnableAMPIntegration {
		r = append(r, IRSA{Key: RolePrometheus, Role: n.IAM.Prometheus, Namespace: names.MonitoringNamespace, ServiceAccount: names.PrometheusServiceAccount})
	}
	return r
}

// platformSecrets are created empty here and filled later: the provisioner
// key by the Day-1/2 module, the owner token, Flux's Git credentials and
// the Coder Premium license by an operator (docs/operations.md). External
// Secrets copies them into the cluster, so their values never pass through
// Git. Only the primary region applies the Day-1/2 module, so only it
// holds the license; a secondary region holds its workspace proxy's token,
// which the Day-1/2 module writes from coderd_workspace_proxy.
func platformSecrets(c *config.Environment, n names.Names) []PlatformSecret {
	s := []PlatformSecret{
		{Key: "provisioner_key", Name: n.Secrets.ProvisionerKey, Description: "Key of the external provisioners (written by the Day-1/2 module)"},
		{Key: "session_token", Name: n.Secrets.SessionToken, Description: "Long-lived owner API token the Day-1/2 module runs with (stored by an operator)"},
		{Key: "flux_git", Name: n.Secrets.FluxGit, Description: "Flux's read-only Git credentials (stored by an operator)"},
	}
	if c.SecondaryRegion == nil {
		s = append(s, PlatformSecret{Key: "license", Name: n.Secrets.License, Description: "Coder Premium license the Day-1/2 module applies (stored by an operator)"})
	}
	if n.Secrets.ProxyToken != "" {
		s = append(s, PlatformSecret{Key: "proxy_token", Name: n.Secrets.ProxyToken, Description: "Session token of this region's Coder workspace proxy (written by the Day-1/2 module)"})
	}
	return s
}

func coderdSecrets(c *config.Environment, n names.Names) []string {
	if c.SecondaryRegion != nil {
		return []string{n.Secrets.ProxyToken}
	}
	s := []string{c.OIDCClientSecretARN}
	if c.ExternalAuthClientSecretARN != "" {
		s = append(s, c.ExternalAuthClientSecretARN)
	}
	return s
}
