package helm

import (
	"fmt"
	"strconv"

	corev1 "k8s.io/api/core/v1"

	"github.com/coder-eks/coder-eks/generator/internal/config"
	"github.com/coder-eks/coder-eks/generator/internal/layout"
	"github.com/coder-eks/coder-eks/generator/internal/plan"
	"github.com/coder-eks/coder-eks/generator/internal/plan/names"
)

// LayerProxy applies a secondary cluster's workspace proxy.
const LayerProxy = "proxy"

// SecretProxyToken holds a workspace proxy's session token (key
// SecretProxyTokenKey); External Secrets copies it from the region's
// Secrets Manager secret, which the Day-1/2 module writes.
const (
	SecretProxyToken    = "coder-proxy-token"
	SecretProxyTokenKey = "token"
)

// BuildRegion derives the releases of a secondary region's cluster: the
// controllers (no tofu-controller: the Day-1/2 module runs in the
// primary cluster), the coder chart in workspace-proxy mode, and the
// region's own provisioners, which build the workspaces of templates
// tagged for the region (their key carries names.RegionTag).
func BuildRegion(env *plan.Environment, r plan.Region) (Model, error) {
	c := &r.Config
	n := names.For(c)
	primary := names.For(&env.Config)
	prov, err := provisioners(r.Capacity, env.Catalog.Sizing)
	if err != nil {
		return Model{}, fmt.Errorf("size provisioners: %w", err)
	}
	return Model{
		Source:       env.RelFile(),
		Root:         layout.RegionRoot(c.AWSRegion),
		Repositories: repositories(env.Catalog.Components),
		Releases: []Release{
			lbController(c, n, env.Catalog.Components),
			autoscaler(c, n, env.Catalog.Components),
			externalSecrets(c, n, env.Catalog.Components),
			fluentBit(c, n, env.Catalog),
			workspaceProxy(c, n, primary, r),
			regionProvisioner(c, n, primary, prov),
		},
	}, nil
}

// regionProvisioner is the provisioner release of a secondary cluster:
// as the primary's, with the region's IRSA role and key, talking to
// coderd at the primary's access URL.
func regionProvisioner(c *config.Environment, n, primary names.Names, size provisionerSizing) Release {
	rel := provisioner(c, n, size)
	v := rel.Values["coder"].(map[string]any)
	env := v["env"].([]corev1.EnvVar)
	env[0] = value("CODER_URL", primary.Access.URL)
	return rel
}

// workspaceProxy is the coder chart with coder.workspaceProxy: the same
// placement, service account and Service wiring as coderd (its Service,
// PDB and policies select the same labels), sized by the capacity model's
// proxy figures, talking to the primary's access URL with its token.
func workspaceProxy(c *config.Environment, n, primary names.Names, r plan.Region) Release {
	rel := coderChart(c, n, coderdResources(r.Capacity))
	rel.Layer = LayerProxy
	v := rel.Values["coder"].(map[string]any)
	v["workspaceProxy"] = true
	v["replicaCount"] = r.Capacity.Server.Replicas
	v["env"] = proxyEnv(c, n, primary)
	return rel
}

// proxyEnv configures `coder wsproxy server`: the region's hosts serve
// workspace apps and the web terminal; everything else is the primary's.
func proxyEnv(c *config.Environment, n, primary names.Names) []corev1.EnvVar {
	env := []corev1.EnvVar{
		value("CODER_PRIMARY_ACCESS_URL", primary.Access.URL),
		fromSecret("CODER_PROXY_SESSION_TOKEN", SecretProxyToken, SecretProxyTokenKey),
		value("CODER_ACCESS_URL", n.Access.URL),
		value("CODER_WILDCARD_ACCESS_URL", n.Access.WildcardURL),
		value("CODER_SECURE_AUTH_COOKIE", "true"),
		value("CODER_STRICT_TRANSPORT_SECURITY", strconv.Itoa(hstsMaxAge)),
		value("CODER_STRICT_TRANSPORT_SECURITY_OPTIONS", "includeSubDomains"),
	}
	if c.EnablePrometheusMetrics {
		env = append(env, value("CODER_PROMETHEUS_ENABLE", "true"))
	}
	return env
}
