package load

import (
	"slices"
	"strings"
	"testing"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/cuecontext"

	"github.com/coder-eks/coder-eks/generator/internal/schemainfo"
)

// namesASecret is the rule diag used to guess secrets by before the
// schema marked them: a word of the name is token, password or secret,
// and the name is not an ARN that refers to one (oidc_client_secret_arn).
// It is kept here only as a check on the schema.
func namesASecret(name string) bool {
	words := strings.FieldsFunc(name, func(r rune) bool { return r == '_' || r == '-' })
	if len(words) == 0 || words[len(words)-1] == "arn" {
		return false
	}
	for _, w := range words {
		if w == "token" || w == "password" || w == "secret" {
			return true
		}
	}
	return false
}

// TestSecretFieldsMarked proves every field of the schema's definitions
// (what environment files and template layers fill in) whose name says it
// may hold a secret is marked @secret(), so that the attribute the error
// messages read loses nothing the old name guess caught, and that the
// mark is read on the evaluated schema. The catalogues (regular fields
// such as the IAM requests' per_secret) are data, not input, and are not
// checked.
func TestSecretFieldsMarked(t *testing.T) {
	inst, err := schemaInstance(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	schema := cuecontext.New().BuildInstance(inst)
	if err := schema.Err(); err != nil {
		t.Fatal(err)
	}
	var marked []string
	it, err := schema.Fields(cue.Definitions(true))
	if err != nil {
		t.Fatal(err)
	}
	for it.Next() {
		if it.Selector().IsDefinition() {
			walkFields(it.Value(), it.Selector().String(), 6, func(path string, v cue.Value) {
				name := path[strings.LastIndex(path, ".")+1:]
				switch secret := schemainfo.Secret(v); {
				case secret:
					marked = append(marked, path)
				case namesASecret(name):
					t.Errorf("%s looks like a secret but is not marked @secret(): mark it, so that no error message quotes its value", path)
				}
			})
		}
	}
	if !slices.Contains(marked, "#Environment.coder_admin_token") {
		t.Errorf("#Environment.coder_admin_token is not read as marked @secret(); the fields marked are %v", marked)
	}
}

// walkFields calls fn for every field under v, optional ones and those of
// list elements and map values ("*") included, to depth levels.
func walkFields(v cue.Value, path string, depth int, fn func(string, cue.Value)) {
	if depth == 0 {
		return
	}
	if it, err := v.Fields(cue.Optional(true)); err == nil {
		for it.Next() {
			p := path + "." + it.Selector().Unquoted()
			fn(p, it.Value())
			walkFields(it.Value(), p, depth-1, fn)
		}
	}
	for _, sel := range []cue.Selector{cue.AnyIndex, cue.AnyString} {
		if e := v.LookupPath(cue.MakePath(sel)); e.Exists() {
			walkFields(e, path+".*", depth-1, fn)
		}
	}
}
