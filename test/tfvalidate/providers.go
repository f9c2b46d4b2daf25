package tfvalidate

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
)

// realProviders are built from source instead of served from a schema file:
// their Go packages are go.mod tools, so their schemas and their own
// validation are exactly those of the pinned versions.
var realProviders = map[string]string{
	"coder/coder": "github.com/coder/terraform-provider-coder/v2",
}

const schemaProviderPackage = "github.com/coder-eks/coder-eks/test/schemaprovider"

// schemaFileName must match schemaprovider.SchemaFile.
const schemaFileName = "schema.json.gz"

// buildProviders lays out one directory per provider under dir/providers and
// returns the dev_overrides entries: provider source → directory.
func buildProviders(root, dir string) (map[string]string, error) {
	overrides := map[string]string{}
	schemaProvider := filepath.Join(dir, "schemaprovider")
	builds := map[string]string{schemaProvider: schemaProviderPackage}
	for source, pkg := range realProviders {
		pdir, binary := providerPath(dir, source)
		if err := os.MkdirAll(pdir, 0o755); err != nil {
			return nil, err
		}
		builds[binary] = pkg
		overrides[source] = pdir
	}
	if err := goBuild(root, builds); err != nil {
		return nil, err
	}

	schemaDir := filepath.Join(root, "test", "testdata", "provider-schemas")
	files, err := filepath.Glob(filepath.Join(schemaDir, "*.json.gz"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no provider schemas (*.json.gz) in %s", schemaDir)
	}
	for _, file := range files {
		source, err := schemaSource(file)
		if err != nil {
			return nil, err
		}
		if _, ok := realProviders[source]; ok {
			continue
		}
		if _, ok := overrides[source]; ok {
			return nil, fmt.Errorf("%s: a second schema for %s", file, source)
		}
		pdir, binary := providerPath(dir, source)
		if err := os.MkdirAll(pdir, 0o755); err != nil {
			return nil, err
		}
		// The schema provider finds its schema beside its own resolved
		// executable path, so each provider gets a hard link (or a copy), never
		// a symlink.
		if err := linkOrCopy(schemaProvider, binary, 0o755); err != nil {
			return nil, err
		}
		// Copied, not linked: it is a file of the source tree.
		if err := copyFile(file, filepath.Join(pdir, schemaFileName), 0o644); err != nil {
			return nil, err
		}
		// The schema split by type, beside it (schemaprovider.SplitFile):
		// each start then decodes only the types its configuration uses.
		if out, err := exec.Command(binary, "-split").CombinedOutput(); err != nil {
			return nil, fmt.Errorf("%s -split: %v\n%s", binary, err, out)
		}
		overrides[source] = pdir
	}
	return overrides, nil
}

// providerPath returns the directory for a provider source like
// "hashicorp/aws" and the binary Terraform looks for in it.
func providerPath(dir, source string) (pdir, binary string) {
	namespace, typ, _ := strings.Cut(source, "/")
	pdir = filepath.Join(dir, "providers", namespace+"-"+typ)
	return pdir, filepath.Join(pdir, "terraform-provider-"+typ)
}

// goBuild builds each package into its output path, concurrently: the go
// command shares its build cache between them.
func goBuild(root string, builds map[string]string) error {
	var wg sync.WaitGroup
	errs := make([]error, 0, len(builds))
	var mu sync.Mutex
	for out, pkg := range builds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command("go", "build", "-o", out, pkg)
			cmd.Dir = root
			if output, err := cmd.CombinedOutput(); err != nil {
				mu.Lock()
				errs = append(errs, fmt.Errorf("go build %s: %v\n%s", pkg, err, output))
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// schemaSource reads the provider address out of a gzip-compressed
// `terraform providers schema -json` file and returns its source without the
// registry host (e.g. "hashicorp/aws"). Only the opening of the file is
// decoded: the aws schema is megabytes.
func schemaSource(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	address, err := firstProviderAddress(json.NewDecoder(zr))
	if err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	parts := strings.Split(address, "/")
	if len(parts) != 3 {
		return "", fmt.Errorf("%s: provider address %q is not host/namespace/type", path, address)
	}
	return parts[1] + "/" + parts[2], nil
}

func firstProviderAddress(dec *json.Decoder) (string, error) {
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return "", fmt.Errorf("not a JSON object (%v)", err)
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return "", err
		}
		if tok != "provider_schemas" {
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return "", err
			}
			continue
		}
		if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
			return "", fmt.Errorf("provider_schemas is not an object (%v)", err)
		}
		tok, err = dec.Token()
		if err != nil {
			return "", err
		}
		if address, ok := tok.(string); ok {
			return address, nil
		}
		break
	}
	return "", errors.New("no provider in provider_schemas")
}

func linkOrCopy(src, dst string, perm os.FileMode) error {
	if err := os.Link(src, dst); err == nil {
		return nil
	}
	return copyFile(src, dst, perm)
}

func copyFile(src, dst string, perm os.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, perm)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// cliConfig renders the CLI configuration. `direct {}` only matters for
// providers not overridden, and is never reached: init is not run.
func cliConfig(overrides map[string]string) []byte {
	var b bytes.Buffer
	b.WriteString("provider_installation {\n  dev_overrides {\n")
	sources := make([]string, 0, len(overrides))
	for source := range overrides {
		sources = append(sources, source)
	}
	sort.Strings(sources)
	for _, source := range sources {
		fmt.Fprintf(&b, "    %q = %q\n", source, overrides[source])
	}
	b.WriteString("  }\n  direct {}\n}\n")
	return b.Bytes()
}
