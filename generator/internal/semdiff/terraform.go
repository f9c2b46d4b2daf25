package semdiff

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
)

// headerItem names the "//" comment of a generated file: listed when it
// changes, left out when a whole file is added or removed.
const headerItem = `"//" header`

// terraformBlocks splits a Terraform JSON file into blocks named by their
// address: "resource aws_vpc.this", "data aws_iam_policy_document.x",
// "variable region", "local name", "output id", "provider aws",
// "terraform", "module m". Addresses, not files, are what a reviewer of
// a plan thinks in.
func terraformBlocks(data []byte) (*namedValues, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("parse Terraform JSON: %w", err)
	}
	out := &namedValues{}
	for _, key := range slices.Sorted(maps.Keys(doc)) {
		body := doc[key]
		switch key {
		case "resource", "data":
			for _, typ := range slices.Sorted(maps.Keys(asMap(body))) {
				for _, name := range slices.Sorted(maps.Keys(asMap(asMap(body)[typ]))) {
					out.add(fmt.Sprintf("%s %s.%s", key, typ, name), asMap(asMap(body)[typ])[name])
				}
			}
		case "variable", "output", "module", "check", "provider":
			for _, name := range slices.Sorted(maps.Keys(asMap(body))) {
				out.add(key+" "+name, asMap(body)[name])
			}
		case "locals":
			for _, name := range slices.Sorted(maps.Keys(asMap(body))) {
				out.add("local "+name, asMap(body)[name])
			}
		case "//":
			out.add(headerItem, body)
		default:
			out.add(key, body)
		}
	}
	return out, nil
}

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}
