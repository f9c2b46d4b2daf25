package iam

import (
	"fmt"
	"os"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/cuecontext"
)

// Principal is one entry of schema/iam_requests.cue.
type Principal struct {
	Name           string `json:"name"`
	Role           string `json:"role"`
	Service        string `json:"service"`
	ServiceAccount *struct {
		Namespace, Name, Source string
	} `json:"service_account"`
	AssumedBy *struct {
		Service, Source string
	} `json:"assumed_by"`
	ManagedOnly string    `json:"managed_only"`
	Allow       []Request `json:"allow"`
	Deny        []Request `json:"deny"`
}

// Request is one API request of the catalogue.
type Request struct {
	Action         string         `json:"action"`
	Resource       string         `json:"resource"`
	Context        map[string]any `json:"context"`
	Source         string         `json:"source"`
	ForEach        string         `json:"for_each"`
	Requires       []string       `json:"requires"`
	ResourceModule string         `json:"resource_module"`
}

// catalogueFile is the catalogue, relative to this package.
const catalogueFile = "../../schema/iam_requests.cue"

// LoadCatalogue evaluates the catalogue file (self-contained CUE).
func LoadCatalogue(path string) (map[string]Principal, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	v := cuecontext.New().CompileBytes(src, cue.Filename(path))
	if err := v.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	cat := v.LookupPath(cue.ParsePath("iam_requests"))
	if err := cat.Validate(cue.Concrete(true)); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	out := map[string]Principal{}
	if err := cat.Decode(&out); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return out, nil
}
