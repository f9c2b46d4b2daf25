package tfvalidate

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// typesEnv must match schemaprovider.TypesEnv: the types the schema
// providers serve in full; every other type is served by name with an
// empty schema, so that a provider start costs a module's types, not the
// whole aws schema.
const typesEnv = "SCHEMAPROVIDER_TYPES"

// typeWords matches the words that could name a type of one of the
// schema-served providers: "<type>_<name>" for each provider type (aws,
// kubernetes, …).
func typeWords(sources []string) *regexp.Regexp {
	var prefixes []string
	for _, source := range sources {
		if _, real := realProviders[source]; real {
			continue
		}
		_, typ, _ := strings.Cut(source, "/")
		prefixes = append(prefixes, regexp.QuoteMeta(typ))
	}
	sort.Strings(prefixes)
	return regexp.MustCompile(`\b(?:` + strings.Join(prefixes, "|") + `)_[a-z0-9_]+\b`)
}

// usedTypes lists, sorted and comma-separated, every word in the files
// under dir (the configuration Terraform will read: root module, local
// child modules, test files and mock data) that could name a type of a
// schema-served provider. It is a superset of the types the configuration
// uses, whatever the syntax (JSON keys, HCL labels, references, mock
// blocks): an extra word only costs its schema, and a type it missed would
// fail validation loudly, never pass it.
func (h *Harness) usedTypes(dir string) (string, error) {
	seen := map[string]bool{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == ".terraform" {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, w := range h.typeWords.FindAll(data, -1) {
			seen[string(w)] = true
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	words := make([]string, 0, len(seen))
	for w := range seen {
		words = append(words, w)
	}
	slices.Sort(words)
	return strings.Join(words, ","), nil
}

// withTypes is env plus the types the configuration under dir may use.
func (h *Harness) withTypes(env []string, dir string) ([]string, error) {
	types, err := h.usedTypes(dir)
	if err != nil {
		return nil, err
	}
	return append(env, typesEnv+"="+types), nil
}

// TypesEnv is the SCHEMAPROVIDER_TYPES=… entry for a program that runs
// Terraform itself on the configurations under dirs (coderd's provisioner
// importing templates): the schema providers then start as cheaply as in
// the harness's own runs.
func (h *Harness) TypesEnv(dirs ...string) (string, error) {
	seen := map[string]bool{}
	for _, dir := range dirs {
		types, err := h.usedTypes(dir)
		if err != nil {
			return "", err
		}
		for _, t := range strings.Split(types, ",") {
			if t != "" {
				seen[t] = true
			}
		}
	}
	words := make([]string, 0, len(seen))
	for w := range seen {
		words = append(words, w)
	}
	slices.Sort(words)
	return typesEnv + "=" + strings.Join(words, ","), nil
}
