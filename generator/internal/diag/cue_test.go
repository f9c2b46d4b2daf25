package diag

import (
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
	token:    ""
	owner:    string
	backup:   !="us-east-1" | *"us-west-2"
	retention: 90 | 120 | 365 | *90
	admins:   [...string] & list.MinItems(1)
	mappings: {[=~"^[a-z-]+$"]: #Mapping} | *close({admins: {group: "platform-admins"}})
	password?: string
	cron?:     =~"^([0-5]?[0-9]|\\*) ([01]?[0-9]|2[0-3]|\\*) ([1-9]|[12][0-9]|3[01]|\\*) .+ .+$"
}
#Mapping: {
	group: string
	roles: [...("owner" | "member")] | *["member"]
}
`

func TestFromCUEWithSchema(t *testing.T) {
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
			ctx := cuecontext.New()
			schema := ctx.CompileString(testSchema, cue.Filename("schema.cue"))
			if err := schema.Err(); err != nil {
				t.Fatal(err)
			}
			def := schema.LookupPath(cue.ParsePath("#E"))
			env := ctx.CompileString(tt.env, cue.Filename("env.cue"))
			err := def.Unify(env).Validate(cue.Concrete(true))
			if err == nil {
				t.Fatal("no error")
			}
			var got []string
			for _, d := range FromCUEWithSchema(err, "", "env.cue", def) {
				got = append(got, d.String())
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("diagnostics (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFromCUEWithSchemaNil(t *testing.T) {
	if got := FromCUEWithSchema(nil, "", "env.cue", cue.Value{}); got != nil {
		t.Errorf("FromCUEWithSchema(nil) = %v, want nil", got)
	}
}

func TestListFocusAndWithout(t *testing.T) {
	env := Position{File: "environments/prod.cue", Line: 3, Col: 1}
	schema := Position{File: "schema/environment.cue", Line: 264, Col: 34}
	l := List{
		{Pos: env, Path: "eks_cluster_version", Msg: "not allowed"},
		{Pos: schema, Path: "eks_cluster_version", Msg: "invalid interpolation"}, // a consequence
		{Pos: schema, Path: "owner", Msg: "required field is missing"},           // nothing in the file: kept
		{Pos: env, Path: "vpc_cidrr", Msg: "field not allowed"},
	}
	got := l.Focus("environments/prod.cue").Without(List{{Path: "vpc_cidrr"}})
	want := List{l[0], l[2]}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Focus then Without (-want +got):\n%s", diff)
	}
}
