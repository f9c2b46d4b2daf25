// Package coderd is the model of the Day-1/2 root module: what the coderd
// provider manages inside a running Coder deployment (the license, groups,
// the external provisioners' key and the composed templates), derived from
// a checked environment and its templates.
package coderd

import (
	"sort"

	"github.com/coder-eks/coder-eks/generator/internal/config"
	"github.com/coder-eks/coder-eks/generator/internal/layout"
	"github.com/coder-eks/coder-eks/generator/internal/model/templates"
	"github.com/coder-eks/coder-eks/generator/internal/plan"
	"github.com/coder-eks/coder-eks/generator/internal/plan/names"
)

// Coderd is everything the coderd module manages.
type Coderd struct {
	// Enabled is enable_coderd_provider, the default of the module's
	// variable of the same name that counts every resource in or out.
	Enabled bool
	Env     string
	Source  string // environment file, for generated-file headers
	Region  string
	// FIPS sends every AWS call, the backend's included, to FIPS endpoints.
	FIPS      bool
	Tags      map[string]string
	Backend   Backend
	AccessURL string

	LicenseSecret  string // Secrets Manager secret the license variable is fed from
	Groups         []Group
	ProvisionerKey ProvisionerKey
	Templates      []Template
	// Proxies are the workspace proxies of the secondary regions, in the
	// environment's order; none outside the Multi-Region pattern.
	Proxies []Proxy
}

// Proxy is one secondary region's workspace proxy. Its session token is
// written to Secret (Secrets Manager, in Region), which the region's
// infra module creates empty and External Secrets copies into the
// region's cluster: the token lives only in Terraform state.
type Proxy struct {
	Key         string // resource name and aws provider alias
	Name        string // proxy name: the region
	DisplayName string
	Icon        string
	Region      string
	Secret      string
	AccessURL   string
	// ProvisionerKey is the key of the region's own provisioners (tags
	// with region: <region>), written to Secret's region.
	ProvisionerKey ProvisionerKey
}

// proxyIcon is a globe from Coder's built-in icon set.
const proxyIcon = "/emojis/1f30e.png"

// Backend is where the module's state lives.
type Backend struct {
	Bucket, Key, Region string
	// KMSAliasARN is the bootstrap module's state key, by alias ARN, which
	// the S3 backend encrypts the state with (as the infra module's).
	KMSAliasARN string
}

// Group is a Coder group and the IdP groups that map to it.
type Group struct {
	Key            string // resource name
	Name           string // Coder group name
	IDPGroups      []string
	QuotaAllowance int
}

// ProvisionerKey authenticates the external provisioners; it is replaced
// every RotationDays and written to a Secrets Manager secret (created on
// Day 0), which External Secrets copies to the Secret the provisioner
// chart reads.
type ProvisionerKey struct {
	Name         string
	Tags         map[string]string
	RotationDays int
	Secret       string // Secrets Manager secret name
}

// Template is one composed template pushed to Coder.
type Template struct {
	Key         string // resource name
	Name        string
	DisplayName string
	Description string
	Icon        string
	Dir         string // rendered template, relative to the module
	// Autostop ends the template's workspaces before the evening
	// scale-in (capacity.Autostop); nil without a workspace schedule.
	Autostop *Autostop
}

// Autostop is a template's schedule settings: its default TTL and its
// autostop requirement, which stops workspaces in the owners' quiet hours
// (coderd's CODER_QUIET_HOURS_DEFAULT_SCHEDULE, the same figure).
type Autostop struct {
	DefaultTTLMillis int64
	Days             []string
}

// Build derives the model.
func Build(env *plan.Environment, ts []templates.Template) Coderd {
	c := &env.Config
	n := names.For(c)
	m := Coderd{
		Enabled: c.EnableCoderdProvider,
		Env:     env.Name,
		Source:  env.RelFile(),
		Region:  c.AWSRegion,
		FIPS:    c.UseFIPSEndpoints,
		Tags:    names.Tags(c),
		Backend: Backend{
			Bucket: c.TerraformStateBucket, Key: names.CoderdStateKey, Region: c.TerraformStateRegion,
			KMSAliasARN: names.StateKMSAliasARN(c, n),
		},
		AccessURL:      n.Access.URL,
		LicenseSecret:  n.Secrets.License,
		Groups:         groups(c, c.MaxWorkspacesPerUser*env.Catalog.Planning.WorkspaceDailyCost),
		ProvisionerKey: provisionerKey(c, n, len(env.Secondaries) > 0),
	}
	for _, r := range env.Secondaries {
		rn := names.For(&r.Config)
		pk := provisionerKey(&r.Config, rn, true)
		pk.RotationDays = c.ProvisionerKeyRotationDays
		m.Proxies = append(m.Proxies, Proxy{
			Key:            key(r.Config.AWSRegion),
			Name:           r.Config.AWSRegion,
			DisplayName:    "AWS " + r.Config.AWSRegion,
			Icon:           proxyIcon,
			Region:         r.Config.AWSRegion,
			Secret:         rn.Secrets.ProxyToken,
			AccessURL:      rn.Access.URL,
			ProvisionerKey: pk,
		})
	}
	var autostop *Autostop
	if a := env.Capacity.Autostop; a != nil {
		autostop = &Autostop{DefaultTTLMillis: a.DefaultTTLMillis, Days: a.Days}
	}
	for _, t := range ts {
		m.Templates = append(m.Templates, Template{
			Autostop:    autostop,
			Key:         key(t.Name),
			Name:        t.Name,
			DisplayName: t.DisplayName,
			Description: t.Description,
			Icon:        t.Toolchain.Icon,
			Dir:         layout.MustRelative(layout.Coderd, layout.Template(t.Name)),
		})
	}
	return m
}

// groups are the Coder groups idp_group_mappings names, in name order.
// Several IdP groups may map to one Coder group; it gets the largest
// quota_allowance among them, so no member loses budget by the merge.
//
// A mapping without quota_allowance gets perUser: max_workspaces_per_user
// workspaces at planning.workspace_daily_cost each, which the templates'
// coder_metadata charges. Coder adds up the allowances of all a user's
// groups, so a member of several mapped groups may keep more.
func groups(c *config.Environment, perUser int) []Group {
	byName := map[string]*Group{}
	for idp, m := range c.IDPGroupMappings {
		g := byName[m.CoderGroup]
		if g == nil {
			g = &Group{Key: key(m.CoderGroup), Name: m.CoderGroup}
			byName[m.CoderGroup] = g
		}
		g.IDPGroups = append(g.IDPGroups, idp)
		allowance := perUser
		if m.QuotaAllowance != nil {
			allowance = *m.QuotaAllowance
		}
		g.QuotaAllowance = max(g.QuotaAllowance, allowance)
	}
	out := make([]Group, 0, len(byName))
	for _, g := range byName {
		sort.Strings(g.IDPGroups)
		out = append(out, *g)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// key turns a name into a Terraform resource name.
func key(s string) string {
	out := []byte(s)
	for i, ch := range out {
		if ch == '-' || ch == '.' || ch == ' ' {
			out[i] = '_'
		}
	}
	return string(out)
}

// provisionerKey is the key of one cluster's provisioners. With several
// regions each key also carries names.RegionTag: <its region>, and so do
// the jobs of templates meant for that region, so a build runs in the
// cluster its workspace belongs to (a provisioner takes a job whose tags
// are a subset of its own).
func provisionerKey(c *config.Environment, n names.Names, regional bool) ProvisionerKey {
	tags := map[string]string{}
	for k, v := range c.ProvisionerKeyTags {
		tags[k] = v
	}
	if regional {
		tags[names.RegionTag] = c.AWSRegion
	}
	return ProvisionerKey{
		Name:         n.Cluster + "-provisioners",
		Tags:         tags,
		RotationDays: c.ProvisionerKeyRotationDays,
		Secret:       n.Secrets.ProvisionerKey,
	}
}
