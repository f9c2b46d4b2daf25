// Package jsondoc reads a rendered JSON file (Terraform JSON, a Coder
// template's main.tf.json) as generic JSON and digs into it, for tests that
// check one value of the committed tree.
package jsondoc

import (
	"encoding/json"
	"os"
	"testing"
)

// Read decodes the JSON object in path; a missing or malformed file fails
// tb, naming the path.
func Read(tb testing.TB, path string) map[string]any {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	return doc
}

// Dig follows object keys from v: Dig(doc, "resource", "aws_s3_bucket") is
// doc["resource"]["aws_s3_bucket"]. It returns nil where a key is missing
// or a value on the way is not an object.
func Dig(v any, path ...string) any {
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[p]
	}
	return v
}
