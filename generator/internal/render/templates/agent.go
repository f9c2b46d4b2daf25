package templates

import (
	"fmt"
	"strings"

	"github.com/coder-eks/coder-eks/generator/internal/config"
	model "github.com/coder-eks/coder-eks/generator/internal/model/templates"
	"github.com/coder-eks/coder-eks/generator/internal/render/tfjson"
)

// agent renders the Coder agent, the toolchain's apps and the desktops.
// Setup that must happen in order (capability setup, then the toolchain's
// install script, then its apps) is one startup script; desktops a user
// switches on are scripts of their own.
func (b *template) agent() {
	osName := "linux"
	if b.windows() {
		osName = "windows"
	}
	body := tfjson.Body{
		"arch":                    "amd64",
		"os":                      osName,
		"env":                     tfjson.Ref(localRuntimeEnv),
		"startup_script":          b.startupScript(),
		"startup_script_behavior": "non-blocking",
		"display_apps": []tfjson.Body{{
			"vscode": true, "vscode_insiders": false, "web_terminal": true,
			"ssh_helper": true, "port_forwarding_helper": true,
		}},
		"metadata": []tfjson.Body{
			{"key": "cpu", "display_name": "CPU usage", "script": "coder stat cpu", "interval": 10, "timeout": 1, "order": 1},
			{"key": "memory", "display_name": "Memory usage", "script": "coder stat mem", "interval": 10, "timeout": 1, "order": 2},
			{"key": "disk", "display_name": b.diskName() + " usage", "script": "coder stat disk --path " + b.diskPath(), "interval": 60, "timeout": 1, "order": 3},
		},
	}
	if !b.windows() {
		body["dir"] = b.home()
	}
	if !b.kubernetes() {
		// The agent proves it runs on the workspace's instance with the
		// instance identity document: no token in the user data.
		body["auth"] = "aws-instance-identity"
	}
	b.f.Resource("coder_agent", "main", body)
	for _, t := range b.m.Toolchain.Tools {
		if t.App != nil {
			b.app(key(t.App.Slug), *t.App, nil)
		}
	}
	for _, ft := range b.m.Features {
		b.feature(ft)
	}
}

// feature adds a capability's app, and for a desktop the user switches its
// script, both counted by the capability as local.capabilities holds it
// (the parameter's value).
func (b *template) feature(ft model.Feature) {
	var count any
	if ft.User {
		count = fmt.Sprintf("${%s[%q] ? 1 : 0}", localCapabilities, ft.Capability)
		b.f.Resource("coder_script", key(ft.Capability), tfjson.Body{
			"count":        count,
			"agent_id":     tfjson.Attr(agent, "id"),
			"display_name": ft.App.DisplayName,
			"icon":         ft.App.Icon,
			"script":       tfjson.Escape(ft.Script),
			"run_on_start": true,
		})
	}
	if ft.App != nil {
		b.app(key(ft.Capability), *ft.App, count)
	}
}

func (b *template) app(name string, a config.App, count any) {
	scheme := "http"
	if a.HTTPS {
		scheme = "https"
	}
	url := fmt.Sprintf("%s://localhost:%d", scheme, a.Port)
	body := tfjson.Body{
		"agent_id":     tfjson.Attr(agent, "id"),
		"slug":         a.Slug,
		"display_name": a.DisplayName,
		"icon":         a.Icon,
		"url":          url,
		"subdomain":    a.Subdomain,
		"share":        "owner",
	}
	// The agent's health check verifies certificates, which an app's
	// self-signed one never passes: HTTPS apps go without.
	if !a.HTTPS {
		body["healthcheck"] = []tfjson.Body{{
			"url":       url + a.HealthcheckPath,
			"interval":  5,
			"threshold": 6,
		}}
	}
	if count != nil {
		body["count"] = count
	}
	b.f.Resource("coder_app", name, body)
}

// startupScript runs, in order and each in a shell of its own: the setup
// of every capability that is on, the toolchain's install script, then the
// commands that start the toolchain's apps. Scripts are escaped so their
// shell variables stay literal; only the generator's own parts (raw) use
// Terraform interpolation.
func (b *template) startupScript() string {
	var parts []part
	for _, ft := range b.m.Features {
		if !ft.User && ft.Script != "" {
			parts = append(parts, part{ft.Capability, ft.Script, false})
		}
	}
	parts = append(parts, part{"toolchain " + b.m.Toolchain.Name, b.m.Toolchain.Install, false})
	var starts []string
	for _, t := range b.m.Toolchain.Tools {
		if t.App != nil && t.App.Start != "" {
			starts = append(starts, tfjson.Escape(t.App.Start))
		}
	}
	for i, p := range parts {
		if !p.raw {
			parts[i].script = tfjson.Escape(p.script)
		}
	}
	if b.windows() {
		return powershellScript(parts, starts)
	}
	return bashScript(parts, starts)
}

type part struct {
	name, script string
	raw          bool
}

func bashScript(parts []part, starts []string) string {
	var s strings.Builder
	s.WriteString("#!/usr/bin/env bash\n# Capability setup, the toolchain's install script, then its apps.\nset -euo pipefail\n")
	for i, p := range parts {
		delim := fmt.Sprintf("CODER_EKS_PART_%d", i+1)
		fmt.Fprintf(&s, "\n# %s\nbash <<'%s'\n%s\n%s\n", p.name, delim, strings.TrimRight(p.script, "\n"), delim)
	}
	if len(starts) > 0 {
		s.WriteString("\n# apps\n" + strings.Join(starts, "\n") + "\n")
	}
	return s.String()
}

func powershellScript(parts []part, starts []string) string {
	var s strings.Builder
	s.WriteString("# Capability setup, the toolchain's install script, then its apps.\n$ErrorActionPreference = \"Stop\"\n")
	for _, p := range parts {
		fmt.Fprintf(&s, "\n# %s\n& {\n%s\n}\n", p.name, strings.TrimRight(p.script, "\n"))
	}
	if len(starts) > 0 {
		s.WriteString("\n# apps\n" + strings.Join(starts, "\n") + "\n")
	}
	return s.String()
}

func (b *template) diskPath() string {
	if b.windows() {
		return `D:\`
	}
	return b.home()
}

// metadata attaches the workspace's provenance and size to a resource,
// and its quota cost: on the resource that outlives a stop, so a stopped
// workspace still counts towards max_workspaces_per_user.
func (b *template) metadata(resourceID string, count any, extra ...tfjson.Body) {
	body := tfjson.Body{
		"resource_id": resourceID,
		"icon":        b.m.Toolchain.Icon,
		"item":        append(b.metadataItems(), extra...),
		"daily_cost":  b.m.DailyCost,
	}
	if count != nil {
		body["count"] = count
	}
	b.f.Resource("coder_metadata", "workspace", body)
}
