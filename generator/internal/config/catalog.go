package config

// Catalog is the schema package's data beside #Environment: facts about
// instance types and the planner's assumptions.
type Catalog struct {
	InstanceTypes map[string]InstanceType `json:"instance_types"`
	Planning      Planning                `json:"planning"`
	ServiceQuotas map[string]ServiceQuota `json:"service_quotas"`
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
	AWSReservedIPsPerSubnet int `json:"aws_reserved_ips_per_subnet"`
	MinSubnetPrefix         int `json:"min_subnet_prefix"`
	DaemonSetPodIPsPerNode  int `json:"daemonset_pod_ips_per_node"`
	SpareNodesPerAZ         int `json:"spare_nodes_per_az"`
	PublicSubnetPrefix      int `json:"public_subnet_prefix"`

	VPCInterfaceEndpoints          []string          `json:"vpc_interface_endpoints"`
	EKSControlPlaneENIs            int               `json:"eks_control_plane_enis"`
	VPCFIPSEndpointServices        map[string]string `json:"vpc_fips_endpoint_services"`
	WorkspaceHomeVolumeGiB         int               `json:"workspace_home_volume_gib"`
	AuroraGiBPerACU                float64           `json:"aurora_gib_per_acu"`
	AuroraMemoryBytesPerConnection float64           `json:"aurora_memory_bytes_per_connection"`
	AuroraMaxConnectionsCap        int               `json:"aurora_max_connections_cap"`
}
