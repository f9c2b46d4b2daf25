package semdiff

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"go.yaml.in/yaml/v3"
)

// yamlDocuments splits a YAML stream into its documents. A Kubernetes
// object is named "Kind namespace/name"; any other document (a Helm
// values file) by its position, the only one by "".
func yamlDocuments(data []byte) (*namedValues, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var docs []any
	for {
		var doc any
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("parse YAML: %w", err)
		}
		if doc != nil {
			docs = append(docs, doc)
		}
	}
	out := &namedValues{}
	for i, doc := range docs {
		name := objectName(doc)
		if name == "" && len(docs) > 1 {
			name = fmt.Sprintf("document %d", i+1)
		}
		out.add(name, doc)
	}
	return out, nil
}

// objectName is "Kind namespace/name" for a Kubernetes object, "" for
// anything else.
func objectName(doc any) string {
	m, ok := doc.(map[string]any)
	if !ok {
		return ""
	}
	kind, _ := m["kind"].(string)
	meta, _ := m["metadata"].(map[string]any)
	name, _ := meta["name"].(string)
	if kind == "" || name == "" {
		return ""
	}
	if ns, _ := meta["namespace"].(string); ns != "" {
		name = ns + "/" + name
	}
	return strings.TrimSpace(kind + " " + name)
}
