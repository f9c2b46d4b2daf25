package policy

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestNoSecretInRendered scans every file under rendered/ for credentials
// and every JSON file for literal values in secret-like fields.
func TestNoSecretInRendered(t *testing.T) {
	files := 0
	err := filepath.WalkDir("../../rendered", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		files++
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, f := range ScanText(data) {
			t.Errorf("%s: %s", path, f)
		}
		if strings.HasSuffix(path, ".json") {
			found, err := ScanJSON(data)
			if err != nil {
				t.Errorf("%s: %v", path, err)
			}
			for _, f := range found {
				t.Errorf("%s: %s", path, f)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files == 0 {
		t.Fatal("nothing rendered to scan")
	}
}

func TestScanTextCatchesSecrets(t *testing.T) {
	for _, tt := range []struct{ name, text string }{
		{"private key", "key: |\n  -----BEGIN RSA PRIVATE KEY-----\n  MIIE..."},
		{"access key", `"access_key": "AKIAIOSFODNN7EXAMPLE"`},
		{"secret key", "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"},
		{"github", "token ghp_0123456789abcdefghijklmnopqrstuvwxyzAB"},
		{"coder token", "CODER_SESSION_TOKEN=AbCdEfGhIj-0123456789abcdefghijkl"},
		{"password", `password: "hunter2hunter2"`},
		{"url", "postgres://coder:s3cr3tpass@db.example.com:5432/coder"},
		{"jwt", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abc"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if len(ScanText([]byte(tt.text))) == 0 {
				t.Errorf("ScanText missed %q", tt.text)
			}
		})
	}
}

func TestScanTextAllowsReferences(t *testing.T) {
	for _, text := range []string{
		`"oidc_client_secret_arn": "arn:aws:secretsmanager:us-east-1:111122223333:secret:coder/prod/oidc-AbCdEf"`,
		`"manage_master_user_password": true`,
		`"url": "https://coder.example.com"`,
		`"secret_string": "${jsonencode({host = aws_rds_cluster.this.endpoint})}"`,
	} {
		if f := ScanText([]byte(text)); len(f) > 0 {
			t.Errorf("ScanText flagged %q: %v", text, f)
		}
	}
}

func TestScanJSON(t *testing.T) {
	for _, tt := range []struct {
		name string
		doc  string
		bad  bool
	}{
		{"literal master password", `{"resource":{"aws_rds_cluster":{"x":{"master_password":"hunter2"}}}}`, true},
		{"literal secret string", `{"resource":{"aws_secretsmanager_secret_version":{"x":{"secret_string":"{\"password\":\"p\"}"}}}}`, true},
		{"password inside an expression", `{"x":{"secret_string":"${jsonencode({password = \"hunter2\"})}"}}`, true},
		{"literal client secret", `{"x":{"client_secret":"s3cr3t-value"}}`, true},
		{"token in values", `{"coder":{"env":[{"name":"X","token":"abc123"}]}}`, true},
		{"managed password", `{"x":{"manage_master_user_password":true,"master_user_secret_kms_key_id":"${aws_kms_key.rds.arn}"}}`, false},
		{"reference", `{"x":{"secret_string":"${jsonencode({host = aws_rds_cluster.this.endpoint})}"}}`, false},
		{"arn", `{"x":{"client_secret":"arn:aws:secretsmanager:us-east-1:111122223333:secret:x"}}`, false},
		{"empty admin token", `{"x":{"coder_admin_token":""}}`, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			found, err := ScanJSON([]byte(tt.doc))
			if err != nil {
				t.Fatal(err)
			}
			if got := len(found) > 0; got != tt.bad {
				t.Errorf("ScanJSON(%s) found %v, want a finding: %t", tt.doc, found, tt.bad)
			}
		})
	}
}
