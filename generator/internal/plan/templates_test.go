package plan

import (
	"testing"

	"github.com/coder-eks/coder-eks/generator/internal/config"
	"github.com/coder-eks/coder-eks/generator/internal/load"
)

// TestEgressDefault: the environment's default_network_egress reaches a
// pairing only where neither the pairing nor its toolchain says what the
// workspace may reach.
func TestEgressDefault(t *testing.T) {
	env := &load.Environment{
		Config: config.Environment{DefaultNetworkEgress: "none"},
		Layers: &load.Layers{Toolchains: map[string]config.Toolchain{
			"offline": {},
			"online":  {Capabilities: config.ToolchainCapabilities{Required: map[string]any{"network-egress": "https-only"}}},
		}},
	}
	tests := []struct {
		name string
		p    config.Pairing
		want any
	}{
		{"toolchain silent: the default", config.Pairing{Toolchain: "offline", Capabilities: map[string]any{"gui-vnc": true}}, "none"},
		{"toolchain requires: its value stays", config.Pairing{Toolchain: "online"}, nil},
		{"pairing sets it: kept", config.Pairing{Toolchain: "offline", Capabilities: map[string]any{"network-egress": "unrestricted"}}, "unrestricted"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := len(tc.p.Capabilities)
			got := withEgressDefault(env, tc.p)
			if v := got.Capabilities["network-egress"]; v != tc.want {
				t.Errorf("network-egress = %v, want %v", v, tc.want)
			}
			if len(tc.p.Capabilities) != before {
				t.Error("the environment's pairing was modified in place")
			}
		})
	}
}
