package policy

import (
	"encoding/json"
	"regexp"
	"sort"
	"strings"
)

// secretPatterns are shapes of credentials that must never be rendered.
var secretPatterns = []struct {
	name string
	re   *regexp.Regexp
}{
	{"private key", regexp.MustCompile(`-----BEGIN [A-Z ]*PRIVATE KEY-----`)},
	{"AWS access key ID", regexp.MustCompile(`\b(AKIA|ASIA)[0-9A-Z]{16}\b`)},
	{"AWS secret access key", regexp.MustCompile(`(?i)aws_secret_access_key\s*[:=]\s*["']?[A-Za-z0-9/+=]{40}`)},
	{"GitHub token", regexp.MustCompile(`\bgh[pousr]_[A-Za-z0-9]{36,}\b`)},
	{"Slack token", regexp.MustCompile(`\bxox[abprs]-[A-Za-z0-9-]{10,}`)},
	{"JSON web token", regexp.MustCompile(`\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}`)},
	{"Coder session token", regexp.MustCompile(`\b[A-Za-z0-9]{10}-[A-Za-z0-9]{22}\b`)},
	{"password assignment", regexp.MustCompile(`(?i)\b(password|passwd|pwd|secret|token)\s*[:=]\s*["'][^"'$\s{]{6,}["']`)},
	{"credentials in a URL", regexp.MustCompile(`[a-z][a-z0-9+.-]*://[^/\s:@"']+:[^/\s@"'$]+@`)},
}

// secretField is a key whose value would be a secret, unless it names one
// (ARN, ID, name, key) or switches a feature.
var (
	secretField = regexp.MustCompile(`(?i)(password|passwd|secret|token|private_key|credential)`)
	refField    = regexp.MustCompile(`(?i)(_arn|_id|_name|_kms_key_id|_version|_type|_wo_version)$`)
)

// settingFields match secretField but switch features: IMDS's
// http_tokens takes "required" or "optional".
var settingFields = map[string]bool{"http_tokens": true}

// ScanText reports credential-shaped strings in any file.
func ScanText(data []byte) []string {
	var out []string
	for _, p := range secretPatterns {
		if loc := p.re.Find(data); loc != nil {
			out = append(out, p.name+": "+truncate(string(loc)))
		}
	}
	return out
}

// ScanJSON reports secret-like fields of a JSON document whose value is a
// literal: only "", references ("${...}"), ARNs, booleans and numbers may
// stand there.
func ScanJSON(data []byte) ([]string, error) {
	var doc any
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	var out []string
	walk(doc, "", func(path, key string, v any) {
		s, ok := v.(string)
		if !ok || !secretField.MatchString(key) || refField.MatchString(key) || settingFields[key] {
			return
		}
		if s == "" || strings.HasPrefix(s, "arn:") || isReference(s) {
			return
		}
		out = append(out, path+": literal value in secret-like field")
	})
	sort.Strings(out)
	return out, nil
}

// isReference is a whole-value Terraform expression without string
// literals of its own that could hide a secret.
func isReference(s string) bool {
	if !strings.HasPrefix(s, "${") || !strings.HasSuffix(s, "}") {
		return false
	}
	return !regexp.MustCompile(`(?i)(password|passwd|token)\s*=\s*"[^"]+"`).MatchString(s)
}

func walk(v any, path string, fn func(path, key string, v any)) {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			p := path + "." + k
			fn(p, k, e)
			walk(e, p, fn)
		}
	case []any:
		for _, e := range t {
			walk(e, path+"[]", fn)
		}
	}
}

func truncate(s string) string {
	if len(s) > 12 {
		return s[:12] + "…"
	}
	return s
}
