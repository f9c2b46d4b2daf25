package cueerr

import "github.com/coder-eks/coder-eks/generator/internal/schemainfo"

// show is how a message quotes the value given: not at all for a field
// the schema marks @secret(), which may hold a secret pasted by mistake,
// whose value must not reach a terminal or a CI log.
func (s source) show(path, value string) string {
	if s.secret(path) {
		return "the value given"
	}
	return value
}

// secret is whether the schema marks the field at path @secret(). A
// field the schema does not know (a misspelt one) is not a secret: its
// value is never quoted anyway, the message names the field.
func (s source) secret(path string) bool {
	v, ok := lookupIn(s.schema.Secrets, path)
	return ok && schemainfo.Secret(v)
}
