package coderd

import (
	"encoding/json"
	"path"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/coder-eks/coder-eks/generator/internal/layout"
	model "github.com/coder-eks/coder-eks/generator/internal/model/coderd"
	templatesm "github.com/coder-eks/coder-eks/generator/internal/model/templates"
	"github.com/coder-eks/coder-eks/generator/internal/plan/plantest"
	templatesr "github.com/coder-eks/coder-eks/generator/internal/render/templates"
	"github.com/coder-eks/coder-eks/generator/internal/render/tfjson"
)

const repoRoot = "../../../.."

// render renders an environment's coderd module and templates.
func render(t *testing.T, env string, enabled bool) (coderd, templates map[string][]byte) {
	t.Helper()
	derived := plantest.Derive(t, repoRoot, env)
	ts := templatesm.Build(derived)
	m := model.Build(derived, ts)
	m.Enabled = enabled
	var err error
	if coderd, err = Render(m); err != nil {
		t.Fatal(err)
	}
	if templates, err = templatesr.Render(ts); err != nil {
		t.Fatal(err)
	}
	return coderd, templates
}

// TestEnabledIsTheVariableDefault: the module is always rendered, and
// enable_coderd_provider is the default of the variable that counts every
// resource in or out.
func TestEnabledIsTheVariableDefault(t *testing.T) {
	for _, enabled := range []bool{false, true} {
		files, _ := render(t, "prod", enabled)
		m := decode(t, files)
		if got := get(m["versions.tf.json"], "variable", "enable_coderd_provider", "default"); got != enabled {
			t.Errorf("enabled %t: variable default = %v", enabled, got)
		}
		for file, d := range m {
			for typ, rs := range mapOf(get(d, "resource")) {
				for name, r := range mapOf(rs) {
					if get(r, "count") != "${var.enable_coderd_provider ? 1 : 0}" {
						t.Errorf("%s: %s.%s is not counted by enable_coderd_provider", file, typ, name)
					}
				}
			}
		}
	}
}

func mapOf(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// decode decodes the module's files into one document per file.
func decode(t *testing.T, files map[string][]byte) map[string]map[string]any {
	t.Helper()
	tf := map[string][]byte{}
	out := map[string]map[string]any{}
	for p, data := range files {
		if !strings.HasSuffix(p, ".tf.json") {
			continue
		}
		tf[path.Base(p)] = data
		var d map[string]any
		if err := json.Unmarshal(data, &d); err != nil {
			t.Fatal(err)
		}
		out[path.Base(p)] = d
	}
	if refs, err := tfjson.Unresolved(tf); err != nil || len(refs) > 0 {
		t.Fatalf("unresolved references %v, err %v", refs, err)
	}
	return out
}

func get(v any, keys ...any) any {
	for _, k := range keys {
		switch k := k.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			l, _ := v.([]any)
			if k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

func TestModule(t *testing.T) {
	files, templates := render(t, "prod", true)
	m := decode(t, files)

	t.Run("no token, no license value", func(t *testing.T) {
		for p, data := range files {
			if strings.Contains(string(data), `"token"`) {
				t.Errorf("%s sets a token", p)
			}
		}
		if got := get(m["versions.tf.json"], "provider", "coderd", 0); !cmp.Equal(got, map[string]any{"url": "https://coder.example.com"}) {
			t.Errorf("coderd provider = %v; want only the access URL (the token comes from CODER_SESSION_TOKEN)", got)
		}
		license := get(m["license.tf.json"], "variable", "coder_license")
		if get(license, "sensitive") != true || get(license, "default") != nil {
			t.Errorf("coder_license variable = %v; want sensitive, without a value", license)
		}
		if got := get(m["license.tf.json"], "resource", "coderd_license", "premium", "license"); got != "${var.coder_license}" {
			t.Errorf("license = %v", got)
		}
	})

	t.Run("state encrypted with the state key", func(t *testing.T) {
		// Without kms_key_id the S3 backend asks for SSE-S3, and the
		// runner's role may use only the state key.
		want := "arn:aws:kms:us-east-1:111122223333:alias/coder-prod-terraform-state"
		if got := get(m["versions.tf.json"], "terraform", "backend", "s3", "kms_key_id"); got != want {
			t.Errorf("backend kms_key_id = %v, want %s", got, want)
		}
	})

	t.Run("templates point at the rendered templates", func(t *testing.T) {
		tpls, _ := get(m["templates.tf.json"], "resource", "coderd_template").(map[string]any)
		if len(tpls) != 4 {
			t.Fatalf("%d templates, want the 4 default pairings", len(tpls))
		}
		for key, body := range tpls {
			dir := strings.TrimPrefix(get(body, "versions", 0, "directory").(string), "${path.module}/")
			main := path.Join(layout.Coderd, dir, "main.tf.json")
			if _, ok := templates[main]; !ok {
				t.Errorf("%s: version directory %s does not hold a rendered template (%s)", key, dir, main)
			}
			if got := get(body, "versions", 0, "provisioner_tags"); !cmp.Equal(got, []any{map[string]any{"name": "scope", "value": "organization"}}) {
				t.Errorf("%s: provisioner tags = %v", key, got)
			}
		}
	})

	t.Run("groups", func(t *testing.T) {
		groups, _ := get(m["groups.tf.json"], "resource", "coderd_group").(map[string]any)
		var names []string
		for _, g := range groups {
			names = append(names, get(g, "name").(string))
			if _, ok := get(g, "quota_allowance").(float64); !ok {
				t.Errorf("group %v has no quota_allowance", get(g, "name"))
			}
		}
		if diff := cmp.Diff([]string{"developers", "platform-admins", "template-admins"}, slices.Sorted(slices.Values(names))); diff != "" {
			t.Errorf("groups (-want +got):\n%s", diff)
		}
	})

	t.Run("provisioner key rotation", func(t *testing.T) {
		p := m["provisioner.tf.json"]
		if got := get(p, "resource", "time_rotating", "provisioner_key", "rotation_days"); got != float64(90) {
			t.Errorf("rotation_days = %v", got)
		}
		if got := get(p, "resource", "coderd_provisioner_key", "external", "lifecycle", 0, "replace_triggered_by", 0); got != "time_rotating.provisioner_key" {
			t.Errorf("replace_triggered_by = %v", got)
		}
		if got := get(p, "data", "aws_secretsmanager_secret", "provisioner_key", "name"); got != "coder/prod/provisioner-key" {
			t.Errorf("key secret = %v", got)
		}
		if got := get(p, "resource", "aws_secretsmanager_secret_version", "provisioner_key", "secret_string"); got != "${coderd_provisioner_key.external[0].key}" {
			t.Errorf("secret_string = %v", got)
		}
	})
}

// TestWorkspaceProxies: one coderd_workspace_proxy per secondary region,
// its token written through that region's aws provider to the secret the
// region's infra module creates; nothing without secondary regions.
func TestWorkspaceProxies(t *testing.T) {
	tests := []struct {
		env  string
		want map[string]string // proxy resource → token secret
	}{
		{"prod", nil},
		{"staging", nil},
		{"multiregion", map[string]string{"eu_west_1": "coder/multiregion/workspace-proxy/eu-west-1"}},
	}
	for _, tt := range tests {
		t.Run(tt.env, func(t *testing.T) {
			files, _ := render(t, tt.env, true)
			m := decode(t, files)
			p := m["proxies.tf.json"]
			proxies, _ := get(p, "resource", "coderd_workspace_proxy").(map[string]any)
			got := map[string]string{}
			for key, body := range proxies {
				if get(body, "name") != strings.ReplaceAll(key, "_", "-") || get(body, "icon") == "" {
					t.Errorf("proxy %s: name %v, icon %v", key, get(body, "name"), get(body, "icon"))
				}
				secret := get(p, "data", "aws_secretsmanager_secret", "proxy_token_"+key)
				version := get(p, "resource", "aws_secretsmanager_secret_version", "proxy_token_"+key)
				if get(secret, "provider") != "aws."+key || get(version, "provider") != "aws."+key {
					t.Errorf("proxy %s: token secret not through provider aws.%s", key, key)
				}
				if want := "${coderd_workspace_proxy." + key + "[0].session_token}"; get(version, "secret_string") != want {
					t.Errorf("proxy %s: secret_string = %v, want %s", key, get(version, "secret_string"), want)
				}
				got[key] = get(secret, "name").(string)
				if !hasAlias(m["versions.tf.json"], key, strings.ReplaceAll(key, "_", "-")) {
					t.Errorf("no aws provider alias %s in region %s", key, get(body, "name"))
				}
			}
			if diff := cmp.Diff(tt.want, got, cmpEmpty); diff != "" {
				t.Errorf("proxies (-want +got):\n%s", diff)
			}
		})
	}
}

var cmpEmpty = cmp.FilterValues(func(a, b map[string]string) bool { return len(a) == 0 && len(b) == 0 }, cmp.Ignore())

func hasAlias(versions map[string]any, alias, region string) bool {
	providers, _ := get(versions, "provider", "aws").([]any)
	for _, p := range providers {
		if get(p, "alias") == alias && get(p, "region") == region {
			return true
		}
	}
	return false
}
