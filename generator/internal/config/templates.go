package config

// The template architecture's data, mirroring schema/template.cue,
// toolchains/ and bases/. As everywhere in this package, nothing here has
// a default of its own: CUE has applied them before decoding.

// Pairing mirrors schema.#Pairing: a toolchain and a base composed into a
// Coder template.
type Pairing struct {
	Toolchain      string         `json:"toolchain"`
	Base           string         `json:"base"`
	Enabled        bool           `json:"enabled"`
	DisplayName    string         `json:"display_name"`
	Description    string         `json:"description"`
	OS             string         `json:"os,omitempty"`
	Capabilities   map[string]any `json:"capabilities"`
	ComputeProfile map[string]int `json:"compute_profile"`
}

// ComputeProfile mirrors schema.#ComputeProfile.
type ComputeProfile struct {
	CPU        int `json:"cpu"`
	MemoryGiB  int `json:"memory_gib"`
	StorageGiB int `json:"storage_gib"`
	GPU        int `json:"gpu"`
}

// Capabilities mirrors schema.#Capabilities: a complete capability set.
type Capabilities struct {
	PersistentHome   bool   `json:"persistent-home"`
	NetworkEgress    string `json:"network-egress"`
	IdentityMode     string `json:"identity-mode"`
	GPUSupport       bool   `json:"gpu-support"`
	ArtifactCache    bool   `json:"artifact-cache"`
	SecretsInjection string `json:"secrets-injection"`
	GUIVNC           bool   `json:"gui-vnc"`
	GUIRDP           bool   `json:"gui-rdp"`
}

// Bool is the value of an on/off capability by name.
func (c Capabilities) Bool(name string) bool {
	switch name {
	case "persistent-home":
		return c.PersistentHome
	case "gpu-support":
		return c.GPUSupport
	case "artifact-cache":
		return c.ArtifactCache
	case "gui-vnc":
		return c.GUIVNC
	case "gui-rdp":
		return c.GUIRDP
	}
	return false
}

// Toolchain mirrors schema.#Toolchain.
type Toolchain struct {
	Name           string                `json:"name"`
	DisplayName    string                `json:"display_name"`
	Description    string                `json:"description"`
	Icon           string                `json:"icon"`
	OSFamily       string                `json:"os_family"`
	Languages      []Language            `json:"languages"`
	Tools          []Tool                `json:"tools"`
	Capabilities   ToolchainCapabilities `json:"capabilities"`
	ComputeProfile ComputeProfile        `json:"compute_profile"`
	ContainerImage string                `json:"container_image"`
	Install        string                `json:"install"`
	Env            map[string]string     `json:"env"`
}

// ToolchainCapabilities are what a toolchain requires and may use.
type ToolchainCapabilities struct {
	Required map[string]any `json:"required"`
	Optional []string       `json:"optional"`
}

// Language mirrors schema.#Language.
type Language struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Tool mirrors schema.#Tool.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	App     *App   `json:"app,omitempty"`
}

// App mirrors schema.#App.
type App struct {
	Slug            string `json:"slug"`
	DisplayName     string `json:"display_name"`
	Icon            string `json:"icon"`
	Port            int    `json:"port"`
	Subdomain       bool   `json:"subdomain"`
	HealthcheckPath string `json:"healthcheck_path"`
	Start           string `json:"start"`
	HTTPS           bool   `json:"https"`
}

// Base mirrors schema.#Base.
type Base struct {
	Name             string             `json:"name"`
	Description      string             `json:"description"`
	Platform         string             `json:"platform"`
	OSFamily         string             `json:"os_family"`
	OSSupport        []string           `json:"os_support"`
	Capabilities     map[string]Support `json:"capabilities"`
	Limits           ComputeProfile     `json:"limits"`
	InstanceFamilies []string           `json:"instance_families"`
	Images           map[string]AMI     `json:"images"`
}

// Platforms of a base.
const (
	PlatformKubernetes = "kubernetes"
	PlatformEC2        = "ec2"
)

// Support mirrors schema.#Support: the values a base honours for one
// capability and how.
type Support struct {
	Values []any             `json:"values"`
	How    string            `json:"how"`
	Script string            `json:"script"`
	App    *App              `json:"app,omitempty"`
	Env    map[string]string `json:"env"`
}

// AMI mirrors schema.#AMI.
type AMI struct {
	Owners map[string]string `json:"owners"`
	Name   string            `json:"name"`
}

// Composition mirrors schema.#Composition: one pairing composed, with
// everything CUE resolved and every way the base falls short.
type Composition struct {
	Name             string         `json:"name"`
	Pairing          Pairing        `json:"pairing"`
	Toolchain        Toolchain      `json:"toolchain"`
	Base             Base           `json:"base"`
	Capabilities     Capabilities   `json:"capabilities"`
	UserCapabilities []string       `json:"user_capabilities"`
	OS               string         `json:"os"`
	ComputeProfile   ComputeProfile `json:"compute_profile"`
	Choices          Choices        `json:"choices"`
	Violations       []Violation    `json:"violations"`
}

// Choices are what users pick from when they create a workspace.
type Choices struct {
	MinDiskGiB    int      `json:"min_disk_gib"`
	CPU           []int    `json:"cpu"`
	MemoryGiB     []int    `json:"memory_gib"`
	InstanceTypes []string `json:"instance_types"`
}

// Violation is one reason a base cannot honour a pairing. Kind says which
// of the schema's checks found it; Capability names what is at fault (a
// capability, "os", "image_id" or a compute_profile field).
type Violation struct {
	Kind       string `json:"kind"`
	Capability string `json:"capability"`
	Requested  any    `json:"requested"`
	Supported  []any  `json:"supported"`
	Needs      string `json:"needs"`
	Limit      int    `json:"limit"`
	Choice     string `json:"choice"`
}

// ComputeChoices mirrors schema.compute_choices.
type ComputeChoices struct {
	CPU                               []int          `json:"cpu"`
	MemoryGiB                         []int          `json:"memory_gib"`
	MinDiskGiB                        map[string]int `json:"min_disk_gib"`
	MinRootDiskGiB                    map[string]int `json:"min_root_disk_gib"`
	KubernetesCPURequestMillisPerVCPU int            `json:"kubernetes_cpu_request_millis_per_vcpu"`
}

// OSVariant mirrors an entry of schema.os_variants.
type OSVariant struct {
	Family  string `json:"family"`
	Display string `json:"display"`
}
