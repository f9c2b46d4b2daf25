package schemainfo

import "cuelang.org/go/cue"

// Secret reports whether the field v was looked up as is marked
// @secret() in the schema: a field that may hold a secret (one pasted by
// mistake where a reference belongs), whose value a message must never
// quote, as it would reach a terminal or a CI log.
func Secret(v cue.Value) bool {
	a := v.Attribute("secret")
	return a.Err() == nil
}
