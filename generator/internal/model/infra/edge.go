package infra

import (
	"github.com/coder-eks/coder-eks/generator/internal/config"
	"github.com/coder-eks/coder-eks/generator/internal/model/names"
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
}

// EC2Workspaces is what composed templates need to launch EC2 workspaces.
type EC2Workspaces struct {
	InstanceRole, SecurityGroup string
}

func loadBalancer(c *config.Environment, n names.Names) LoadBalancer {
	lb := LoadBalancer{
		Name:              n.NLB,
		CoderdTargetGroup: n.CoderdTargetGroup,
		CrossZone:         c.NLBCrossZoneEnabled,
		SSLPolicy:         c.NLBSSLPolicy,
		LogsBucket:        n.NLBLogsBucket,
		CoderdPort:        names.CoderdHTTPPort,
		STUNPort:          names.STUNPort,
	}
	if c.EnableSTUN {
		lb.STUNTargetGroup = n.STUNTargetGroup
	}
	return lb
}

func dns(c *config.Environment, n names.Names) DNS {
	d := DNS{
		BaseDomain: c.BaseDomain,
		ZoneID:     c.Route53ZoneID,
		Host:       n.AccessHost,
		Wildcard:   n.WildcardAccessURL,
		AccessURL:  n.AccessURL,
	}
	if !c.CreateACMCertificate {
		d.CertificateARN = c.ExistingACMCertificateARN
	}
	return d
}

// roles are the IRSA roles of coderd, provisioners and the cluster's
// controllers; the EBS CSI driver's belongs to its add-on.
func roles(c *config.Environment, n names.Names) []IRSA {
	server := IRSA{Key: RoleCoderd, Role: n.CoderdRole, Namespace: names.CoderNamespace, ServiceAccount: names.CoderServiceAccount}
	if c.SecondaryRegion != nil {
		server.Key = RoleWorkspaceProxy
	}
	r := []IRSA{
		server,
		{Key: RoleProvisioner, Role: n.ProvisionerRole, Namespace: names.ProvisionerNamespace, ServiceAccount: names.ProvisionerServiceAccount},
		{Key: RoleLBController, Role: n.LBControllerRole, Namespace: names.SystemNamespace, ServiceAccount: names.LBControllerServiceAccount},
		{Key: RoleFluentBit, Role: n.FluentBitRole, Namespace: names.LoggingNamespace, ServiceAccount: names.FluentBitServiceAccount},
		{Key: RoleAutoscaler, Role: n.AutoscalerRole, Namespace: names.SystemNamespace, ServiceAccount: names.AutoscalerServiceAccount},
		{Key: RoleExternalSecrets, Role: n.ExternalSecretsRole, Namespace: names.ExternalSecretsNamespace, ServiceAccount: names.ExternalSecretsServiceAccount},
	}
	if c.EnableAMPIntegration {
		r = append(r, IRSA{Key: RolePrometheus, Role: n.PrometheusRole, Namespace: names.MonitoringNamespace, ServiceAccount: names.PrometheusServiceAccount})
	}
	return r
}

// platformSecrets are created empty here and filled later: the provisioner
// key by the Day-1/2 module, the owner token and Flux's Git credentials by
// an operator (docs/operations.md). External Secrets copies them into the
// cluster, so their values never pass through Git.
func platformSecrets(n names.Names) []PlatformSecret {
	s := []PlatformSecret{
		{Key: "provisioner_key", Name: n.ProvisionerKeySecret, Description: "Key of the external provisioners (written by the Day-1/2 module)"},
		{Key: "session_token", Name: n.SessionTokenSecret, Description: "Long-lived owner API token the Day-1/2 module runs with (stored by an operator)"},
		{Key: "flux_git", Name: n.FluxGitSecret, Description: "Flux's read-only Git credentials (stored by an operator)"},
	}
	if n.ProxyTokenSecret != "" {
		// A secondary region's workspace proxy token: the Day-1/2 module
		// writes it from coderd_workspace_proxy through an aws provider
		// for this region.
		s = append(s, PlatformSecret{Key: "proxy_token", Name: n.ProxyTokenSecret, Description: "Session token of this region's Coder workspace proxy (written by the Day-1/2 module)"})
	}
	return s
}

func coderdSecrets(c *config.Environment, n names.Names) []string {
	if c.SecondaryRegion != nil {
		return []string{n.ProxyTokenSecret}
	}
	s := []string{c.OIDCClientSecretARN}
	if c.ExternalAuthClientSecretARN != "" {
		s = append(s, c.ExternalAuthClientSecretARN)
	}
	return s
}
