package config

// Catalog is the schema package's data beside #Environment: facts about
// instance types, the planner's assumptions and the template contract's
// tables.
type Catalog struct {
	InstanceTypes map[string]InstanceType `json:"instance_types"`
	Planning      Planning                `json:"planning"`
	Sizing        Sizing                  `json:"sizing"`
	ServiceQuotas map[string]ServiceQuota `json:"service_quotas"`
	// CapabilityValues lists each capability's values, default first.
	CapabilityValues map[string][]any      `json:"capability_values"`
	ComputeChoices   ComputeChoices        `json:"compute_choices"`
	OSVariants       map[string]OSVariant  `json:"os_variants"`
	Capacity         Capacity              `json:"capacity"`
	Prices           Prices                `json:"prices"`
	EKSReleases      map[string]EKSRelease `json:"eks_releases"`
	// AuroraMajorUpgrades mirrors schema.aurora_major_upgrades: for each
	// Aurora PostgreSQL major, the majors it may upgrade to in place.
	AuroraMajorUpgrades map[string][]int `json:"aurora_major_upgrades"`
	// Replacement is schema.replacement: per resource type, the attributes
	// that force a new resource and what a replacement loses.
	Replacement      map[string]Replacement `json:"replacement"`
	Patterns         map[string]Pattern     `json:"patterns"`
	CoderdRequestLog CoderdRequestLog       `json:"coderd_request_log"`
	Database         Database               `json:"database"`
	// ExternalSecretsCalls mirrors schema.external_secrets_calls.
	ExternalSecretsCalls map[string]ESOCalls `json:"external_secrets_calls"`
	Components           Components          `json:"components"`
	// FIPSHosts are FIPS host names by partition and service, with
	// "{region}" for the region.
	FIPSHosts map[string]map[string]string `json:"fips_hosts"`
	Regions   map[string]Region            `json:"regions"`
	// PackageSources mirrors schema.package_sources, per OS variant.
	PackageSources map[string]PackageSources `json:"package_sources"`
	// NodeAMITypes mirrors schema.node_ami_types; NodeGroupAMIType is the
	// one the node groups run (schema.node_group_ami_type).
	NodeAMITypes     map[string]NodeAMIType `json:"node_ami_types"`
	NodeGroupAMIType string                 `json:"node_group_ami_type"`
}

// NodeAMIType mirrors an entry of schema.node_ami_types.
type NodeAMIType struct {
	NVIDIADriver bool `json:"nvidia_driver"`
}

// PackageSources mirrors schema.#PackageSources: where an OS's package
// manager fetches from as its image ships it, and the script that points
// it at HTTPS.
type PackageSources struct {
	Manager string              `json:"manager"`
	Shipped map[string][]string `json:"shipped"`
	Files   []struct {
		Path   string `json:"path"`
		Format string `json:"format"`
	} `json:"files"`
	HTTPSScript string `json:"https_script"`
}

// CoderdRequestLog mirrors schema.coderd_request_log: what coderd must be
// told so its request log carries every request, and the JSON fields the
// metric filters read.
type CoderdRequestLog struct {
	Env                map[string]string `json:"env"`
	StatusField        string            `json:"status_field"`
	LatencyField       string            `json:"latency_field"`
	FirstCountedStatus int               `json:"first_counted_status"`
	FirstErrorStatus   int               `json:"first_error_status"`
}

// Pattern is what the generator reads of a schema.patterns entry (its
// defaults reach the environment through CUE).
type Pattern struct {
	Summary string `json:"summary"`
}

// ServiceQuota mirrors schema.#ServiceQuota.
type ServiceQuota struct {
	ServiceCode string `json:"service_code"`
	QuotaCode   string `json:"quota_code"`
	Name        string `json:"name"`
	Unit        string `json:"unit"`
	PerAZ       bool   `json:"per_az"`
}

// InstanceType mirrors schema.#InstanceType.
type InstanceType struct {
	VCPU       int     `json:"vcpu"`
	MemoryGiB  float64 `json:"memory_gib"`
	MaxENIs    int     `json:"max_enis"`
	IPv4PerENI int     `json:"ipv4_per_eni"`
	MaxPods    int     `json:"max_pods"`
	GPUs       int     `json:"gpus"`
	// VCPUQuotaClass is "standard", "g_vt" or "p".
	VCPUQuotaClass string `json:"vcpu_quota_class"`
}

// IPsPerNode is how many subnet addresses a full node holds: the VPC CNI
// attaches every ENI with all its secondary addresses once pods fill it.
func (t InstanceType) IPsPerNode() int { return t.MaxENIs * t.IPv4PerENI }

// Planning mirrors schema.planning.
type Planning struct {
	AWSReservedIPsPerSubnet      int `json:"aws_reserved_ips_per_subnet"`
	MinSubnetPrefix              int `json:"min_subnet_prefix"`
	DaemonSetPodIPsPerNode       int `json:"daemonset_pod_ips_per_node"`
	SpareNodesPerAZ              int `json:"spare_nodes_per_az"`
	AutostopBeforeScaleInMinutes int `json:"autostop_before_scale_in_minutes"`
	WorkspaceDailyCost           int `json:"workspace_daily_cost"`
	PublicSubnetPrefix           int `json:"public_subnet_prefix"`

	VPCInterfaceEndpoints          []string          `json:"vpc_interface_endpoints"`
	EKSControlPlaneENIs            int               `json:"eks_control_plane_enis"`
	VPCFIPSEndpointServices        map[string]string `json:"vpc_fips_endpoint_services"`
	WorkspaceHomeVolumeGiB         int               `json:"workspace_home_volume_gib"`
	AuroraGiBPerACU                float64           `json:"aurora_gib_per_acu"`
	AuroraMemoryBytesPerConnection float64           `json:"aurora_memory_bytes_per_connection"`
	AuroraMaxConnectionsCap        int               `json:"aurora_max_connections_cap"`
}

// Capacity mirrors schema.capacity.
type Capacity struct {
	ValidatedArchitectures      []ValidatedArchitecture `json:"validated_architectures"`
	KubeReservedCPUPercent      []float64               `json:"kube_reserved_cpu_percent"`
	KubeReservedCPUPercentRest  float64                 `json:"kube_reserved_cpu_percent_rest"`
	KubeReservedMemoryMiBBase   int                     `json:"kube_reserved_memory_mib_base"`
	KubeReservedMemoryMiBPerPod int                     `json:"kube_reserved_memory_mib_per_pod"`
	EvictionHardMemoryMiB       int                     `json:"eviction_hard_memory_mib"`
	DaemonSetCPUMillis          int                     `json:"daemonset_cpu_millis"`
	DaemonSetMemoryMiB          int                     `json:"daemonset_memory_mib"`
	ControlAddonsCPUMillis      int                     `json:"control_addons_cpu_millis"`
	ControlAddonsMemoryMiB      int                     `json:"control_addons_memory_mib"`
	RollingSurgePods            int                     `json:"rolling_surge_pods"`
	CoderdPGConnMaxOpen         int                     `json:"coderd_pg_conn_max_open"`
	DBAdminConnections          int                     `json:"db_admin_connections"`
	WorkspacePod                PodSize                 `json:"workspace_pod"`
	WorkspaceProfileShare       float64                 `json:"workspace_profile_share"`
	HoursPerMonth               float64                 `json:"hours_per_month"`
}

// PodSize mirrors schema.#PodSize (with the replicas of a tier's row).
type PodSize struct {
	CPUMillis int `json:"cpu_millis"`
	MemoryMiB int `json:"memory_mib"`
	Replicas  int `json:"replicas,omitempty"`
}

// ValidatedArchitecture mirrors schema.#ValidatedArchitecture.
type ValidatedArchitecture struct {
	Name           string        `json:"name"`
	Users          int           `json:"users"`
	Workspaces     int           `json:"workspaces"`
	Builds         int           `json:"builds"`
	Coderd         PodSize       `json:"coderd"`
	WorkspaceProxy PodSize       `json:"workspace_proxy"`
	Provisioner    PodSize       `json:"provisioner"`
	Database       *DatabaseSize `json:"database,omitempty"`
}

// DatabaseSize is a validated architecture's database node.
type DatabaseSize struct {
	VCPU      int     `json:"vcpu"`
	MemoryGiB float64 `json:"memory_gib"`
}

// Prices mirrors schema.prices.
type Prices struct {
	Date                string             `json:"date"`
	Region              string             `json:"region"`
	InstanceHour        map[string]float64 `json:"instance_hour"`
	SpotDiscountPercent float64            `json:"spot_discount_percent"`
	EKSClusterHour      float64            `json:"eks_cluster_hour"`
	NATGatewayHour      float64            `json:"nat_gateway_hour"`
	NLBHour             float64            `json:"nlb_hour"`
	VPCEndpointAZHour   float64            `json:"vpc_endpoint_az_hour"`
	PublicIPv4Hour      float64            `json:"public_ipv4_hour"`
	AuroraACUHour       float64            `json:"aurora_acu_hour"`
	GP3GiBMonth         float64            `json:"gp3_gib_month"`
	KMSKeyMonth         float64            `json:"kms_key_month"`
	SecretMonth         float64            `json:"secret_month"`
}

// EKSRelease mirrors one entry of schema.eks_releases.
type EKSRelease struct {
	Released             string `json:"released"`
	EndOfStandardSupport string `json:"end_of_standard_support"`
	EndOfExtendedSupport string `json:"end_of_extended_support"`
}

// Replacement mirrors schema.#Replacement.
type Replacement struct {
	ForceNew []string `json:"force_new"`
	// Kind is "data" (a replacement destroys what it holds), "outage"
	// (it takes running service down) or "".
	Kind  string `json:"kind"`
	Holds string `json:"holds"`
	Doc   string `json:"doc"`
	// InPlaceOutage: attributes updated in place that take the service
	// down while they are, and what happens.
	InPlaceOutage map[string]string `json:"in_place_outage"`
}

// Sizing mirrors schema.sizing.
type Sizing struct {
	ProvisionerTerminationGraceS int `json:"provisioner_termination_grace_seconds"`
}

// Database mirrors schema.database: how coderd reaches Aurora.
type Database struct {
	CoderAuth struct {
		Env   string `json:"env"`
		Value string `json:"value"`
	} `json:"coder_auth"`
	AppUser       string            `json:"app_user"`
	CABundleDir   string            `json:"ca_bundle_dir"`
	CABundleFile  string            `json:"ca_bundle_file"`
	CABundleURLs  map[string]string `json:"ca_bundle_urls"`
	RoleJobImages struct {
		AWSCLI string `json:"aws_cli"`
		PSQL   string `json:"psql"`
	} `json:"role_job_images"`
}

// CABundlePath is the file coderd's sslrootcert names.
func (d Database) CABundlePath() string { return d.CABundleDir + "/" + d.CABundleFile }

// ESOCalls are the Secrets Manager calls of one way of naming data.
type ESOCalls struct {
	PerSecret   []string `json:"per_secret"`
	AccountWide []string `json:"account_wide"`
}

// Components mirrors schema.components: the third-party components the
// clusters run, their version pairs and what their images need.
type Components struct {
	Autoscaler   AutoscalerComponent `json:"cluster-autoscaler"`
	LBController Component           `json:"aws-load-balancer-controller"`
	ESO          Component           `json:"external-secrets"`
	FluentBit    Component           `json:"fluent-bit"`
	Tofu         Component           `json:"tofu-controller"`
	Coturn       ImageComponent      `json:"coturn"`
}

// Chart is a component's Helm chart.
type Chart struct {
	Name       string `json:"name"`
	Repository string `json:"repository"`
	Version    string `json:"version,omitempty"`
}

// FIPS says how a component is switched to FIPS endpoints: "env" (the
// variables in Env), "hosts" (host names from fips_hosts for Services),
// "module" (the Terraform it runs sets them).
type FIPS struct {
	Mechanism string            `json:"mechanism"`
	Env       map[string]string `json:"env,omitempty"`
	Services  []string          `json:"services,omitempty"`
}

// Component mirrors a chart entry of schema.components.
type Component struct {
	Chart    Chart  `json:"chart"`
	ImageTag string `json:"image_tag,omitempty"`
	FIPS     FIPS   `json:"fips"`
}

// RBACRule mirrors schema.#RBACRule.
type RBACRule struct {
	Group     string   `json:"group"`
	Resources []string `json:"resources"`
	Verbs     []string `json:"verbs"`
}

// AutoscalerChart is one cluster-autoscaler chart release.
type AutoscalerChart struct {
	ImageTag string     `json:"image_tag"`
	RBAC     []RBACRule `json:"rbac"`
}

// AutoscalerComponent mirrors schema.components["cluster-autoscaler"].
type AutoscalerComponent struct {
	Chart        Chart                      `json:"chart"`
	Image        string                     `json:"image"`
	ByKubernetes map[string]string          `json:"by_kubernetes"`
	Charts       map[string]AutoscalerChart `json:"charts"`
	Needs        map[string][]RBACRule      `json:"needs"`
	FIPS         FIPS                       `json:"fips"`
}

// ImageComponent mirrors an image-only entry (coturn).
type ImageComponent struct {
	Image         string   `json:"image"`
	ImageTag      string   `json:"image_tag"`
	RunAs         int64    `json:"run_as"`
	Capabilities  []string `json:"capabilities"`
	WritablePaths []string `json:"writable_paths"`
}

// Region mirrors an entry of schema.regions.
type Region struct {
	Partition   string   `json:"partition"`
	ZoneLetters []string `json:"zone_letters"`
}

// Zones are the region's availability zone names.
func (r Region) Zones(name string) []string {
	out := make([]string, len(r.ZoneLetters))
	for i, l := range r.ZoneLetters {
		out[i] = name + l
	}
	return out
}
