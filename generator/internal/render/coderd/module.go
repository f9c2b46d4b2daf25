// Package coderd renders the Day-1/2 root module
// (rendered/<env>/terraform/coderd/) from the coderd model: the Premium
// license, groups, the external provisioners' key and its rotation, and a
// coderd_template per composed template.
//
// The module is always rendered (Flux's tofu-controller object points at
// it, with enable_coderd_provider = true) and gated by
// enable_coderd_provider: the environment's value is the default of a
// variable of that name for by-hand applies, and every resource and data
// source is counted (or keyed) by it. The coderd provider itself logs in to Coder
// when configured, so the module is applied only once Coder runs and an
// owner's token is in CODER_SESSION_TOKEN; no file holds that token.
package coderd

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/coder-eks/coder-eks/generator/internal/layout"
	model "github.com/coder-eks/coder-eks/generator/internal/model/coderd"
	"github.com/coder-eks/coder-eks/generator/internal/plan/names"
	"github.com/coder-eks/coder-eks/generator/internal/render/tfjson"
)

// Expressions every file uses.
const (
	enabled = "var.enable_coderd_provider"
	// count is the count of everything the module manages.
	count = "${" + enabled + " ? 1 : 0}"
	orgID = "${data.coderd_organization.default[0].id}"
)

type module struct {
	m  model.Coderd
	tf *tfjson.Module
}

// Render returns the module's files keyed by path relative to the
// environment's rendered directory.
func Render(m model.Coderd) (map[string][]byte, error) {
	b := &module{m: m, tf: tfjson.NewModule(m.Source)}
	b.versions(b.tf.File("versions.tf.json"))
	b.license(b.tf.File("license.tf.json"))
	b.groups(b.tf.File("groups.tf.json"))
	b.provisionerKey(b.tf.File("provisioner.tf.json"))
	b.templates(b.tf.File("templates.tf.json"))
	if len(m.Proxies) > 0 {
		b.proxies(b.tf.File("proxies.tf.json"))
	}
	out := make(map[string][]byte, b.tf.Len()+1)
	if err := b.tf.Encode(layout.Coderd, out); err != nil {
		return nil, err
	}
	out[layout.Coderd+"/README.md"] = b.readme()
	return out, nil
}

// versions pins the providers and configures them. The state is encrypted
// with the bootstrap module's state key, like the infra module's (without
// kms_key_id the backend would ask for SSE-S3). The coderd provider
// reads CODER_SESSION_TOKEN (never a file); the aws provider writes the
// provisioner key to Secrets Manager.
func (b *module) versions(f *tfjson.File) {
	m := b.m
	backend := tfjson.Body{
		"bucket":       m.Backend.Bucket,
		"key":          m.Backend.Key,
		"region":       m.Backend.Region,
		"encrypt":      true,
		"kms_key_id":   m.Backend.KMSAliasARN,
		"use_lockfile": true,
	}
	provider := tfjson.Body{
		"region":       m.Region,
		"default_tags": []tfjson.Body{{"tags": m.Tags}},
	}
	if m.FIPS {
		backend["use_fips_endpoint"] = true
		provider["use_fips_endpoint"] = true
	}
	f.Terraform(tfjson.Body{
		"required_version": ">= 1.10.0",
		"required_providers": tfjson.Body{
			"coderd": tfjson.Body{"source": "coder/coderd", "version": "~> 0.0.12"},
			"aws":    tfjson.Body{"source": "hashicorp/aws", "version": "~> 6.25"},
			"time":   tfjson.Body{"source": "hashicorp/time", "version": "~> 0.13"},
		},
		"backend": tfjson.Body{"s3": backend},
	})
	f.Variable(names.EnableCoderdVariable, tfjson.Body{
		"type":        "bool",
		"nullable":    false,
		"default":     m.Enabled,
		"description": "Manage Coder with the coderd provider (enable_coderd_provider in " + m.Source + "); false leaves every resource out.",
	})
	f.Provider("coderd", tfjson.Body{"url": m.AccessURL})
	f.Provider("aws", provider)
	for _, p := range m.Proxies {
		// One aws configuration per secondary region: each proxy's token
		// goes to a secret in its own region.
		alias := tfjson.Body{"alias": p.Key, "region": p.Region}
		for k, v := range provider {
			if k != "region" {
				alias[k] = v
			}
		}
		f.Provider("aws", alias)
	}
	f.Data("coderd_organization", "default", tfjson.Body{"count": count, "is_default": true})
}

// license applies the Premium license the seed requires. Its value is a
// sensitive variable fed from Secrets Manager at apply time, never a file.
func (b *module) license(f *tfjson.File) {
	f.Variable(names.LicenseVariable, tfjson.Body{
		"type":      "string",
		"sensitive": true,
		"default":   nil,
		"description": fmt.Sprintf("Coder Premium license (JWT), from Secrets Manager secret %s, never a file: "+
			"export TF_VAR_coder_license=\"$(aws secretsmanager get-secret-value --secret-id %s --query SecretString --output text)\"", b.m.LicenseSecret, b.m.LicenseSecret),
		"validation": []tfjson.Body{{
			"condition":     "${!" + enabled + " || try(length(trimspace(var.coder_license)), 0) > 0}",
			"error_message": "coder_license is empty: set TF_VAR_coder_license from Secrets Manager secret " + b.m.LicenseSecret + ".",
		}},
	})
	f.Resource("coderd_license", "premium", tfjson.Body{"count": count, "license": "${var." + names.LicenseVariable + "}"})
}

// groups are the Coder groups of idp_group_mappings with their quota
// allowance. Site roles are not group attributes in Coder: the IdP's role
// claim assigns them at login.
func (b *module) groups(f *tfjson.File) {
	for _, g := range b.m.Groups {
		f.Resource("coderd_group", g.Key, tfjson.Body{
			"count":           count,
			"name":            g.Name,
			"display_name":    g.Name,
			"organization_id": orgID,
			"quota_allowance": g.QuotaAllowance,
			// Quotas are a Premium feature.
			"depends_on": []string{"coderd_license.premium"},
		})
	}
}

// provisionerKey is the external provisioners' key, replaced every
// rotation period: time_rotating leaves the state when its period ends,
// and replace_triggered_by replaces the key in the same apply; the new key
// is created before the old one is deleted. The key goes to the Secrets
// Manager secret Day 0 created, which External Secrets copies (with its
// hash) to the provisioners' Secret; the hash in their pod annotation
// rolls them onto the new key (model/helm provisioner.go).
func (b *module) provisionerKey(f *tfjson.File) {
	k := b.m.ProvisionerKey
	rotation := f.Resource("time_rotating", "provisioner_key", tfjson.Body{"count": count, "rotation_days": k.RotationDays})
	b.key(f, "external", "provisioner_key", "", k, rotation)
	f.Output("provisioner_key_expires_at", tfjson.Body{
		"description": "When the provisioner key is next replaced (RFC 3339)",
		"value":       "${" + enabled + " ? " + rotation + "[0].rotation_rfc3339 : null}",
	})
}

// key is one provisioner key (resource name), replaced with rotation, and
// its Secrets Manager version (secret: the version's resource name),
// through the aws provider configuration provider ("" for the default).
func (b *module) key(f *tfjson.File, name, secretName, provider string, k model.ProvisionerKey, rotation string) {
	key := f.Resource("coderd_provisioner_key", name, tfjson.Body{
		"count": count,
		// Named per rotation: key names are unique in an organization.
		"name":            k.Name + "-" + tfjson.Ref(rotation+"[0].unix"),
		"organization_id": orgID,
		"tags":            k.Tags,
		"lifecycle": []tfjson.Body{{
			"create_before_destroy": true,
			"replace_triggered_by":  []string{rotation},
		}},
		// External provisioners are a Premium feature.
		"depends_on": []string{"coderd_license.premium"},
	})
	data := tfjson.Body{"count": count, "name": k.Secret}
	version := tfjson.Body{"count": count}
	if provider != "" {
		data["provider"], version["provider"] = provider, provider
	}
	secret := f.Data("aws_secretsmanager_secret", secretName, data)
	version["secret_id"] = tfjson.Ref(secret + "[0].id")
	version["secret_string"] = tfjson.Ref(key + "[0].key")
	f.Resource("aws_secretsmanager_secret_version", secretName, version)
}

// templates pushes each composed template. A version is built by an
// external provisioner carrying the key's tags, so the key is stored
// first; a changed directory makes a new active version.
func (b *module) templates(f *tfjson.File) {
	tags := b.m.ProvisionerKey.Tags
	var ptags []tfjson.Body
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		ptags = append(ptags, tfjson.Body{"name": k, "value": tags[k]})
	}
	for _, t := range b.m.Templates {
		body := tfjson.Body{
			"count":           count,
			"name":            t.Name,
			"display_name":    t.DisplayName,
			"description":     t.Description,
			"icon":            t.Icon,
			"organization_id": orgID,
			"versions": []tfjson.Body{{
				"directory":        "${path.module}/" + t.Dir,
				"active":           true,
				"provisioner_tags": ptags,
			}},
			"depends_on": []string{"aws_secretsmanager_secret_version.provisioner_key"},
		}
		if a := t.Autostop; a != nil {
			// Derived from the workspace schedule: workspaces end in
			// quiet hours, before the evening scale-in (docs/capacity.md).
			// The requirement is a Premium feature, like the license
			// this module applies.
			body["default_ttl_ms"] = a.DefaultTTLMillis
			body["auto_stop_requirement"] = tfjson.Body{"days_of_week": a.Days, "weeks": 1}
		}
		f.Resource("coderd_template", t.Key, body)
	}
}

// proxies registers a workspace proxy per secondary region and writes its
// session token to the region's Secrets Manager secret (created empty by
// that region's infra module), from which External Secrets copies it into
// the region's cluster. The token is computed by coderd and lives only in
// this module's state. Workspace proxies are a Premium feature.
func (b *module) proxies(f *tfjson.File) {
	for _, p := range b.m.Proxies {
		proxy := f.Resource("coderd_workspace_proxy", p.Key, tfjson.Body{
			"count":        count,
			"name":         p.Name,
			"display_name": p.DisplayName,
			"icon":         p.Icon,
			"depends_on":   []string{"coderd_license.premium"},
		})
		secret := f.Data("aws_secretsmanager_secret", "proxy_token_"+p.Key, tfjson.Body{
			"count":    count,
			"provider": "aws." + p.Key,
			"name":     p.Secret,
		})
		f.Resource("aws_secretsmanager_secret_version", "proxy_token_"+p.Key, tfjson.Body{
			"count":         count,
			"provider":      "aws." + p.Key,
			"secret_id":     tfjson.Ref(secret + "[0].id"),
			"secret_string": tfjson.Ref(proxy + "[0].session_token"),
		})
		// The region's provisioners: their own key (region tag), rotated
		// with the primary's, in the region's secret.
		b.key(f, "external_"+p.Key, "provisioner_key_"+p.Key, "aws."+p.Key, p.ProvisionerKey, "time_rotating.provisioner_key")
	}
}

func (b *module) readme() []byte {
	m := b.m
	var s strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&s, format, args...) }
	w("<!-- Code generated by coder-eks from %s; DO NOT EDIT. -->\n\n", m.Source)
	w("# coderd: Day-1/2 configuration of Coder in %s\n\n", m.Env)
	w("Applied once Coder runs. Flux's tofu-controller object sets `enable_coderd_provider = true` and\n")
	w("cannot run before an owner token is stored; for a by-hand apply the variable defaults to\n")
	w("`enable_coderd_provider` in %s (%t), and false leaves every resource out. It manages:\n\n", m.Source, m.Enabled)
	w("- the Coder Premium license (`coderd_license.premium`);\n")
	w("- the groups of `idp_group_mappings` with their quota allowance (%s);\n", join(m.Groups, func(g model.Group) string { return "`" + g.Name + "`" }))
	w("- the external provisioners' key `%s-<rotation>`, replaced every %d days and stored in Secrets Manager secret `%s`;\n", m.ProvisionerKey.Name, m.ProvisionerKey.RotationDays, m.ProvisionerKey.Secret)
	w("- the composed templates (%s), each from `%s`", join(m.Templates, func(t model.Template) string { return "`" + t.Name + "`" }), layout.MustRelative(layout.Coderd, layout.Template("<name>")))
	if len(m.Proxies) == 0 {
		w(".\n\n")
	} else {
		w(";\n- a workspace proxy per secondary region (%s), its session token written to the region's Secrets Manager secret (%s), never to a file.\n\n",
			join(m.Proxies, func(p model.Proxy) string { return "`" + p.Name + "`" }),
			join(m.Proxies, func(p model.Proxy) string { return "`" + p.Secret + "`" }))
	}
	w("## Apply\n\n")
	w("Flux's tofu-controller applies it with an owner's token; by hand:\n\n```sh\n")
	w("export CODER_SESSION_TOKEN=...   # an owner's token; never written to a file\n")
	w("export TF_VAR_coder_license=\"$(aws secretsmanager get-secret-value --secret-id %s --query SecretString --output text)\"\n", m.LicenseSecret)
	w("terraform init && terraform apply\n```\n\n")
	w("Rotate the provisioner key early with `terraform apply -replace='time_rotating.provisioner_key[0]'`;\n")
	w("`terraform output provisioner_key_expires_at` says when it rotates next.\n")
	return []byte(s.String())
}

func join[T any](xs []T, f func(T) string) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = f(x)
	}
	return strings.Join(s, ", ")
}
