package templates

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coder-eks/coder-eks/test/coderd"
	"github.com/coder-eks/coder-eks/test/pgtest"
	"github.com/coder-eks/coder-eks/test/tfvalidate"
)

// importServer is a coderd of env's configuration with built-in
// provisioner daemons (for the test only; the rendered coderd has none)
// whose Terraform runs offline on the tfvalidate harness's providers.
type importServer struct {
	url, token string
	bin        string
}

func startImportServer(t *testing.T, pg *pgtest.Server, envName string) importServer {
	t.Helper()
	h := tfvalidate.Setup(t)
	cr := coderd.CoderRelease(t, envName, "flux/coder")
	subs, httpAddr := coderd.Substitutions(t, pg.CreateDatabase(t, envName+"_import"), coderd.FakeIssuer(t))
	env := coderd.ContainerEnv(t, cr.Server, subs)
	env["CODER_PROVISIONER_DAEMONS"] = "4"
	rc, err := h.MirrorCLIConfig()
	if err != nil {
		t.Fatal(err)
	}
	env["TF_CLI_CONFIG_FILE"] = rc
	// The schema providers serve in full only the types the rendered
	// templates may use (the broken variants are edits of them).
	typesEnv, err := h.TypesEnv(filepath.Join(coderd.RepoRoot, "rendered"))
	if err != nil {
		t.Fatal(err)
	}
	name, value, _ := strings.Cut(typesEnv, "=")
	env[name] = value
	env["PATH"] = filepath.Dir(h.Terraform()) + string(os.PathListSeparator) + os.Getenv("PATH")
	coderd.StartCoderd(t, cr.Bin, cr.Server, env, httpAddr)
	s := importServer{url: "http://" + httpAddr, bin: cr.Bin}
	s.token = firstUser(t, s.url)
	return s
}

// firstUser creates the deployment's first user (the owner) and returns
// a session token.
func firstUser(t *testing.T, base string) string {
	t.Helper()
	const email, password = "admin@example.com", "Test-Passw0rd-For-Import!"
	post(t, base, "", "/api/v2/users/first", map[string]any{"email": email, "username": "admin", "name": "Admin", "password": password}, nil)
	var login struct {
		SessionToken string `json:"session_token"`
	}
	post(t, base, "", "/api/v2/users/login", map[string]any{"email": email, "password": password}, &login)
	return login.SessionToken
}

func post(t *testing.T, base, token, path string, body, out any) {
	t.Helper()
	data, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPost, base+path, bytes.NewReader(data))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Coder-Session-Token", token)
	}
	do(t, req, out)
}

func apiGet(t *testing.T, s importServer, path string, out any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.url+path, nil)
	req.Header.Set("Coder-Session-Token", s.token)
	do(t, req, out)
}

func do(t *testing.T, req *http.Request, out any) {
	t.Helper()
	resp, err := (&http.Client{Timeout: time.Minute}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	buf.ReadFrom(resp.Body)
	if resp.StatusCode/100 != 2 {
		t.Fatalf("%s %s: %s\n%s", req.Method, req.URL.Path, resp.Status, buf.String())
	}
	if out != nil {
		if err := json.Unmarshal(buf.Bytes(), out); err != nil {
			t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
		}
	}
}

// push runs `coder templates push` of dir as name and returns its output.
func (s importServer) push(t *testing.T, name, dir string) (string, error) {
	t.Helper()
	cmd := exec.Command(s.bin, "templates", "push", name, "--directory", dir, "--yes")
	cmd.Env = []string{"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH"), "CODER_URL=" + s.url, "CODER_SESSION_TOKEN=" + s.token}
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// declared is what a composed template's main.tf.json declares that coderd
// must report after the import.
type declared struct {
	params map[string]declaredParam // by parameter name
	apps   map[string]bool          // slug → always created (no count)
	agents []string
}

type declaredParam struct {
	Type    string
	Options []string
	Min     *float64
	Max     *float64
}

func readDeclared(t *testing.T, dir string) declared {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "main.tf.json"))
	if err != nil {
		t.Fatal(err)
	}
	var tf struct {
		Data struct {
			Params map[string]struct {
				Name, Type string
				Option     []struct{ Value string }
				Validation []struct{ Min, Max *float64 }
			} `json:"coder_parameter"`
		} `json:"data"`
		Resource struct {
			Agents map[string]json.RawMessage `json:"coder_agent"`
			Apps   map[string]struct {
				Slug  string
				Count any
			} `json:"coder_app"`
		} `json:"resource"`
	}
	if err := json.Unmarshal(data, &tf); err != nil {
		t.Fatal(err)
	}
	d := declared{params: map[string]declaredParam{}, apps: map[string]bool{}}
	for _, p := range tf.Data.Params {
		dp := declaredParam{Type: p.Type}
		if dp.Type == "" {
			dp.Type = "string"
		}
		for _, o := range p.Option {
			dp.Options = append(dp.Options, o.Value)
		}
		for _, v := range p.Validation {
			dp.Min, dp.Max = v.Min, v.Max
		}
		d.params[p.Name] = dp
	}
	for _, a := range tf.Resource.Apps {
		d.apps[a.Slug] = a.Count == nil
	}
	for name := range tf.Resource.Agents {
		d.agents = append(d.agents, name)
	}
	return d
}

// imported is what coderd reports of a template's active version.
type imported struct {
	Params []struct {
		Name    string `json:"name"`
		Type    string `json:"type"`
		Options []struct {
			Value string `json:"value"`
		} `json:"options"`
		ValidationMin *float64 `json:"validation_min"`
		ValidationMax *float64 `json:"validation_max"`
	}
	Resources []struct {
		Transition string `json:"workspace_transition"`
		Agents     []struct {
			Name string `json:"name"`
			Apps []struct {
				Slug string `json:"slug"`
			} `json:"apps"`
		} `json:"agents"`
	}
}

func (s importServer) imported(t *testing.T, name string) imported {
	t.Helper()
	var tpl struct {
		ActiveVersionID string `json:"active_version_id"`
	}
	apiGet(t, s, "/api/v2/organizations/default/templates/"+name, &tpl)
	var im imported
	apiGet(t, s, "/api/v2/templateversions/"+tpl.ActiveVersionID+"/rich-parameters", &im.Params)
	apiGet(t, s, "/api/v2/templateversions/"+tpl.ActiveVersionID+"/resources", &im.Resources)
	return im
}

// compare reports how coderd's view of an imported template differs from
// what the template declares: parameters (name, type, options,
// validation), one agent per template, and each app (an app without a
// count must exist; every app coderd reports must be declared).
func compare(d declared, im imported) []string {
	var diffs []string
	seen := map[string]bool{}
	for _, p := range im.Params {
		seen[p.Name] = true
		want, ok := d.params[p.Name]
		if !ok {
			diffs = append(diffs, fmt.Sprintf("parameter %q reported but not declared", p.Name))
			continue
		}
		var opts []string
		for _, o := range p.Options {
			opts = append(opts, o.Value)
		}
		if p.Type != want.Type || strings.Join(opts, ",") != strings.Join(want.Options, ",") {
			diffs = append(diffs, fmt.Sprintf("parameter %q: coderd has type %s options %v, template declares %s %v", p.Name, p.Type, opts, want.Type, want.Options))
		}
		if !sameBound(p.ValidationMin, want.Min) || !sameBound(p.ValidationMax, want.Max) {
			diffs = append(diffs, fmt.Sprintf("parameter %q: coderd validation %v..%v, template declares %v..%v", p.Name, deref(p.ValidationMin), deref(p.ValidationMax), deref(want.Min), deref(want.Max)))
		}
	}
	for name := range d.params {
		if !seen[name] {
			diffs = append(diffs, fmt.Sprintf("parameter %q declared but coderd has none", name))
		}
	}
	var agents []string
	apps := map[string]bool{}
	for _, r := range im.Resources {
		if r.Transition != "start" { // the stop plan keeps a stopped instance and its agent
			continue
		}
		for _, a := range r.Agents {
			agents = append(agents, a.Name)
			for _, app := range a.Apps {
				apps[app.Slug] = true
			}
		}
	}
	if len(agents) != 1 || len(d.agents) != 1 || agents[0] != d.agents[0] {
		diffs = append(diffs, fmt.Sprintf("agents: coderd has %v, template declares %v; want one", agents, d.agents))
	}
	for slug, always := range d.apps {
		if always && !apps[slug] {
			diffs = append(diffs, fmt.Sprintf("app %q (no count) missing from the imported version", slug))
		}
	}
	for slug := range apps {
		if _, ok := d.apps[slug]; !ok {
			diffs = append(diffs, fmt.Sprintf("app %q reported but not declared", slug))
		}
	}
	return diffs
}

// sameBound compares a validation bound coderd reports with the declared
// one; a bound the template leaves unset may come back as 0.
func sameBound(a, b *float64) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b) || (a != nil && b == nil && *a == 0)
}

func deref(f *float64) any {
	if f == nil {
		return "-"
	}
	return *f
}

// TestTemplatesImportIntoCoderd pushes every composed template of every
// environment into the real coderd, whose built-in provisioner runs real
// Terraform offline (filesystem mirror: the real coder provider, the
// schema providers in plan mode for aws, kubernetes, cloudinit, random),
// and checks coderd's view of each against what the template declares.
func TestTemplatesImportIntoCoderd(t *testing.T) {
	pg := pgtest.Start(t)
	s := startImportServer(t, pg, "prod")
	for _, envName := range coderd.Environments(t) {
		dirs, err := filepath.Glob(filepath.Join(coderd.RepoRoot, "rendered", envName, "templates", "*"))
		if err != nil || len(dirs) == 0 {
			t.Fatalf("%s: no rendered templates: %v", envName, err)
		}
		for _, dir := range dirs {
			name := envName + "-" + filepath.Base(dir)
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				if out, err := s.push(t, name, dir); err != nil {
					t.Fatalf("coder templates push %s: %v\n%s", dir, err, coderd.Tail(out, 40))
				}
				for _, d := range compare(readDeclared(t, dir), s.imported(t, name)) {
					t.Error(d)
				}
			})
		}
	}
}

// brokenTemplates are mutations of a composed template that Coder must
// refuse, each with the message (a substring) coderd's import reports.
var brokenTemplates = []struct {
	name, want string
	mutate     func(tf map[string]any)
}{
	{"default-outside-options", "Default value must be a valid option", func(tf map[string]any) {
		param(tf, "cpu")["default"] = "3"
	}},
	{"app-slug-invalid", `invalid "coder_app" slug, must be a valid hostname`, func(tf map[string]any) {
		app(tf, "code_server")["slug"] = "Code_Server"
	}},
	{"app-slug-twice", "duplicate app slug, they must be unique per template", func(tf map[string]any) {
		apps := tf["resource"].(map[string]any)["coder_app"].(map[string]any)
		dup := map[string]any{}
		for k, v := range app(tf, "code_server") {
			dup[k] = v
		}
		apps["code_server_again"] = dup
	}},
}

func param(tf map[string]any, name string) map[string]any {
	return tf["data"].(map[string]any)["coder_parameter"].(map[string]any)[name].(map[string]any)
}

func app(tf map[string]any, name string) map[string]any {
	return tf["resource"].(map[string]any)["coder_app"].(map[string]any)[name].(map[string]any)
}

// TestBrokenTemplatesRefused proves the import test can fail: each broken
// variant of the prod pod template is refused with coderd's message.
func TestBrokenTemplatesRefused(t *testing.T) {
	pg := pgtest.Start(t)
	s := startImportServer(t, pg, "prod")
	src, err := os.ReadFile(filepath.Join(coderd.RepoRoot, "rendered", "prod", "templates", "pod-swdev", "main.tf.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, bc := range brokenTemplates {
		t.Run(bc.name, func(t *testing.T) {
			t.Parallel()
			var tf map[string]any
			if err := json.Unmarshal(src, &tf); err != nil {
				t.Fatal(err)
			}
			bc.mutate(tf)
			dir := t.TempDir()
			data, _ := json.Marshal(tf)
			if err := os.WriteFile(filepath.Join(dir, "main.tf.json"), data, 0o644); err != nil {
				t.Fatal(err)
			}
			out, err := s.push(t, "broken-"+bc.name, dir)
			if err == nil {
				t.Fatalf("coderd imported the broken template:\n%s", coderd.Tail(out, 20))
			}
			if !strings.Contains(out, bc.want) {
				t.Errorf("coderd refused it, but without %q:\n%s", bc.want, errorLines(out))
			}
		})
	}
}

// errorLines keeps the lines of a push's output that carry the error.
func errorLines(out string) string {
	var keep []string
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(strings.ToLower(l), "error") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}
