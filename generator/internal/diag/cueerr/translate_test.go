package cueerr

import (
	"strings"
	"testing"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/cuecontext"
	"github.com/google/go-cmp/cmp"
)

// testSchema has one field of every shape #Environment uses.
const testSchema = `
import "list"

#E: {
	enabled:  bool | *true
	provider: *"github" | "gitlab" | "bitbucket"
	replicas: int & >=1 & <=20 | *2
	subdomain: =~"^[a-z]+$" | *"coder"
	token:    "" @secret()
	owner:    string
	backup:   !="us-east-1" | *"us-west-2"
	retention: 90 | 120 | 365 | *90
	admins:   [...string] & list.MinItems(1)
	mappings: {[=~"^[a-z-]+$"]: #Mapping} | *close({admins: {group: "platform-admins"}})
	password?: string @secret()
	cron?:     =~"^([0-5]?[0-9]|\\*) ([01]?[0-9]|2[0-3]|\\*) ([1-9]|[12][0-9]|3[01]|\\*) .+ .+$"
	// Secrets whose names do not say so: only the attribute marks them.
	api_key?:      =~"^ak-[a-z0-9]+$" @secret()
	signing_mode?: "hmac" | "rsa" @secret()
	pin?:          int & <10000 @secret()
	recovery?:     [...string] & list.UniqueItems() @secret()
	keys?: [...#Key]
}
#Mapping: {
	group: string
	roles: [...("owner" | "member")] | *["member"]
	credential?: =~"^[a-z]+$" @secret()
}
#Key: {
	material: =~"^[a-z]+$" @secret()
}
`

func TestTranslate(t *testing.T) {
	const valid = "owner: \"me\"\nadmins: [\"a\"]\n"
	tests := []struct {
		name string
		env  string
		want []string
	}{
		{"unknown field gets the nearest name", valid + "replicsa: 3\n",
			[]string{`env.cue:3:1: replicsa: unknown field (rule: only the schema's fields are allowed); did you mean replicas?`}},
		{"unknown field with no near name", valid + "colour: 3\n",
			[]string{`env.cue:3:1: colour: unknown field (rule: only the schema's fields are allowed)`}},
		{"unknown field inside a map entry", valid + "mappings: devs: {grup: \"developers\"}\n",
			[]string{`env.cue:3:18: mappings.devs.grup: unknown field (rule: only the schema's fields are allowed); did you mean group?`}},
		{"enum value with a typo", valid + "provider: \"githb\"\n",
			[]string{`env.cue:3:11: provider: "githb" is not one of the allowed values (rule: "bitbucket" | "github" | "gitlab"); did you mean "github"?`}},
		{"enum value far from every allowed one", valid + "provider: \"svn\"\n",
			[]string{`env.cue:3:11: provider: "svn" is not one of the allowed values (rule: "bitbucket" | "github" | "gitlab")`}},
		{"numeric enum lists values in order and the nearest", valid + "retention: 100\n",
			[]string{`env.cue:3:12: retention: 100 is not one of the allowed values (rule: 90 | 120 | 365); did you mean 90?`}},
		{"enum inside a list inside a map entry", valid + "mappings: devs: {group: \"d\", roles: [\"membr\"]}\n",
			[]string{`env.cue:3:38: mappings.devs.roles.0: "membr" is not one of the allowed values (rule: "member" | "owner"); did you mean "member"?`}},
		{"number out of range", valid + "replicas: 50\n",
			[]string{`env.cue:3:11: replicas: 50 is out of range (rule: <=20)`}},
		{"string not matching its pattern", valid + "subdomain: \"Coder\"\n",
			[]string{`env.cue:3:12: subdomain: "Coder" does not match the pattern (rule: =~"^[a-z]+$")`}},
		{"excluded value", valid + "backup: \"us-east-1\"\n",
			[]string{`env.cue:3:9: backup: "us-east-1" is not allowed here (rule: !="us-east-1")`}},
		{"wrong type", valid + "enabled: \"yes\"\n",
			[]string{`env.cue:3:10: enabled: "yes" is a string, the field takes a bool (rule: type bool)`}},
		{"field the schema fixes", valid + "token: \"s3cret\"\n",
			[]string{`env.cue:3:8: token: the value given is not allowed: the schema fixes this field to "" (rule: "", declared at schema.cue:9:12)`}},
		{"a secret's value is never shown", valid + "password: 42\n",
			[]string{`env.cue:3:11: password: the value given is a int, the field takes a string (rule: type string)`}},
		{"a long pattern is named by where it is defined", valid + "cron: \"61 * * * *\"\n",
			[]string{`env.cue:3:7: cron: "61 * * * *" does not match the pattern (rule: the pattern defined at schema.cue:16:13)`}},
		{"required field missing", "admins: [\"a\"]\n",
			[]string{`env.cue:1:1: owner: required field is missing: it has no default (declared at schema.cue:10:12)`}},
		{"required list missing", "owner: \"me\"\n",
			[]string{`env.cue:1:1: admins: required field is missing: give at least one item (rule: list.MinItems(1), declared at schema.cue:13:26)`}},
		{"several mistakes are all reported, in file order", valid + "replicas: 0\nprovider: \"gitub\"\n",
			[]string{
				`env.cue:3:11: replicas: 0 is out of range (rule: >=1)`,
				`env.cue:4:11: provider: "gitub" is not one of the allowed values (rule: "bitbucket" | "github" | "gitlab"); did you mean "github"?`,
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, def := testDefinition(t)
			env := ctx.CompileString(tt.env, cue.Filename("env.cue"))
			err := def.Unify(env).Validate(cue.Concrete(true))
			if err == nil {
				t.Fatal("no error")
			}
			var got []string
			for _, d := range Translate(err, Input{File: "env.cue", Src: []byte(tt.env)}, Schema{Def: def}) {
				got = append(got, d.String())
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("diagnostics (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTranslateNil(t *testing.T) {
	if got := Translate(nil, Input{File: "env.cue"}, Schema{}); got != nil {
		t.Errorf("Translate(nil) = %v, want nil", got)
	}
}

// TestSecretNeverQuoted proves a value given to a field the schema marks
// @secret() reaches no message, whatever rule it breaks and however deep
// the field is, while the field is still reported at the user's line.
// The fields' names do not say they are secrets: the attribute alone
// marks them.
func TestSecretNeverQuoted(t *testing.T) {
	const valid = "owner: \"me\"\nadmins: [\"a\"]\n"
	tests := []struct {
		name, env, leak, path string
		alone                 bool // the file checked on its own, without the schema
	}{
		{"pattern", `api_key: "sk-LEAKED"`, "LEAKED", "api_key", false},
		{"type", `api_key: 9876543`, "9876543", "api_key", false},
		{"enum, no did-you-mean", `signing_mode: "hmacLEAKED"`, "LEAKED", "signing_mode", false},
		{"range", `pin: 987654`, "987654", "pin", false},
		{"unique items", `recovery: ["LEAKED", "LEAKED"]`, "LEAKED", "recovery", false},
		{"fixed field", `token: "LEAKED"`, "LEAKED", "token", false},
		{"in a map entry", "mappings: devs: {group: \"d\", credential: \"LEAKED-1\"}", "LEAKED", "mappings.devs.credential", false},
		{"in a list item", `keys: [{material: "LEAKED-1"}]`, "LEAKED", "keys.0.material", false},
		{"set twice", "api_key: \"ak-LEAKEDa\"\napi_key: \"ak-LEAKEDb\"", "LEAKED", "api_key", true},
		{"unquoted", "api_key: LEAKED", "LEAKED", "api_key", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, def := testDefinition(t)
			src := valid + tt.env + "\n"
			env := ctx.CompileString(src, cue.Filename("env.cue"))
			sch := Schema{Def: def}
			err := env.Validate()
			if tt.alone {
				sch = Schema{Secrets: def}
			} else {
				err = def.Unify(env).Validate(cue.Concrete(true))
			}
			if err == nil {
				t.Fatal("no error")
			}
			got := Translate(err, Input{File: "env.cue", Src: []byte(src)}, sch)
			reported := false
			for _, d := range got {
				if strings.Contains(d.String(), tt.leak) {
					t.Errorf("the secret is quoted: %s", d)
				}
				reported = reported || d.Path == tt.path && d.Pos.Line >= 3
			}
			if !reported {
				t.Errorf("no diagnostic for %s at its line:\n%s", tt.path, got)
			}
		})
	}
}

// testDefinition compiles testSchema in a new context and returns the
// context and its #E.
func testDefinition(t *testing.T) (*cue.Context, cue.Value) {
	t.Helper()
	ctx := cuecontext.New()
	schema := ctx.CompileString(testSchema, cue.Filename("schema.cue"))
	if err := schema.Err(); err != nil {
		t.Fatal(err)
	}
	return ctx, schema.LookupPath(cue.ParsePath("#E"))
}
