package iam

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"sigs.k8s.io/yaml"
)

// esoSource is where External Secrets' AWS calls come from.
const esoSource = "external-secrets v0.20.4 pkg/provider/aws/secretsmanager/secretsmanager.go"

// ESORequests derives the Secrets Manager requests External Secrets makes
// for the ExternalSecrets rendered for a module's cluster:
//   - data[].remoteRef.key and dataFrom[].extract.key: GetSecretValue on
//     the secret (fetch);
//   - dataFrom[].find.tags: BatchGetSecretValue with tag filters
//     (findByTags → fetchWithBatch), which AWS authorizes as
//     BatchGetSecretValue on "*", ListSecrets on "*" (filters) and
//     GetSecretValue on each secret returned (AWS Secrets Manager API
//     Reference, BatchGetSecretValue, "Required permissions");
//   - dataFrom[].find.name: ListSecrets, then GetSecretValue (findByName).
func ESORequests(e *Env, m *Module) ([]Request, error) {
	file := filepath.Join(e.Root, "k8s", "external-secrets.yaml")
	if region := strings.TrimPrefix(m.Name, "infra-"); region != m.Name {
		file = filepath.Join(e.Root, "regions", region, "k8s", "external-secrets.yaml")
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("External Secrets of %s/%s: %w", e.Name, m.Name, err)
	}
	var out []Request
	secretARN := func(key string) string {
		if strings.HasPrefix(key, "arn:") {
			return key
		}
		return "arn:${partition}:secretsmanager:${region}:${account}:secret:" + key + SecretSuffix
	}
	get := func(name, key, how string) Request {
		return Request{Action: "secretsmanager:GetSecretValue", Resource: secretARN(key),
			Source: esoSource + " (" + how + "; ExternalSecret " + name + ")"}
	}
	for _, d := range bytes.Split(raw, []byte("\n---\n")) {
		var obj struct {
			Kind     string
			Metadata struct{ Name, Namespace string }
			Spec     struct {
				Provider struct{ AWS struct{ Region string } }
				Data     []struct{ RemoteRef struct{ Key string } }
				DataFrom []struct {
					Extract *struct{ Key string }
					Find    *struct {
						Tags map[string]string
						Name *struct{ RegExp string }
					}
				}
			}
		}
		if err := yaml.Unmarshal(d, &obj); err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		name := obj.Metadata.Namespace + "/" + obj.Metadata.Name
		switch obj.Kind {
		case "ClusterSecretStore", "SecretStore":
			if r := obj.Spec.Provider.AWS.Region; r != m.Region {
				return nil, fmt.Errorf("%s: %s %s reads region %q, the module's is %q", file, obj.Kind, name, r, m.Region)
			}
			continue
		case "ExternalSecret":
		default:
			continue
		}
		for _, dt := range obj.Spec.Data {
			out = append(out, get(name, dt.RemoteRef.Key, "GetSecret → fetch"))
		}
		for _, df := range obj.Spec.DataFrom {
			switch {
			case df.Extract != nil:
				out = append(out, get(name, df.Extract.Key, "GetSecretMap → fetch"))
			case df.Find != nil && len(df.Find.Tags) > 0:
				src := esoSource + " (GetAllSecrets → findByTags → fetchWithBatch; ExternalSecret " + name + ")"
				out = append(out,
					Request{Action: "secretsmanager:BatchGetSecretValue", Resource: "*", Source: src},
					Request{Action: "secretsmanager:ListSecrets", Resource: "*", Source: src})
				matched, err := secretsTagged(df.Find.Tags)
				if err != nil {
					return nil, fmt.Errorf("%s: ExternalSecret %s: %w", file, name, err)
				}
				out = append(out, Request{Action: "secretsmanager:GetSecretValue", Resource: matched, Source: src})
			case df.Find != nil:
				src := esoSource + " (GetAllSecrets → findByName; ExternalSecret " + name + ")"
				out = append(out, Request{Action: "secretsmanager:ListSecrets", Resource: "*", Source: src})
			}
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no ExternalSecret", file)
	}
	return out, nil
}

// secretsTagged is the secret a tag search finds: the tags AWS puts on
// the secrets it manages.
func secretsTagged(tags map[string]string) (string, error) {
	if _, ok := tags["aws:rds:primaryDBClusterArn"]; ok {
		// RDS tags the master user secret it manages with its cluster
		// (Amazon RDS User Guide, rds-secrets-manager).
		return "${aws_rds_cluster.this.master_user_secret[0].secret_arn}", nil
	}
	return "", fmt.Errorf("cannot tell which secret the tags %v select; teach test/iam/eso.go", tags)
}
