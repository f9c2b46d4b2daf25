package validate

import (
	"testing"

	"github.com/coder-eks/coder-eks/generator/internal/config"
)

// TestDescribe words each kind of violation so that it names the
// toolchain, the base and the capability at fault.
func TestDescribe(t *testing.T) {
	c := config.Composition{
		Toolchain:      config.Toolchain{Name: "swdev-toolchain", Capabilities: config.ToolchainCapabilities{Required: map[string]any{"network-egress": "https-only"}}},
		Base:           config.Base{Name: "base-k8s", InstanceFamilies: []string{"m6i"}},
		Pairing:        config.Pairing{Capabilities: map[string]any{"gui-rdp": true}},
		ComputeProfile: config.ComputeProfile{CPU: 4, MemoryGiB: 1, StorageGiB: 5},
	}
	tests := []struct {
		v    config.Violation
		want string
	}{
		{config.Violation{Kind: "capability", Capability: "gui-rdp", Requested: true, Supported: []any{false}},
			"swdev-toolchain on base-k8s: capability gui-rdp: base base-k8s cannot honour true (asked for by the pairing); it supports false"},
		{config.Violation{Kind: "capability", Capability: "network-egress", Requested: "https-only", Supported: []any{"none", "unrestricted"}},
			"swdev-toolchain on base-k8s: capability network-egress: base base-k8s cannot honour https-only (required by toolchain swdev-toolchain); it supports none or unrestricted"},
		{config.Violation{Kind: "capability", Capability: "gpu-support", Requested: false, Supported: []any{true}},
			"swdev-toolchain on base-k8s: capability gpu-support: base base-k8s cannot honour false (the contract's default); it supports true"},
		{config.Violation{Kind: "required", Capability: "network-egress", Requested: "none", Supported: []any{"https-only"}},
			"swdev-toolchain on base-k8s: capability network-egress: the pairing asks for none but toolchain swdev-toolchain requires https-only"},
		{config.Violation{Kind: "os-family", Capability: "os", Requested: "windows", Supported: []any{"linux"}},
			"swdev-toolchain on base-k8s: capability os: toolchain swdev-toolchain runs on windows but base base-k8s runs linux"},
		{config.Violation{Kind: "os", Capability: "os", Requested: "windows-server-2022", Supported: []any{"ubuntu-24.04"}},
			"swdev-toolchain on base-k8s: capability os: base base-k8s does not run windows-server-2022; it runs ubuntu-24.04"},
		{config.Violation{Kind: "needs", Capability: "secrets-injection", Requested: "secrets-manager", Needs: "identity-mode", Supported: []any{"iam"}},
			"swdev-toolchain on base-k8s: capability secrets-injection: secrets-manager needs identity-mode iam"},
		{config.Violation{Kind: "limit", Capability: "compute_profile.cpu", Requested: 64, Limit: 16},
			"swdev-toolchain on base-k8s: capability compute_profile.cpu: 64 is above base base-k8s's limit of 16"},
		{config.Violation{Kind: "too-small", Capability: "compute_profile.storage_gib", Requested: 5, Limit: 10},
			"swdev-toolchain on base-k8s: capability compute_profile.storage_gib: 5 GiB is below the smallest disk of 10 GiB on base base-k8s"},
		{config.Violation{Kind: "no-choice", Capability: "compute_profile", Choice: "memory_gib"},
			"swdev-toolchain on base-k8s: capability compute_profile: no memory choice of base base-k8s fits the compute profile {cpu: 4, memory_gib: 1, storage_gib: 5, gpu: 0}"},
		{config.Violation{Kind: "no-choice", Capability: "compute_profile", Choice: "instance_types"},
			"swdev-toolchain on base-k8s: capability compute_profile: no instance type (families m6i) of base base-k8s fits the compute profile {cpu: 4, memory_gib: 1, storage_gib: 5, gpu: 0}"},
		{config.Violation{Kind: "image", Capability: "image_id", Requested: "swdev-toolchain"},
			"swdev-toolchain on base-k8s: capability image_id: base base-k8s runs container images but toolchain swdev-toolchain has no container_image"},
	}
	for _, tc := range tests {
		t.Run(tc.v.Kind+"/"+tc.v.Capability, func(t *testing.T) {
			if got := Describe(c, tc.v); got != tc.want {
				t.Errorf("Describe =\n  %s\nwant\n  %s", got, tc.want)
			}
		})
	}
}
