package tfhcl

import (
	"fmt"
	"path"
	"strings"
)

// View maps a rendered tree (slash-separated paths) to its native-syntax
// view: the directories holding a *.tf.json file, with those files
// converted and the other files of the directory (scripts a module reads)
// kept as they are. Everything else (Helm values, manifests) is left out.
func View(tree map[string][]byte) (map[string][]byte, error) {
	modules := map[string]bool{}
	for p := range tree {
		if strings.HasSuffix(p, ".tf.json") {
			modules[path.Dir(p)] = true
		}
	}
	view := map[string][]byte{}
	for p, data := range tree {
		if !inModule(p, modules) {
			continue
		}
		if !strings.HasSuffix(p, ".tf.json") {
			view[p] = data
			continue
		}
		out, err := Convert(data)
		if err != nil {
			return nil, fmt.Errorf("native-syntax view of %s: %w", p, err)
		}
		view[FileName(p)] = out
	}
	return view, nil
}

// inModule reports whether p is a file of a module directory or of one of
// its subdirectories.
func inModule(p string, modules map[string]bool) bool {
	for d := path.Dir(p); d != "." && d != "/"; d = path.Dir(d) {
		if modules[d] {
			return true
		}
	}
	return false
}
