package infra

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/coder-eks/coder-eks/generator/internal/load"
	model "github.com/coder-eks/coder-eks/generator/internal/model/infra"
	"github.com/coder-eks/coder-eks/generator/internal/plan/plantest"
	"github.com/coder-eks/coder-eks/generator/internal/render/tfjson"
)

func TestIRSATrust(t *testing.T) {
	issuer := `${replace(aws_iam_openid_connect_provider.eks.url, "https://", "")}`
	statement := func(test, sub string) []tfjson.Body {
		return []tfjson.Body{{
			"actions": []string{"sts:AssumeRoleWithWebIdentity"},
			"principals": []tfjson.Body{{
				"type":        "Federated",
				"identifiers": []string{"${aws_iam_openid_connect_provider.eks.arn}"},
			}},
			"condition": []tfjson.Body{
				{"test": test, "variable": issuer + ":sub", "values": []string{sub}},
				{"test": "StringEquals", "variable": issuer + ":aud", "values": []string{"sts.amazonaws.com"}},
			},
		}}
	}
	for _, tc := range []struct {
		name string
		s    serviceAccounts
		want []tfjson.Body
	}{
		{"one account", serviceAccounts{namespace: "coder", name: "coder"},
			statement("StringEquals", "system:serviceaccount:coder:coder")},
		{"every account of a prefix", serviceAccounts{namespace: "coder-workspaces", name: "coder-ws-", prefix: true},
			statement("StringLike", "system:serviceaccount:coder-workspaces:coder-ws-*")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if d := cmp.Diff(tc.want, irsaTrust(tc.s)); d != "" {
				t.Errorf("irsaTrust (-want +got):\n%s", d)
			}
		})
	}
}

// shippedModules renders the Day-0 module of every shipped environment
// and each of its secondary regions.
func shippedModules(t *testing.T) map[string]map[string][]byte {
	t.Helper()
	envs, err := load.Discover(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string][]byte{}
	for _, name := range envs {
		checked := plantest.Derive(t, repoRoot, name)
		out[name] = render(t, model.Build(checked))
		for _, r := range checked.Secondaries {
			out[name+"/"+r.Config.AWSRegion] = render(t, model.BuildRegion(checked, r))
		}
	}
	return out
}

// TestEveryWebIdentityTrustIsIRSATrust proves every trust policy of the
// shipped modules that allows sts:AssumeRoleWithWebIdentity is exactly
// irsaTrust of the service accounts its sub condition names, and that
// the OIDC provider's client ID is the audience those policies require:
// a role whose trust were built by hand (a missing aud condition, another
// provider) fails here.
func TestEveryWebIdentityTrustIsIRSATrust(t *testing.T) {
	kinds := map[bool]int{} // prefix → policies seen
	for module, files := range shippedModules(t) {
		for p, data := range files {
			if !strings.HasSuffix(p, ".tf.json") {
				continue
			}
			var doc struct {
				Data struct {
					Policies map[string]struct {
						Statement []json.RawMessage `json:"statement"`
					} `json:"aws_iam_policy_document"`
				} `json:"data"`
				Resource struct {
					OIDC map[string]struct {
						ClientIDs []string `json:"client_id_list"`
					} `json:"aws_iam_openid_connect_provider"`
				} `json:"resource"`
			}
			if err := json.Unmarshal(data, &doc); err != nil {
				t.Fatalf("%s %s: %v", module, p, err)
			}
			for name, o := range doc.Resource.OIDC {
				if !cmp.Equal(o.ClientIDs, []string{irsaAudience}) {
					t.Errorf("%s: OIDC provider %s lists client IDs %v, the trust policies require the audience %q", module, name, o.ClientIDs, irsaAudience)
				}
			}
			for name, pol := range doc.Data.Policies {
				for _, raw := range pol.Statement {
					var st map[string]any
					if err := json.Unmarshal(raw, &st); err != nil {
						t.Fatal(err)
					}
					if !strings.Contains(string(raw), "sts:AssumeRoleWithWebIdentity") {
						continue
					}
					s, ok := subjectOf(st)
					if !ok {
						t.Errorf("%s: %s trusts web identities without a service account subject:\n%s", module, name, raw)
						continue
					}
					kinds[s.prefix]++
					want, err := json.Marshal(irsaTrust(s)[0])
					if err != nil {
						t.Fatal(err)
					}
					var w map[string]any
					if err := json.Unmarshal(want, &w); err != nil {
						t.Fatal(err)
					}
					if d := cmp.Diff(w, st); d != "" {
						t.Errorf("%s: %s is not irsaTrust(%+v) (-irsaTrust +rendered):\n%s", module, name, s, d)
					}
				}
			}
		}
	}
	if kinds[false] == 0 || kinds[true] == 0 {
		t.Errorf("trust policies seen, by kind (prefix → count): %v; want both an exact and a prefix subject", kinds)
	}
}

// subjectOf reads the service accounts a rendered statement's sub
// condition names.
func subjectOf(st map[string]any) (serviceAccounts, bool) {
	conds, _ := st["condition"].([]any)
	for _, c := range conds {
		c, _ := c.(map[string]any)
		variable, _ := c["variable"].(string)
		values, _ := c["values"].([]any)
		if !strings.HasSuffix(variable, ":sub") || len(values) != 1 {
			continue
		}
		v, _ := values[0].(string)
		rest, ok := strings.CutPrefix(v, "system:serviceaccount:")
		ns, name, found := strings.Cut(rest, ":")
		if !ok || !found {
			return serviceAccounts{}, false
		}
		prefix := c["test"] == "StringLike"
		if prefix {
			name = strings.TrimSuffix(name, "*")
		}
		return serviceAccounts{namespace: ns, name: name, prefix: prefix}, true
	}
	return serviceAccounts{}, false
}
