package s3bucket

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/coder-eks/coder-eks/generator/internal/render/tfjson"
)

// rendered is a module holding one bucket, decoded back from its JSON.
type rendered struct {
	Resource map[string]map[string]map[string]any
	Data     map[string]map[string]map[string]any
}

func render(t *testing.T, b Bucket) (string, rendered, []byte) {
	t.Helper()
	f := tfjson.NewFile("test")
	// The key the caller passes: a bucket is encrypted with a key of the
	// same module.
	f.Resource("aws_kms_key", "k", tfjson.Body{})
	addr := Render(f, b)
	data, err := f.Encode()
	if err != nil {
		t.Fatal(err)
	}
	var m rendered
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	return addr, m, data
}

// TestBaseline proves every bucket gets the whole baseline, whatever else
// it asks for: versioning, SSE-KMS with the given key, public access
// blocked, ACLs disabled, a TLS-only policy, and incomplete uploads
// aborted, all referring to the bucket itself.
func TestBaseline(t *testing.T) {
	for _, tc := range []struct {
		name string
		b    Bucket
	}{
		{"plain", Bucket{Key: "logs", Name: "coder-prod-logs-111122223333", KMSKeyARN: "${aws_kms_key.k.arn}"}},
		{"with a statement and expiry", Bucket{Key: "flow", Name: "flow-111122223333", KMSKeyARN: "${aws_kms_key.k.arn}", ExpireDays: 30,
			Statements: []tfjson.Body{{"sid": "Delivery", "effect": "Allow", "actions": []string{"s3:PutObject"}}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			addr, m, data := render(t, tc.b)
			if want := "aws_s3_bucket." + tc.b.Key; addr != want {
				t.Errorf("Render returned %q, want %q", addr, want)
			}
			if got := m.Resource["aws_s3_bucket"][tc.b.Key]["bucket"]; got != tc.b.Name {
				t.Errorf("bucket name = %v, want %s", got, tc.b.Name)
			}
			for _, typ := range []string{"aws_s3_bucket_versioning", "aws_s3_bucket_server_side_encryption_configuration",
				"aws_s3_bucket_public_access_block", "aws_s3_bucket_ownership_controls",
				"aws_s3_bucket_lifecycle_configuration", "aws_s3_bucket_policy"} {
				r, ok := m.Resource[typ][tc.b.Key]
				if !ok {
					t.Errorf("no %s.%s", typ, tc.b.Key)
					continue
				}
				if r["bucket"] != "${aws_s3_bucket."+tc.b.Key+".id}" {
					t.Errorf("%s.bucket = %v, not the bucket's id", typ, r["bucket"])
				}
			}
			block := m.Resource["aws_s3_bucket_public_access_block"][tc.b.Key]
			for _, k := range []string{"block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"} {
				if block[k] != true {
					t.Errorf("public access block %s = %v", k, block[k])
				}
			}
			sse := m.Resource["aws_s3_bucket_server_side_encryption_configuration"][tc.b.Key]
			want := []any{map[string]any{"bucket_key_enabled": true, "apply_server_side_encryption_by_default": []any{
				map[string]any{"sse_algorithm": "aws:kms", "kms_master_key_id": tc.b.KMSKeyARN}}}}
			if diff := cmp.Diff(want, sse["rule"]); diff != "" {
				t.Errorf("encryption rule (-want +got):\n%s", diff)
			}
			// The policy is applied after the public access block: AWS
			// refuses a policy granting a service principal before.
			policy := m.Resource["aws_s3_bucket_policy"][tc.b.Key]
			if diff := cmp.Diff([]any{"aws_s3_bucket_public_access_block." + tc.b.Key}, policy["depends_on"]); diff != "" {
				t.Errorf("policy depends_on (-want +got):\n%s", diff)
			}
			stmts := m.Data["aws_iam_policy_document"]["bucket_"+tc.b.Key]["statement"].([]any)
			if len(stmts) != 1+len(tc.b.Statements) {
				t.Fatalf("%d statements, want the TLS-only one and %d more", len(stmts), len(tc.b.Statements))
			}
			tls := stmts[0].(map[string]any)
			arn := "${aws_s3_bucket." + tc.b.Key + ".arn}"
			if tls["effect"] != "Deny" || !slices.Equal(anyStrings(tls["resources"]), []string{arn, arn + "/*"}) {
				t.Errorf("first statement is not the TLS-only deny on the bucket and its objects: %v", tls)
			}
			cond := tls["condition"].([]any)[0].(map[string]any)
			if cond["variable"] != "aws:SecureTransport" || !slices.Equal(anyStrings(cond["values"]), []string{"false"}) {
				t.Errorf("TLS-only condition = %v", cond)
			}
			for i, s := range tc.b.Statements {
				if stmts[i+1].(map[string]any)["sid"] != s["sid"] {
					t.Errorf("statement %d = %v, want %v after the TLS-only one", i+1, stmts[i+1], s)
				}
			}
			unresolved, err := tfjson.Unresolved(map[string][]byte{"main.tf.json": data})
			if err != nil {
				t.Fatal(err)
			}
			if len(unresolved) > 0 {
				t.Errorf("references to nothing: %v", unresolved)
			}
		})
	}
}

// TestLifecycle proves objects are kept unless ExpireDays is set, and
// then both current and noncurrent versions expire after that many days.
func TestLifecycle(t *testing.T) {
	abort := map[string]any{"id": "abort-incomplete-uploads", "status": "Enabled", "filter": []any{map[string]any{}},
		"abort_incomplete_multipart_upload": []any{map[string]any{"days_after_initiation": 7.0}}}
	for _, tc := range []struct {
		days int
		want []any
	}{
		{0, []any{abort}},
		{90, []any{abort, map[string]any{"id": "expire", "status": "Enabled", "filter": []any{map[string]any{}},
			"expiration":                    []any{map[string]any{"days": 90.0}},
			"noncurrent_version_expiration": []any{map[string]any{"noncurrent_days": 90.0}}}}},
	} {
		_, m, _ := render(t, Bucket{Key: "b", Name: "b", KMSKeyARN: "${aws_kms_key.k.arn}", ExpireDays: tc.days})
		got := m.Resource["aws_s3_bucket_lifecycle_configuration"]["b"]["rule"]
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("ExpireDays %d: lifecycle rules (-want +got):\n%s", tc.days, diff)
		}
	}
}

func anyStrings(v any) []string {
	var out []string
	for _, e := range v.([]any) {
		s, _ := e.(string)
		out = append(out, s)
	}
	return out
}
