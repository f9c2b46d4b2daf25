package helm

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/coder-eks/coder-eks/generator/internal/config"
	"github.com/coder-eks/coder-eks/generator/internal/plan/names"
)

// Kubernetes Secrets coderd and the provisioners read. External Secrets
// fill them from Secrets Manager (see model/k8s); the values only name
// them.
const (
	SecretDBURL        = "coder-db-url" // key SecretDBURLKey: postgres://...
	SecretDBURLKey     = "url"
	SecretOIDC         = "coder-oidc" // key SecretClientSecretKey
	SecretExternalAuth = "coder-external-auth"
	SecretProvKey      = "coder-provisioner-key" // key SecretProvKeyKey
	SecretProvKeyKey   = "key"
	// SecretProvKeyHashKey holds the key's SHA-256 (hex), the provisioner
	// pods' restart trigger.
	SecretProvKeyHashKey = "sha256"

	SecretClientSecretKey = "client-secret"
)

// SafeToEvict is cluster-autoscaler's pod annotation; "false" keeps it
// from draining a node to remove it.
const SafeToEvict = "cluster-autoscaler.kubernetes.io/safe-to-evict"

// hstsMaxAge is one year, the minimum browsers' preload lists accept.
const hstsMaxAge = 31536000

// coder is coderd: the shared chart values plus its database connection
// (IAM auth, the RDS CA bundle for verify-full).
func coder(c *config.Environment, n names.Names, db config.Database, res corev1.ResourceRequirements) (Release, error) {
	caURL, err := CABundleURL(db, c.Partition)
	if err != nil {
		return Release{}, err
	}
	rel := coderChart(c, n, res)
	v := rel.Values["coder"].(map[string]any)
	v["env"] = coderEnv(c, n, db)
	v["initContainers"] = []any{rdsCAInit(c, db, caURL)}
	v["volumes"] = rdsCAVolumes()
	v["volumeMounts"] = rdsCAMounts(db)
	return rel, nil
}

// coderChart is what coderd and a workspace proxy share; their env is
// their own.
func coderChart(c *config.Environment, n names.Names, res corev1.ResourceRequirements) Release {
	labels := PodLabels(ReleaseCoder)
	return Release{
		Name: ReleaseCoder, Layer: LayerCoder, Namespace: names.CoderNamespace,
		Repository: repoCoder, Chart: "coder", Version: c.CoderVersion,
		// coderd migrates its database forward on start; an automatic
		// rollback would run the older binary against the newer schema.
		ForwardOnly: true,
		Values: map[string]any{
			"coder": map[string]any{
				"replicaCount": c.CoderdReplicas,
				"serviceAccount": map[string]any{
					"name":        names.CoderServiceAccount,
					"annotations": irsa(c, n.IAM.Coderd),
					// Provisioning is external: coderd itself never
					// creates workspace pods or deployments.
					"workspacePerms":    false,
					"enableDeployments": false,
				},
				// Losing a replica drops its users' connections; let
				// only planned rollouts move coderd, never the
				// autoscaler's scale-down.
				"podAnnotations":            map[string]string{SafeToEvict: "false"},
				"resources":                 res,
				"nodeSelector":              onGroup(GroupControl),
				"tolerations":               tolerate(GroupControl),
				"affinity":                  antiAffinity(labels),
				"topologySpreadConstraints": spreadAcrossZones(labels),
				// The NLB reaches coderd through the Service in
				// rendered/<env>/k8s (ip targets); the chart's
				// LoadBalancer Service would create a second NLB.
				"service": map[string]any{"enable": false},
			},
		},
	}
}

// coderEnv configures `coder server`. The chart itself sets
// CODER_HTTP_ADDRESS, CODER_PROMETHEUS_ADDRESS (0.0.0.0:2112), KUBE_POD_IP
// and CODER_DERP_SERVER_RELAY_URL, so they are not repeated here.
func coderEnv(c *config.Environment, n names.Names, db config.Database) []corev1.EnvVar {
	env := []corev1.EnvVar{
		value("CODER_ACCESS_URL", n.Access.URL),
		value("CODER_WILDCARD_ACCESS_URL", n.Access.WildcardURL),
	}
	env = append(env, dbEnv(c, db)...)
	env = append(env,
		// Builds run only on the external provisioners in coder-prov.
		value("CODER_PROVISIONER_DAEMONS", "0"),
		value("CODER_SECURE_AUTH_COOKIE", "true"),
		value("CODER_STRICT_TRANSPORT_SECURITY", strconv.Itoa(hstsMaxAge)),
		value("CODER_STRICT_TRANSPORT_SECURITY_OPTIONS", "includeSubDomains"),
		// TLS ends at the NLB: coderd sees plain HTTP, and with this on
		// redirects every https-access-URL request to itself
		// (redirectToAccessURL, cli/server.go). Said explicitly so that
		// a chart or default change cannot turn it on.
		value("CODER_REDIRECT_TO_ACCESS_URL", "false"),
		value("CODER_DERP_SERVER_STUN_ADDRESSES", stunAddresses(c)),
	)
	env = append(env, oidcEnv(c)...)
	env = append(env, externalAuthEnv(c)...)
	if c.EnablePrometheusMetrics {
		env = append(env, value("CODER_PROMETHEUS_ENABLE", "true"))
	}
	return env
}

// stunAddresses is what clients and agents use to find direct paths;
// "disable" turns direct connections off (everything relays through
// coderd's DERP over HTTPS).
func stunAddresses(c *config.Environment) string {
	if !c.EnableSTUN {
		return "disable"
	}
	return strings.Join(c.STUNAddresses, ",")
}

// oidcEnv is login through the IdP, with the IdP's groups mapped onto
// Coder groups and site roles as idp_group_mappings says. The Day-1/2
// module creates the groups, so coderd must not create them on login.
func oidcEnv(c *config.Environment) []corev1.EnvVar {
	groups := map[string]string{}
	roles := map[string][]string{}
	for idp, m := range c.IDPGroupMappings {
		groups[idp] = m.CoderGroup
		if site := siteRoles(m.Roles); len(site) > 0 {
			roles[idp] = site
		}
	}
	return []corev1.EnvVar{
		value("CODER_OIDC_ISSUER_URL", c.OIDCIssuerURL),
		value("CODER_OIDC_CLIENT_ID", c.OIDCClientID),
		fromSecret("CODER_OIDC_CLIENT_SECRET", SecretOIDC, SecretClientSecretKey),
		value("CODER_OIDC_SCOPES", strings.Join(c.OIDCScopes, ",")),
		value("CODER_OIDC_ALLOW_SIGNUPS", "true"),
		value("CODER_OIDC_GROUP_FIELD", "groups"),
		value("CODER_OIDC_GROUP_MAPPING", mustJSON(groups)),
		value("CODER_OIDC_GROUP_AUTO_CREATE", "false"),
		value("CODER_OIDC_USER_ROLE_FIELD", "groups"),
		value("CODER_OIDC_USER_ROLE_MAPPING", mustJSON(roles)),
	}
}

// siteRoles drops "member": every user has it, it cannot be assigned.
func siteRoles(roles []string) []string {
	var out []string
	for _, r := range roles {
		if r != "member" {
			out = append(out, r)
		}
	}
	sort.Strings(out)
	return out
}

// externalAuthEnv configures the Git provider, when one is set.
func externalAuthEnv(c *config.Environment) []corev1.EnvVar {
	if c.ExternalAuthClientID == "" {
		return nil
	}
	return []corev1.EnvVar{
		value("CODER_EXTERNAL_AUTH_0_ID", c.ExternalAuthProvider),
		value("CODER_EXTERNAL_AUTH_0_TYPE", c.ExternalAuthProvider),
		value("CODER_EXTERNAL_AUTH_0_CLIENT_ID", c.ExternalAuthClientID),
		fromSecret("CODER_EXTERNAL_AUTH_0_CLIENT_SECRET", SecretExternalAuth, SecretClientSecretKey),
	}
}

func value(name, v string) corev1.EnvVar { return corev1.EnvVar{Name: name, Value: v} }

func fromSecret(name, secret, key string) corev1.EnvVar {
	return corev1.EnvVar{Name: name, ValueFrom: &corev1.EnvVarSource{
		SecretKeyRef: &corev1.SecretKeySelector{
			LocalObjectReference: corev1.LocalObjectReference{Name: secret},
			Key:                  key,
		},
	}}
}

// mustJSON encodes maps of strings, which cannot fail; encoding/json
// sorts the keys.
func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}
