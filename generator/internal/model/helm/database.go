package helm

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"

	"github.com/coder-eks/coder-eks/generator/internal/config"
)

// rdsCAVolume holds the RDS CA bundle coderd verifies Aurora's certificate
// with (sslmode=verify-full): an emptyDir the init container fills at pod
// start, mounted read-only into coderd at schema.database.ca_bundle_dir.
const rdsCAVolume = "rds-ca"

// CABundleURL is the partition's RDS CA bundle (schema.database).
func CABundleURL(db config.Database, partition string) (string, error) {
	u, ok := db.CABundleURLs[partition]
	if !ok {
		return "", fmt.Errorf("schema.database.ca_bundle_urls has no RDS CA bundle for partition %q", partition)
	}
	return u, nil
}

// dbEnv makes coderd sign an IAM auth token for each new connection
// (schema.database.coder_auth); the AWS SDK's default config reads the
// region from AWS_REGION, which the token is signed for.
func dbEnv(c *config.Environment, db config.Database) []corev1.EnvVar {
	return []corev1.EnvVar{
		fromSecret("CODER_PG_CONNECTION_URL", SecretDBURL, SecretDBURLKey),
		value(db.CoderAuth.Env, db.CoderAuth.Value),
		value("AWS_REGION", c.AWSRegion),
	}
}

// rdsCAInit fetches the bundle with the coder image's own curl (the base
// image installs it: coder scripts/Dockerfile.base) over HTTPS verified by
// the image's public trust store. A failed fetch keeps the pod from
// starting rather than letting coderd connect unverified.
func rdsCAInit(c *config.Environment, db config.Database, url string) map[string]any {
	return map[string]any{
		"name":    "fetch-rds-ca",
		"image":   "ghcr.io/coder/coder:v" + c.CoderVersion,
		"command": []string{"curl", "--fail", "--silent", "--show-error", "--retry", "5", "--proto", "=https", "-o", db.CABundlePath(), url},
		"securityContext": map[string]any{
			"runAsNonRoot":             true,
			"allowPrivilegeEscalation": false,
			"readOnlyRootFilesystem":   true,
			"capabilities":             map[string]any{"drop": []string{"ALL"}},
		},
		"resources": map[string]any{
			"requests": map[string]string{"cpu": "10m", "memory": "32Mi"},
			"limits":   map[string]string{"memory": "64Mi"},
		},
		"volumeMounts": []map[string]any{{"name": rdsCAVolume, "mountPath": db.CABundleDir}},
	}
}

func rdsCAVolumes() []map[string]any {
	return []map[string]any{{"name": rdsCAVolume, "emptyDir": map[string]any{"sizeLimit": "4Mi"}}}
}

func rdsCAMounts(db config.Database) []map[string]any {
	return []map[string]any{{"name": rdsCAVolume, "mountPath": db.CABundleDir, "readOnly": true}}
}
