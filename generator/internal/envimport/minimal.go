package envimport

import (
	"encoding/json"
	"maps"

	"cuelang.org/go/cue"
)

// minimal returns the values that differ from what the schema gives the
// field when the file does not set it. A default may depend on other
// fields (availability_zones on aws_region, terraform_state_bucket on
// project_name), so each field is compared with the schema evaluated
// with every other value set. Leaving out a value equal to its default
// leaves every other field's value as it was, so they can all be left out
// together.
func minimal(def cue.Value, values map[string]any, name string) map[string]any {
	kept := map[string]any{}
	for field, v := range values {
		others := maps.Clone(values)
		delete(others, field)
		d, _ := environment(def, others, name).LookupPath(cue.MakePath(cue.Str(field))).Default()
		if !d.IsConcrete() || d.Validate(cue.Concrete(true)) != nil {
			kept[field] = v
			continue
		}
		var given any
		if err := d.Decode(&given); err != nil || canonical(given) != canonical(v) {
			kept[field] = v
		}
	}
	return kept
}

// canonical is a value as JSON with every number a float64, so that 16
// (int64 from tfvars, int from CUE) and 16.0 compare equal.
func canonical(v any) string {
	data, err := json.Marshal(numbersAsFloats(v))
	if err != nil {
		return "!" + err.Error()
	}
	return string(data)
}

func numbersAsFloats(v any) any {
	switch v := v.(type) {
	case int:
		return float64(v)
	case int64:
		return float64(v)
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = numbersAsFloats(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[k] = numbersAsFloats(e)
		}
		return out
	}
	return v
}
