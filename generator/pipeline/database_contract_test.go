package pipeline

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/coder-eks/coder-eks/generator/internal/load"
	"github.com/coder-eks/coder-eks/test/jsondoc"
)

// These tests read the committed tree (rendered/, kept current by
// `go run ./generator -check`) against the contracts written down in
// schema/database.cue and schema/external_secrets.cue.

const renderedRoot = "../../rendered"

func yamlDocs(t *testing.T, path string) []map[string]any {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var out []map[string]any
	for {
		var d map[string]any
		if err := dec.Decode(&d); errors.Is(err, io.EOF) {
			return out
		} else if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if d != nil {
			out = append(out, d)
		}
	}
}

func strs(v any) []string {
	var out []string
	l, _ := v.([]any)
	for _, x := range l {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// clusterTree is one cluster's manifests and its Day-0 module.
type clusterTree struct{ k8s, infra string }

func clusterTrees(t *testing.T) []clusterTree {
	t.Helper()
	envs, err := load.Discover("../..")
	if err != nil {
		t.Fatal(err)
	}
	var out []clusterTree
	for _, e := range envs {
		dir := filepath.Join(renderedRoot, e)
		out = append(out, clusterTree{filepath.Join(dir, "k8s"), filepath.Join(dir, "terraform", "infra")})
		regions, _ := filepath.Glob(filepath.Join(dir, "regions", "*"))
		for _, r := range regions {
			out = append(out, clusterTree{filepath.Join(r, "k8s"), filepath.Join(dir, "terraform", "infra-"+filepath.Base(r))})
		}
	}
	if len(out) == 0 {
		t.Fatal("no rendered environments")
	}
	return out
}

var tfAttrRef = regexp.MustCompile(`^\$\{(aws_secretsmanager_secret\.[a-z0-9_]+)\.arn\}$`)

// secretNameMatches: a policy resource is the secret's ARN (a reference
// to the module's aws_secretsmanager_secret of that name) or an ARN pattern
// ending in the name and Secrets Manager's six random characters.
func secretNameMatches(resource, name string, byAddr map[string]string) bool {
	if m := tfAttrRef.FindStringSubmatch(resource); m != nil {
		return byAddr[m[1]] == name
	}
	return resource == name || strings.HasSuffix(resource, ":secret:"+name+"-??????") || resource == "*"
}

// TestExternalSecretsCallsAllowed (issue 10 item 1): every call the
// external-secrets controller makes for the ExternalSecrets of a cluster
// (schema.external_secrets_calls) is allowed by its IRSA role's policy,
// for the very secret it reads.
func TestExternalSecretsCallsAllowed(t *testing.T) {
	env, err := load.Load("../..", "prod")
	if err != nil {
		t.Fatal(err)
	}
	calls := env.Catalog.ExternalSecretsCalls
	for _, tree := range clusterTrees(t) {
		t.Run(tree.k8s, func(t *testing.T) {
			iam := jsondoc.Read(t, filepath.Join(tree.infra, "iam.tf.json"))
			var stmts []map[string]any
			for _, s := range jsondoc.Dig(iam, "data", "aws_iam_policy_document", "external_secrets", "statement").([]any) {
				stmts = append(stmts, s.(map[string]any))
			}
			byAddr := map[string]string{}
			files, _ := filepath.Glob(filepath.Join(tree.infra, "*.tf.json"))
			for _, f := range files {
				secrets, _ := jsondoc.Dig(jsondoc.Read(t, f), "resource", "aws_secretsmanager_secret").(map[string]any)
				for k, v := range secrets {
					byAddr["aws_secretsmanager_secret."+k], _ = jsondoc.Dig(v, "name").(string)
				}
			}
			allowed := func(action, secret string) bool {
				for _, s := range stmts {
					if !slices.Contains(strs(s["actions"]), action) {
						continue
					}
					for _, r := range strs(s["resources"]) {
						if (secret == "" && r == "*") || (secret != "" && secretNameMatches(r, secret, byAddr)) {
							return true
						}
					}
				}
				return false
			}
			for _, doc := range yamlDocs(t, filepath.Join(tree.k8s, "external-secrets.yaml")) {
				if doc["kind"] != "ExternalSecret" {
					continue
				}
				name := jsondoc.Dig(doc, "metadata", "name")
				check := func(ref, secret string) {
					c, ok := calls[ref]
					if !ok {
						t.Errorf("ExternalSecret %v uses %s, which schema.external_secrets_calls does not describe", name, ref)
						return
					}
					for _, a := range c.PerSecret {
						if secret != "" && !allowed(a, secret) {
							t.Errorf("ExternalSecret %v (%s %s) needs %s on it: the external_secrets policy does not allow it", name, ref, secret, a)
						}
					}
					for _, a := range c.AccountWide {
						if !allowed(a, "") {
							t.Errorf("ExternalSecret %v (%s) needs %s on \"*\": the external_secrets policy does not allow it", name, ref, a)
						}
					}
				}
				data, _ := jsondoc.Dig(doc, "spec", "data").([]any)
				for _, d := range data {
					key, _ := jsondoc.Dig(d, "remoteRef", "key").(string)
					check("data.remoteRef", key)
				}
				df, _ := jsondoc.Dig(doc, "spec", "dataFrom").([]any)
				for _, d := range df {
					if key, ok := jsondoc.Dig(d, "extract", "key").(string); ok {
						check("dataFrom.extract", key)
					}
					if jsondoc.Dig(d, "find", "tags") != nil {
						check("dataFrom.find.tags", "")
					} else if jsondoc.Dig(d, "find", "name") != nil {
						check("dataFrom.find.name", "")
					}
				}
			}
		})
	}
}

// TestCoderdConnectsWithIAMAuth (issue 10 item 9): coderd logs in as its
// own database role with IAM auth tokens (schema.database), verifies the
// server against the RDS CA bundle mounted in its container, and that role
// is the one rds-db:connect is granted on and the Day-0 DB secret names.
func TestCoderdConnectsWithIAMAuth(t *testing.T) {
	env, err := load.Load("../..", "prod")
	if err != nil {
		t.Fatal(err)
	}
	db := env.Catalog.Database
	envs, _ := load.Discover("../..")
	for _, e := range envs {
		t.Run(e, func(t *testing.T) {
			dir := filepath.Join(renderedRoot, e)
			values := yamlDocs(t, filepath.Join(dir, "helm", "coder.values.yaml"))[0]
			vars := map[string]string{}
			for _, v := range jsondoc.Dig(values, "coder", "env").([]any) {
				n, _ := jsondoc.Dig(v, "name").(string)
				val, _ := jsondoc.Dig(v, "value").(string)
				vars[n] = val
			}
			if got := vars[db.CoderAuth.Env]; got != db.CoderAuth.Value {
				t.Errorf("coder env %s = %q, want %q (schema.database.coder_auth)", db.CoderAuth.Env, got, db.CoderAuth.Value)
			}
			if vars["AWS_REGION"] == "" {
				t.Errorf("coder env has no AWS_REGION: the awsiamrds driver signs tokens for the SDK's default region")
			}
			mounted := false
			mounts, _ := jsondoc.Dig(values, "coder", "volumeMounts").([]any)
			for _, m := range mounts {
				mounted = mounted || jsondoc.Dig(m, "mountPath") == db.CABundleDir
			}
			if !mounted {
				t.Errorf("coderd container mounts nothing at %s, where sslrootcert points", db.CABundleDir)
			}
			var url string
			for _, doc := range yamlDocs(t, filepath.Join(dir, "k8s", "external-secrets.yaml")) {
				if jsondoc.Dig(doc, "metadata", "name") == "coder-db-url" {
					url, _ = jsondoc.Dig(doc, "spec", "target", "template", "data", "url").(string)
				}
			}
			for _, want := range []string{"sslmode=verify-full", "sslrootcert=" + db.CABundlePath()} {
				if !strings.Contains(url, want) {
					t.Errorf("coder-db-url template %q lacks %s", url, want)
				}
			}
			if strings.Contains(url, "password") {
				t.Errorf("coder-db-url template %q carries a password; IAM auth puts a token in per connection", url)
			}
			aurora := jsondoc.Read(t, filepath.Join(dir, "terraform", "infra", "aurora.tf.json"))
			secret, _ := jsondoc.Dig(aurora, "resource", "aws_secretsmanager_secret_version", "db", "secret_string").(string)
			if !strings.Contains(secret, `username = "`+db.AppUser+`"`) {
				t.Errorf("DB secret %s does not name %s as username", secret, db.AppUser)
			}
			iam := jsondoc.Read(t, filepath.Join(dir, "terraform", "infra", "iam.tf.json"))
			found := false
			for _, s := range jsondoc.Dig(iam, "data", "aws_iam_policy_document", "coderd", "statement").([]any) {
				if slices.Contains(strs(jsondoc.Dig(s, "actions")), "rds-db:connect") {
					for _, r := range strs(jsondoc.Dig(s, "resources")) {
						found = found || strings.HasSuffix(r, "/"+db.AppUser)
					}
				}
			}
			if !found {
				t.Errorf("coderd's policy grants rds-db:connect on no dbuser/.../%s", db.AppUser)
			}
		})
	}
}

// TestSecretStoreNamespacesExist (issue 10 item 22): a cluster's
// ClusterSecretStore admits only namespaces its own tree creates (or
// flux-system, which flux install creates); naming another leaves the
// environment's secrets to whoever creates that namespace later.
func TestSecretStoreNamespacesExist(t *testing.T) {
	for _, tree := range clusterTrees(t) {
		t.Run(tree.k8s, func(t *testing.T) {
			exists := map[string]bool{"flux-system": true}
			for _, doc := range yamlDocs(t, filepath.Join(tree.k8s, "namespaces.yaml")) {
				if doc["kind"] == "Namespace" {
					exists[jsondoc.Dig(doc, "metadata", "name").(string)] = true
				}
			}
			for _, doc := range yamlDocs(t, filepath.Join(tree.k8s, "external-secrets.yaml")) {
				if doc["kind"] != "ClusterSecretStore" {
					continue
				}
				conds, _ := jsondoc.Dig(doc, "spec", "conditions").([]any)
				for _, c := range conds {
					for _, ns := range strs(jsondoc.Dig(c, "namespaces")) {
						if !exists[ns] {
							t.Errorf("ClusterSecretStore %v admits namespace %s, which this cluster's tree does not create", jsondoc.Dig(doc, "metadata", "name"), ns)
						}
					}
				}
			}
		})
	}
}

// TestBucketNamesCarryTheAccount (issue 10 item 22): S3 bucket names are
// global across every AWS account; a name without the account ID may be
// taken already, and the first apply fails with BucketAlreadyExists.
func TestBucketNamesCarryTheAccount(t *testing.T) {
	envs, _ := load.Discover("../..")
	for _, e := range envs {
		env, err := load.Load("../..", e)
		if err != nil {
			t.Fatal(err)
		}
		files, _ := filepath.Glob(filepath.Join(renderedRoot, e, "terraform", "*", "*.tf.json"))
		for _, f := range files {
			doc := jsondoc.Read(t, f)
			buckets, _ := jsondoc.Dig(doc, "resource", "aws_s3_bucket").(map[string]any)
			for k, b := range buckets {
				name, _ := jsondoc.Dig(b, "bucket").(string)
				if !strings.HasSuffix(name, "-"+env.Config.AccountID) {
					t.Errorf("%s: aws_s3_bucket.%s bucket %q does not end in the account ID %s", f, k, name, env.Config.AccountID)
				}
			}
			if backend, ok := jsondoc.Dig(doc, "terraform", "backend", "s3").(map[string]any); ok {
				if name, _ := backend["bucket"].(string); !strings.HasSuffix(name, "-"+env.Config.AccountID) {
					t.Errorf("%s: state bucket %q does not end in the account ID", f, name)
				}
			}
		}
	}
}
