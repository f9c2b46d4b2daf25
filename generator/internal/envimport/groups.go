package envimport

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// seedRoles maps the role names the seed's idp_group_mappings uses (a map
// from IdP group to one Coder role, { "coder-admins" = "admin" }) to
// Coder's built-in roles.
var seedRoles = map[string]string{
	"admin": "owner", "owner": "owner",
	"template-admin": "template-admin", "template_admin": "template-admin",
	"user-admin": "user-admin", "user_admin": "user-admin",
	"auditor": "auditor",
	"member":  "member", "user": "member",
}

var nonGroupChars = regexp.MustCompile(`[^a-z0-9-]+`)

// groupMappings translates the seed's shape of idp_group_mappings into
// the schema's (#GroupMapping: the Coder group the IdP group syncs to and
// its roles). A value already in the schema's shape is kept; anything else
// is an error that shows the expected shapes.
func groupMappings(v any) (any, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, errGroupShape("a map")
	}
	out := map[string]any{}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, group := range keys {
		switch val := m[group].(type) {
		case map[string]any:
			out[group] = val // the schema's shape already
		case string:
			role, ok := seedRoles[strings.ToLower(val)]
			if !ok {
				return nil, fmt.Errorf("idp_group_mappings[%q]: role %q is not a Coder role (rule: one of owner (seed: admin), template-admin, user-admin, auditor, member)", group, val)
			}
			name := strings.Trim(nonGroupChars.ReplaceAllString(strings.ToLower(group), "-"), "-")
			if len(name) > 36 {
				name = name[:36]
			}
			out[group] = map[string]any{"coder_group": name, "roles": []any{role}}
		default:
			return nil, errGroupShape(fmt.Sprintf("%q maps to %T", group, val))
		}
	}
	return out, nil
}

func errGroupShape(got string) error {
	return fmt.Errorf(`idp_group_mappings: %s is not a shape the import knows (rule: the seed's { "idp-group" = "role" } with role one of admin, template-admin, user-admin, auditor, member, or the schema's { "idp-group" = { coder_group = "name", roles = ["member"] } })`, got)
}
