// Package config holds the Go mirror of the CUE schema: the values an
// environment file evaluates to, decoded after CUE has applied every default
// and constraint. Nothing here has a default of its own.
package config

// Environment mirrors schema.#Environment field for field.
type Environment struct {
	ProjectName string            `json:"project_name"`
	Pattern     string            `json:"pattern"`
	Environment string            `json:"environment"`
	Owner       string            `json:"owner"`
	AWSRegion   string            `json:"aws_region"`
	AccountID   string            `json:"aws_account_id"`
	Partition   string            `json:"aws_partition"`
	Tags        map[string]string `json:"tags"`

	VPCCIDR                string   `json:"vpc_cidr"`
	VPCSecondaryCIDRs      []string `json:"vpc_secondary_cidrs"`
	AllowSubnetReplacement bool     `json:"allow_subnet_replacement"`
	AvailabilityZones      []string `json:"availability_zones"`
	MaxWorkspaces          int      `json:"max_workspaces"`
	EnableVPCEndpoints     bool     `json:"enable_vpc_endpoints"`
	SingleNATGateway       bool     `json:"single_nat_gateway"`
	UseFIPSEndpoints       bool     `json:"use_fips_endpoints"`
	EKSServiceIPv4CIDR     string   `json:"eks_service_ipv4_cidr"`

	EKSClusterVersion       string   `json:"eks_cluster_version"`
	EKSEndpointPublicAccess bool     `json:"eks_endpoint_public_access"`
	EKSPublicAccessCIDRs    []string `json:"eks_public_access_cidrs"`
	EKSAdminRoleARNs        []string `json:"eks_admin_role_arns"`

	NodeGroups
	NodeVolumeSizeGiB int `json:"node_volume_size_gib"`

	ScalingScheduleStart string `json:"scaling_schedule_start"`
	ScalingScheduleStop  string `json:"scaling_schedule_stop"`
	ScalingTimezone      string `json:"scaling_timezone"`

	AuroraEngineVersion string `json:"aurora_engine_version"`
	// AuroraMajorUpgrade is nil unless the environment opts in to an
	// in-place major-version upgrade of its cluster.
	AuroraMajorUpgrade        *AuroraMajorUpgrade `json:"aurora_major_version_upgrade,omitempty"`
	AuroraMinCapacity         float64             `json:"aurora_min_capacity"`
	AuroraMaxCapacity         float64             `json:"aurora_max_capacity"`
	AuroraBackupRetentionDays int                 `json:"aurora_backup_retention_days"`
	AuroraPITRRetentionDays   int                 `json:"aurora_pitr_retention_days"`
	AuroraReaderCount         int                 `json:"aurora_reader_count"`
	AuroraBackupSchedule      string              `json:"aurora_backup_schedule"`
	EnableCrossRegionBackup   bool                `json:"enable_cross_region_backup"`
	BackupRegion              string              `json:"backup_region"`

	BaseDomain                string `json:"base_domain"`
	CoderSubdomain            string `json:"coder_subdomain"`
	Route53ZoneID             string `json:"route53_zone_id"`
	PublicDNSAWSProfile       string `json:"public_dns_aws_profile"`
	PublicDNSAccountID        string `json:"public_dns_account_id"`
	CreateACMCertificate      bool   `json:"create_acm_certificate"`
	ExistingACMCertificateARN string `json:"existing_acm_certificate_arn"`

	OIDCIssuerURL       string `json:"oidc_issuer_url"`
	OIDCClientID        string `json:"oidc_client_id"`
	OIDCClientSecretARN string `json:"oidc_client_secret_arn"`

	ExternalAuthProvider        string `json:"external_auth_provider"`
	ExternalAuthClientID        string `json:"external_auth_client_id"`
	ExternalAuthClientSecretARN string `json:"external_auth_client_secret_arn"`

	CoderVersion         string `json:"coder_version"`
	CoderdReplicas       int    `json:"coderd_replicas"`
	MaxWorkspacesPerUser int    `json:"max_workspaces_per_user"`
	DefaultNetworkEgress string `json:"default_network_egress"`

	NLBSSLPolicy        string `json:"nlb_ssl_policy"`
	NLBCrossZoneEnabled bool   `json:"nlb_cross_zone_enabled"`
	EnableSTUN          bool   `json:"enable_stun"`

	LogRetentionDays          int     `json:"log_retention_days"`
	FluentBitVersion          string  `json:"fluent_bit_version"`
	EnableContainerInsights   bool    `json:"enable_container_insights"`
	EnablePrometheusMetrics   bool    `json:"enable_prometheus_metrics"`
	EnableAMPIntegration      bool    `json:"enable_amp_integration"`
	AMPWorkspaceID            string  `json:"amp_workspace_id"`
	EnableCloudTrail          bool    `json:"enable_cloudtrail"`
	AlertSNSTopicARN          string  `json:"alert_sns_topic_arn"`
	APILatencyP95ThresholdMS  int     `json:"api_latency_p95_threshold_ms"`
	APILatencyP99ThresholdMS  int     `json:"api_latency_p99_threshold_ms"`
	API5xxRateThresholdPct    float64 `json:"api_5xx_rate_threshold_percent"`
	AuroraCPUAlarmPct         int     `json:"aurora_cpu_alarm_percent"`
	AuroraACUAlarmPct         int     `json:"aurora_acu_alarm_percent"`
	AuroraConnectionsAlarmPct int     `json:"aurora_connections_alarm_percent"`
	NodeGroupCapacityAlarmPct int     `json:"nodegroup_capacity_alarm_percent"`
	SkipQuotaCheck            bool    `json:"skip_quota_check"`
	AutoRequestQuotaIncreases bool    `json:"auto_request_quota_increases"`

	EnableCoderdProvider bool                    `json:"enable_coderd_provider"`
	CoderAdminToken      string                  `json:"coder_admin_token"`
	IDPGroupMappings     map[string]GroupMapping `json:"idp_group_mappings"`
	ProvisionerKeyTags   map[string]string       `json:"provisioner_key_tags"`

	ProvisionerKeyRotationDays int                `json:"provisioner_key_rotation_days"`
	TemplatePairings           map[string]Pairing `json:"template_pairings"`

	SecondaryRegions []SecondaryRegion `json:"secondary_regions"`
	// Secondary is set on the view Secondary returns: the region it
	// describes. It is never decoded.
	SecondaryRegion                  *SecondaryRegion `json:"-"`
	FluxGitURL                       string           `json:"flux_git_url"`
	FluxGitBranch                    string           `json:"flux_git_branch"`
	AWSLoadBalancerControllerVersion string           `json:"aws_load_balancer_controller_version"`
	ClusterAutoscalerVersion         string           `json:"cluster_autoscaler_version"`
	ClusterAutoscalerImageTag        string           `json:"cluster_autoscaler_image_tag"`
	ExternalSecretsVersion           string           `json:"external_secrets_version"`
	TofuControllerVersion            string           `json:"tofu_controller_version"`
	STUNAddresses                    []string         `json:"stun_addresses"`
	STUNServerImage                  string           `json:"stun_server_image"`
	OIDCScopes                       []string         `json:"oidc_scopes"`

	TerraformStateBucket string `json:"terraform_state_bucket"`
	TerraformStateKey    string `json:"terraform_state_key"`
	TerraformStateRegion string `json:"terraform_state_region"`
}

// GroupMapping mirrors schema.#GroupMapping.
type GroupMapping struct {
	CoderGroup string   `json:"coder_group"`
	Roles      []string `json:"roles"`
	// QuotaAllowance is nil when the mapping leaves it to
	// max_workspaces_per_user.
	QuotaAllowance *int `json:"quota_allowance,omitempty"`
}

// Patterns (schema.#Pattern).
const (
	PatternSRHA        = "sr-ha"
	PatternSRSimple    = "sr-simple"
	PatternMultiRegion = "multi-region"
	PatternPubSec      = "pubsec"
)

// SecondaryRegion mirrors schema.#SecondaryRegion.
type SecondaryRegion struct {
	Region                 string   `json:"region"`
	VPCCIDR                string   `json:"vpc_cidr"`
	AvailabilityZones      []string `json:"availability_zones"`
	MaxWorkspaces          int      `json:"max_workspaces"`
	WorkspaceProxyReplicas int      `json:"workspace_proxy_replicas"`
	NodeGroups
	TerraformStateKey string `json:"terraform_state_key"`
}

// NodeGroups mirrors schema.#NodeGroups: the node-group settings of one
// region's cluster, embedded in Environment (the primary region) and in
// SecondaryRegion, so a region's view takes them as one value.
type NodeGroups struct {
	ControlNodeInstanceType string   `json:"control_node_instance_type"`
	ControlNodeMinSize      int      `json:"control_node_min_size"`
	ControlNodeMaxSize      int      `json:"control_node_max_size"`
	ProvNodeInstanceType    string   `json:"prov_node_instance_type"`
	ProvNodeMinSize         int      `json:"prov_node_min_size"`
	ProvNodeMaxSize         int      `json:"prov_node_max_size"`
	ProvNodeDesiredPeak     int      `json:"prov_node_desired_peak"`
	WSNodeInstanceType      string   `json:"ws_node_instance_type"`
	WSNodeMinSize           int      `json:"ws_node_min_size"`
	WSNodeMaxSize           int      `json:"ws_node_max_size"`
	WSNodeDesiredPeak       int      `json:"ws_node_desired_peak"`
	WSUseSpotInstances      bool     `json:"ws_use_spot_instances"`
	WSSpotAlternativeTypes  []string `json:"ws_spot_alternative_types"`
}

// Secondary is the environment as the root module of its i-th secondary
// region sees it: that region's network and node groups, workspace
// proxies where coderd would run (CoderdReplicas are the proxy replicas),
// a certificate of its own (ACM is regional), and no database, backup
// copy, trail (the primary's is multi-region) or STUN listener.
func (c *Environment) Secondary(i int) Environment {
	s := c.SecondaryRegions[i]
	e := *c
	e.AWSRegion = s.Region
	e.VPCCIDR = s.VPCCIDR
	e.VPCSecondaryCIDRs = nil
	e.AvailabilityZones = s.AvailabilityZones
	e.MaxWorkspaces = s.MaxWorkspaces
	e.CoderdReplicas = s.WorkspaceProxyReplicas
	e.NodeGroups = s.NodeGroups
	e.CreateACMCertificate, e.ExistingACMCertificateARN = true, ""
	e.EnableCrossRegionBackup = false
	e.EnableCloudTrail = false
	// The region has no STUN listener; its clients and workspaces use
	// the primary's STUN servers, none when the primary has STUN off.
	if !c.EnableSTUN {
		e.STUNAddresses = nil
	}
	e.EnableSTUN = false
	e.TerraformStateKey = s.TerraformStateKey
	e.SecondaryRegions = nil
	e.SecondaryRegion = &s
	return e
}

// AllWorkspaces counts the concurrent workspaces of every region: what
// coderd and the database serve.
func (c *Environment) AllWorkspaces() int {
	n := c.MaxWorkspaces
	for _, s := range c.SecondaryRegions {
		n += s.MaxWorkspaces
	}
	return n
}

// AuroraMajorUpgrade mirrors schema.#AuroraMajorUpgrade.
type AuroraMajorUpgrade struct {
	To                 int    `json:"to"`
	SnapshotIdentifier string `json:"snapshot_identifier"`
}
