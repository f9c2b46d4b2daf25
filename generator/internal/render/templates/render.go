// Package templates renders each composed template into
// rendered/<env>/templates/<name>/: a main.tf.json that is a complete Coder
// template (the coder provider's agent, apps, parameters and metadata on
// top of the base's infrastructure) and a README.md saying what it is.
//
// The file is laid out along the template contract: locals hold the
// contract's inputs (workspace_name, owner, compute_profile, image_id,
// capabilities) and outputs (agent_endpoint, runtime_env, volume_mounts,
// metadata); the base's resources read the inputs, the agent and metadata
// read the outputs.
package templates

import (
	"fmt"
	"strconv"

	"github.com/coder-eks/coder-eks/generator/internal/layout"
	model "github.com/coder-eks/coder-eks/generator/internal/model/templates"
	"github.com/coder-eks/coder-eks/generator/internal/render/tfjson"
)

// Provider versions the templates require. The coder provider is the one
// Coder's provisioners ship with; the others match the infra module's.
var providers = map[string]tfjson.Body{
	"coder":      {"source": "coder/coder", "version": "~> 2.20"},
	"kubernetes": {"source": "hashicorp/kubernetes", "version": "~> 2.38"},
	"aws":        {"source": "hashicorp/aws", "version": "~> 6.25"},
	"cloudinit":  {"source": "hashicorp/cloudinit", "version": "~> 2.3"},
	"random":     {"source": "hashicorp/random", "version": "~> 3.7"},
}

// Addresses every template shares.
const (
	workspace = "data.coder_workspace.me"
	owner     = "data.coder_workspace_owner.me"
	agent     = "coder_agent.main"
)

// Render returns every template's files keyed by path relative to the
// environment's rendered directory.
func Render(ts []model.Template) (map[string][]byte, error) {
	out := map[string][]byte{}
	for _, t := range ts {
		dir := layout.Template(t.Name)
		main, err := Main(t)
		if err != nil {
			return nil, fmt.Errorf("render %s/main.tf.json: %w", dir, err)
		}
		out[dir+"/main.tf.json"] = main
		out[dir+"/README.md"] = Readme(t)
	}
	return out, nil
}

// template builds one main.tf.json.
type template struct {
	m    model.Template
	f    *tfjson.File
	used map[string]bool // providers the resources use
}

// Main renders a template's main.tf.json.
func Main(t model.Template) ([]byte, error) {
	b := &template{
		m:    t,
		f:    tfjson.Generated(t.Source),
		used: map[string]bool{"coder": true},
	}
	b.f.Data("coder_workspace", "me", tfjson.Body{})
	b.f.Data("coder_workspace_owner", "me", tfjson.Body{})
	b.parameters()
	b.contract()
	b.agent()
	if b.kubernetes() {
		b.k8s()
	} else {
		b.ec2()
	}
	b.versions()
	return b.f.Encode()
}

func (b *template) kubernetes() bool { return b.m.Base.Platform == "kubernetes" }
func (b *template) windows() bool    { return b.m.Base.OSFamily == "windows" }

func (b *template) versions() {
	req := tfjson.Body{}
	for name := range b.used {
		req[name] = providers[name]
	}
	b.f.Terraform(tfjson.Body{
		"required_version":   ">= 1.9.0",
		"required_providers": req,
	})
	if b.used["aws"] {
		// The provisioner's IRSA role creates the instances; every
		// resource carries the environment's tags and the template's.
		body := tfjson.Body{
			"region":       b.m.Inputs.Region,
			"default_tags": []tfjson.Body{{"tags": b.m.Inputs.Tags}},
		}
		if b.m.Inputs.FIPS {
			body["use_fips_endpoint"] = true
		}
		b.f.Provider("aws", body)
	}
}

// id is the workspace's unique ID, the stem of every resource name.
func id() string { return tfjson.Attr(workspace, "id") }

// resourceName is "coder-<workspace id>", unique and within Kubernetes'
// 63-character limit.
func resourceName(suffix string) string { return "coder-" + id() + suffix }

// key turns a capability or slug into a Terraform name.
func key(s string) string {
	out := []byte(s)
	for i, c := range out {
		if c == '-' || c == '.' {
			out[i] = '_'
		}
	}
	return string(out)
}

func itoa(i int) string { return strconv.Itoa(i) }
