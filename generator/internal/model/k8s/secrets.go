package k8s

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/coder-eks/coder-eks/generator/internal/config"
	"github.com/coder-eks/coder-eks/generator/internal/model/helm"
	"github.com/coder-eks/coder-eks/generator/internal/plan/names"
)

// External Secrets objects. External Secrets, not the Secrets Store CSI
// driver, brings Secrets Manager values in: it writes ordinary Kubernetes
// Secrets, which is what the charts consume (env valueFrom, the
// provisioner chart's keySecretName) and what Flux's GitRepository and
// tofu-controller's runner read; it can template a value from several
// fields (the database URL); and it refreshes on an interval, so a
// rotated secret arrives without restarting anything that mounts it. The
// CSI driver only syncs a Secret while a pod mounts the volume.
const (
	esAPI = "external-secrets.io/v1"
	// SecretStore is the cluster-wide store reading Secrets Manager with
	// the external-secrets controller's own IAM role.
	SecretStore = "aws-secrets-manager"

	// SecretSessionToken holds an owner's API token (key "token") for the
	// Day-1/2 runner; SecretFluxGit is Flux's Git credentials.
	SecretSessionToken    = "coder-session-token"
	SecretSessionTokenKey = "token"
	SecretFluxGit         = "flux-system"
	// SecretLicense holds the Coder Premium license for the Day-1/2 runner,
	// under the key of the module's variable (tofu-controller's varsFrom
	// maps keys to variables).
	SecretLicense    = "coder-license"
	SecretLicenseKey = names.LicenseVariable
)

// dbURLTemplate builds coderd's connection URL from the DB secret's JSON
// fields (host, port, dbname, username: written by Day 0 under a fixed
// name). It holds no password: coderd (CODER_PG_AUTH=awsiamrds) puts a
// fresh IAM auth token into the URL for every connection. verify-full
// checks Aurora's certificate against the RDS CA bundle the coderd pod
// fetches at start (model/helm, schema.database).
func dbURLTemplate(db config.Database) string {
	return "postgres://{{ .username | urlquery }}@{{ .host }}:{{ .port }}/{{ .dbname }}?sslmode=verify-full&sslrootcert=" + db.CABundlePath()
}

// Refresh intervals: secrets written after Day 0 (the provisioner key, the
// session token, the license) are polled more often so they arrive soon
// after they are stored.
const (
	refreshStable = "1h"
	refreshLate   = "10m"
)

func externalSecrets(c *config.Environment, n names.Names, db config.Database) []any {
	out := []any{
		secretStore(c, namespaces()),
		dbURL(n, db),
		single(helm.SecretOIDC, names.CoderNamespace, helm.SecretClientSecretKey, c.OIDCClientSecretARN, refreshStable),
	}
	if c.ExternalAuthClientID != "" {
		out = append(out, single(helm.SecretExternalAuth, names.CoderNamespace, helm.SecretClientSecretKey, c.ExternalAuthClientSecretARN, refreshStable))
	}
	return append(out,
		provisionerKey(n),
		single(SecretSessionToken, names.FluxNamespace, SecretSessionTokenKey, n.Secrets.SessionToken, refreshLate),
		single(SecretLicense, names.FluxNamespace, SecretLicenseKey, n.Secrets.License, refreshLate),
		fluxGitCredentials(n),
	)
}

// SecretStoreNamespaces may use the store; no other namespace can read
// the environment's secrets through it. A cluster's store lists only those
// of them its tree creates (and Flux's, created by flux install), so a
// namespace created there later by someone else gains nothing.
var SecretStoreNamespaces = []string{names.CoderNamespace, names.ProvisionerNamespace, names.FluxNamespace}

func secretStore(c *config.Environment, created []any) any {
	exists := map[string]bool{names.FluxNamespace: true}
	for _, o := range created {
		if ns, ok := o.(*corev1.Namespace); ok {
			exists[ns.Name] = true
		}
	}
	var allowed []string
	for _, ns := range SecretStoreNamespaces {
		if exists[ns] {
			allowed = append(allowed, ns)
		}
	}
	return custom(esAPI, "ClusterSecretStore", SecretStore, "", map[string]any{
		"provider": map[string]any{
			"aws": map[string]any{"service": "SecretsManager", "region": c.AWSRegion},
		},
		"conditions": []any{map[string]any{"namespaces": allowed}},
	})
}

func storeRef() map[string]any {
	return map[string]any{"kind": "ClusterSecretStore", "name": SecretStore}
}

// single copies one Secrets Manager secret (a plain string) into one key.
func single(name, namespace, key, remote, refresh string) any {
	return custom(esAPI, "ExternalSecret", name, namespace, map[string]any{
		"refreshInterval": refresh,
		"secretStoreRef":  storeRef(),
		"target":          map[string]any{"name": name, "creationPolicy": "Owner"},
		"data": []any{map[string]any{
			"secretKey": key,
			"remoteRef": map[string]any{"key": remote},
		}},
	})
}

// dbURL reads the DB secret by its name (GetSecretValue only; no tag
// search, which external-secrets implements with BatchGetSecretValue) and
// writes the connection URL.
func dbURL(n names.Names, db config.Database) any {
	return custom(esAPI, "ExternalSecret", helm.SecretDBURL, names.CoderNamespace, map[string]any{
		"refreshInterval": refreshStable,
		"secretStoreRef":  storeRef(),
		"target": map[string]any{
			"name":           helm.SecretDBURL,
			"creationPolicy": "Owner",
			"template": map[string]any{
				"engineVersion": "v2",
				"data":          map[string]string{helm.SecretDBURLKey: dbURLTemplate(db)},
			},
		},
		"dataFrom": []any{
			map[string]any{"extract": map[string]any{"key": n.Secrets.DB}},
		},
	})
}

// fluxGitCredentials keeps Flux's Git secret in step with Secrets Manager
// (deploy-key rotation). The operator creates the Secret once at bootstrap,
// before external-secrets exists, so this merges into it instead of owning
// it.
func fluxGitCredentials(n names.Names) any {
	return custom(esAPI, "ExternalSecret", SecretFluxGit, names.FluxNamespace, map[string]any{
		"refreshInterval": refreshStable,
		"secretStoreRef":  storeRef(),
		"target":          map[string]any{"name": SecretFluxGit, "creationPolicy": "Merge"},
		"dataFrom":        []any{map[string]any{"extract": map[string]any{"key": n.Secrets.FluxGit}}},
	})
}

// provisionerKey copies the provisioner key and, in the same Secret (so
// both change in one write), its SHA-256 under helm.SecretProvKeyHashKey.
// The Secret is labelled for helm-controller to watch: the provisioner
// release reads the hash into a pod annotation (valuesFrom), so a rotated
// key rolls the provisioners onto it without anyone restarting them, and
// no pod or release carries the key itself.
func provisionerKey(n names.Names) any {
	es := single(helm.SecretProvKey, names.ProvisionerNamespace, helm.SecretProvKeyKey, n.Secrets.ProvisionerKey, refreshLate).(map[string]any)
	spec := es["spec"].(map[string]any)
	spec["target"].(map[string]any)["template"] = map[string]any{
		"engineVersion": "v2",
		"metadata":      map[string]any{"labels": map[string]string{WatchLabel: "Enabled"}},
		"data": map[string]string{
			helm.SecretProvKeyKey:     "{{ ." + helm.SecretProvKeyKey + " }}",
			helm.SecretProvKeyHashKey: "{{ ." + helm.SecretProvKeyKey + " | sha256sum }}",
		},
	}
	return es
}

// WatchLabel makes helm-controller reconcile a release when a Secret or
// ConfigMap its valuesFrom names changes.
const WatchLabel = "reconcile.fluxcd.io/watch"
