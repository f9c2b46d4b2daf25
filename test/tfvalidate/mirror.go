package tfvalidate

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
)

// MirrorCLIConfig lays the harness's providers out as a filesystem mirror
// (the unpacked layout, host/namespace/type/version/os_arch/) and returns
// the path of a CLI configuration that installs from it and nowhere else.
// It is for programs that run `terraform init` themselves, such as coderd's
// provisioner: with dev_overrides alone init still asks the registry for
// every provider. Versions are those the harness serves: a schema file's
// name (hashicorp-aws-6.25.0.json.gz) and the go.mod version of a provider
// built from source. Calling it again reuses the layout.
func (h *Harness) MirrorCLIConfig() (string, error) {
	versions, err := providerVersions()
	if err != nil {
		return "", fmt.Errorf("provider mirror: %w", err)
	}
	mirror := filepath.Join(h.dir, "mirror")
	sources := make([]string, 0, len(versions))
	for source, version := range versions {
		pdir, binary := providerPath(h.dir, source)
		namespace, typ, _ := strings.Cut(source, "/")
		dst := filepath.Join(mirror, "registry.terraform.io", namespace, typ, version, runtime.GOOS+"_"+runtime.GOARCH)
		if err := os.MkdirAll(dst, 0o755); err != nil {
			return "", err
		}
		// The package is the directory: the schema provider's schema file
		// travels with its binary into .terraform/providers.
		entries, err := os.ReadDir(pdir)
		if err != nil {
			return "", fmt.Errorf("provider mirror %s: %w", source, err)
		}
		for _, e := range entries {
			name := e.Name()
			if filepath.Join(pdir, name) == binary {
				name = "terraform-provider-" + typ + "_v" + version
			}
			// Laid out by an earlier call: never copy over a hard link of
			// the source, which would truncate the source itself.
			if _, err := os.Lstat(filepath.Join(dst, name)); err == nil {
				continue
			}
			if err := linkOrCopy(filepath.Join(pdir, e.Name()), filepath.Join(dst, name), 0o755); err != nil {
				return "", err
			}
		}
		sources = append(sources, "registry.terraform.io/"+source)
	}
	sort.Strings(sources)
	var b bytes.Buffer
	fmt.Fprintf(&b, "provider_installation {\n  filesystem_mirror {\n    path    = %q\n    include = [", mirror)
	for i, s := range sources {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%q", s)
	}
	b.WriteString("]\n  }\n}\n")
	path := filepath.Join(h.dir, "terraform-mirror.rc")
	return path, os.WriteFile(path, b.Bytes(), 0o644)
}

var schemaFileVersion = regexp.MustCompile(`^([a-z0-9]+)-([a-z0-9-]+)-(\d+\.\d+\.\d+)\.json\.gz$`)

// providerVersions maps each served provider source to its version.
func providerVersions() (map[string]string, error) {
	root, err := moduleRoot()
	if err != nil {
		return nil, err
	}
	files, err := filepath.Glob(filepath.Join(root, "test", "testdata", "provider-schemas", "*.json.gz"))
	if err != nil {
		return nil, err
	}
	versions := map[string]string{}
	for _, f := range files {
		m := schemaFileVersion.FindStringSubmatch(filepath.Base(f))
		if m == nil {
			return nil, fmt.Errorf("%s: name is not <namespace>-<type>-<version>.json.gz", f)
		}
		versions[m[1]+"/"+m[2]] = m[3]
	}
	for source, pkg := range realProviders {
		cmd := exec.Command("go", "list", "-m", "-f", "{{.Version}}", pkg)
		cmd.Dir = root
		out, err := cmd.Output()
		if err != nil {
			return nil, fmt.Errorf("go list -m %s: %w", pkg, err)
		}
		versions[source] = strings.TrimPrefix(strings.TrimSpace(string(out)), "v")
	}
	return versions, nil
}
