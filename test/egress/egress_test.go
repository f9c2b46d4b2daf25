// Package egress checks every composed template against the network its
// workspaces get: what a workspace fetches at start-up (the URLs in its
// boot and startup scripts, the agent binary from the agent endpoint, and
// the package mirrors behind apt-get as schema.package_sources records
// them, after the template's own pre-agent rewrite has run) must be
// reachable through the egress rules rendered for its network-egress mode:
// the EC2 workspace security group in the infra module, or the Kubernetes
// NetworkPolicies (the cluster's baseline and the template's own) that
// select the workspace pod.
package egress

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/cuecontext"
	"cuelang.org/go/cue/load"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/yaml"
)

const root = "../.."

func TestStartupFetchesAreAllowedByEgress(t *testing.T) {
	sources := packageSources(t)
	mains, err := filepath.Glob(filepath.Join(root, "rendered", "*", "templates", "*", "main.tf.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(mains) == 0 {
		t.Fatal("no templates under rendered/: render them first (go run ./generator)")
	}
	for _, main := range mains {
		rel, _ := filepath.Rel(filepath.Join(root, "rendered"), filepath.Dir(main))
		env := strings.Split(filepath.ToSlash(rel), "/")[0]
		t.Run(filepath.ToSlash(rel), func(t *testing.T) {
			tpl := readTemplate(t, main)
			net := egressOf(t, env, tpl)
			fetches := tpl.fetches(t, env, sources)
			if len(fetches) == 0 {
				t.Fatal("no start-up fetch found: the scripts are not where this test looks")
			}
			for _, f := range fetches {
				t.Logf("%s: %s", f.why, f.url)
				if why := net.refuses(f.url); why != "" {
					t.Errorf("%s fetches %s (%s), which its egress (%s) refuses: %s", tpl.name, f.url, f.why, net.mode, why)
				}
			}
		})
	}
}

// ---- the template ----

type template struct {
	name           string
	Data, Resource map[string]map[string]map[string]any
	Locals         map[string]any
}

func readTemplate(t *testing.T, path string) *template {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var tpl template
	if err := json.Unmarshal(b, &struct {
		Data     *map[string]map[string]map[string]any `json:"data"`
		Resource *map[string]map[string]map[string]any `json:"resource"`
		Locals   *map[string]any                       `json:"locals"`
	}{&tpl.Data, &tpl.Resource, &tpl.Locals}); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	tpl.name = filepath.Base(filepath.Dir(path))
	return &tpl
}

func (t *template) ec2() bool { return len(t.Resource["aws_instance"]) > 0 }

// platform is the schema.#Platform the template runs on.
func (t *template) platform() string {
	if t.ec2() {
		return "ec2"
	}
	return "kubernetes"
}

// localRef matches a whole ${local.NAME} interpolation.
var localRef = regexp.MustCompile(`\$\{local\.([a-z0-9_]+)\}`)

// resolve replaces ${local.NAME} by the local's literal value and unescapes
// Terraform's $${ (what the shell sees).
func (t *template) resolve(s string) string {
	s = localRef.ReplaceAllStringFunc(s, func(m string) string {
		if v, ok := t.Locals[localRef.FindStringSubmatch(m)[1]].(string); ok {
			return v
		}
		return m
	})
	return strings.ReplaceAll(s, "$${", "${")
}

// bootScripts are what runs before the agent as the machine's or
// container's own start: the cloud-init shell parts (EC2 Linux), the
// PowerShell user data (Windows) or the container command (pods). Each is
// cut where the agent's init script begins.
func (t *template) bootScripts() []string {
	var out []string
	for _, cfg := range t.Data["cloudinit_config"] {
		for _, p := range list(cfg["part"]) {
			if p["content_type"] == "text/x-shellscript" {
				out = append(out, p["content"].(string))
			}
		}
	}
	for _, inst := range t.Resource["aws_instance"] {
		if ud, _ := inst["user_data"].(string); !strings.HasPrefix(ud, "${data.cloudinit_config.") {
			out = append(out, ud)
		}
	}
	for _, d := range t.Resource["kubernetes_deployment_v1"] {
		for _, spec := range list(d["spec"]) {
			for _, tmpl := range list(spec["template"]) {
				for _, ps := range list(tmpl["spec"]) {
					for _, c := range list(ps["container"]) {
						var cmd []string
						for _, a := range c["command"].([]any) {
							cmd = append(cmd, a.(string))
						}
						out = append(out, strings.Join(cmd, "\n"))
					}
				}
			}
		}
	}
	for i, s := range out {
		if before, _, ok := strings.Cut(s, "coder_agent.main.init_script"); ok {
			out[i] = before
		}
	}
	return out
}

// agentScripts are what the agent runs at start: the startup script and
// every coder_script run on start.
func (t *template) agentScripts() []string {
	var out []string
	for _, a := range t.Resource["coder_agent"] {
		if s, ok := a["startup_script"].(string); ok {
			out = append(out, s)
		}
	}
	for _, s := range t.Resource["coder_script"] {
		if s["run_on_start"] == true {
			out = append(out, s["script"].(string))
		}
	}
	return out
}

type fetch struct{ url, why string }

// urlPattern finds a literal URL's scheme, host and port in a script.
var urlPattern = regexp.MustCompile(`\bhttps?://[A-Za-z0-9][A-Za-z0-9.-]*(:[0-9]+)?`)

// managerCall finds a script calling a package manager.
var managerCall = map[string]*regexp.Regexp{
	"apt":   regexp.MustCompile(`\bapt-get\b`),
	"dnf":   regexp.MustCompile(`\bdnf\b`),
	"choco": regexp.MustCompile(`\bchoco\b`),
}

func (t *template) fetches(tb *testing.T, env string, sources map[string]pkgSources) []fetch {
	var out []fetch
	scripts := append(t.bootScripts(), t.agentScripts()...)
	for _, s := range scripts {
		for _, u := range urlPattern.FindAllString(t.resolve(s), -1) {
			if h := hostOf(u); h == "localhost" || h == "127.0.0.1" {
				continue // the workspace's own servers
			}
			out = append(out, fetch{u, "a script's URL"})
		}
	}
	// The agent's init script downloads the agent from the endpoint.
	endpoint, _ := t.Locals["agent_endpoint"].(string)
	if endpoint == "${data.coder_workspace.me.access_url}" {
		endpoint = accessURL(tb, env)
	}
	out = append(out, fetch{endpoint, "the agent binary from local.agent_endpoint"})

	// The package manager of the workspace's OS, when a script calls it.
	src := sources[osVariant(tb, t)]
	calls := false
	for _, s := range scripts {
		calls = calls || managerCall[src.Manager] != nil && managerCall[src.Manager].MatchString(s)
	}
	switch {
	case calls && src.Manager == "apt":
		for _, u := range t.aptSources(tb, src) {
			out = append(out, fetch{u, "apt-get's package source after the pre-agent scripts ran"})
		}
	case calls:
		for _, u := range src.Shipped[t.platform()] {
			out = append(out, fetch{strings.ReplaceAll(u, "{region}", t.region(tb)), src.Manager + "'s package source"})
		}
	}
	return dedupe(out)
}

// aptSources writes the sources the image ships into a scratch /etc/apt,
// runs every local the boot scripts run before the agent (with sudo
// resolved to the test's own user) on it, and reads the URIs back.
func (t *template) aptSources(tb *testing.T, src pkgSources) []string {
	platform := t.platform()
	region := t.region(tb)
	dir := tb.TempDir()
	for _, f := range src.Files {
		path := filepath.Join(dir, f.Path)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			tb.Fatal(err)
		}
		var b strings.Builder
		for _, u := range src.Shipped[platform] {
			u = strings.ReplaceAll(u, "{region}", region)
			switch f.Format {
			case "deb822":
				fmt.Fprintf(&b, "Types: deb\nURIs: %s\nSuites: noble noble-updates\nComponents: main universe\nSigned-By: /usr/share/keyrings/ubuntu-archive-keyring.gpg\n\n", u)
			case "one-line":
				fmt.Fprintf(&b, "deb %s jammy main universe\n", u)
			}
		}
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	bin := filepath.Join(dir, "bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bin, "sudo"), []byte("#!/bin/sh\n[ \"$1\" = -n ] && shift\nexec \"$@\"\n"), 0o755); err != nil {
		tb.Fatal(err)
	}
	for _, boot := range t.bootScripts() {
		for _, m := range localRef.FindAllStringSubmatch(boot, -1) {
			script, ok := t.Locals[m[1]].(string)
			if !ok || !strings.Contains(boot, "\n"+m[0]+"\n") && !strings.HasPrefix(boot, m[0]+"\n") {
				continue // not a script line of its own
			}
			script = strings.ReplaceAll(strings.ReplaceAll(script, "$${", "${"), "/etc/", dir+"/etc/")
			cmd := exec.Command("sh", "-c", script)
			cmd.Env = append(os.Environ(), "PATH="+bin+":"+os.Getenv("PATH"))
			if out, err := cmd.CombinedOutput(); err != nil || len(out) > 0 {
				tb.Fatalf("local.%s failed (%v): %s", m[1], err, out)
			}
		}
	}
	var uris []string
	for _, f := range src.Files {
		b, err := os.ReadFile(filepath.Join(dir, f.Path))
		if err != nil {
			tb.Fatal(err)
		}
		for _, line := range strings.Split(string(b), "\n") {
			switch fields := strings.Fields(line); {
			case f.Format == "deb822" && len(fields) >= 2 && fields[0] == "URIs:":
				uris = append(uris, fields[1:]...)
			case f.Format == "one-line" && len(fields) >= 2 && fields[0] == "deb":
				uris = append(uris, fields[1])
			}
		}
	}
	if len(uris) == 0 {
		tb.Fatal("no apt source left after the pre-agent scripts")
	}
	return uris
}

func (t *template) region(tb *testing.T) string {
	env, _ := t.Locals["runtime_env"].(map[string]any)
	r, _ := env["AWS_REGION"].(string)
	if r == "" {
		tb.Fatal("no AWS_REGION in local.runtime_env")
	}
	return r
}

// osVariant maps local.metadata.os (a display name) back to its
// schema.os_variants key.
func osVariant(tb *testing.T, t *template) string {
	md, _ := t.Locals["metadata"].(map[string]any)
	display, _ := md["os"].(string)
	for k, v := range schemaValue[map[string]struct {
		Display string `json:"display"`
	}](tb, "os_variants") {
		if v.Display == display {
			return k
		}
	}
	tb.Fatalf("local.metadata.os %q is no schema.os_variants display name", display)
	return ""
}

// ---- the network ----

type network struct {
	mode string
	// allows reports whether TCP to host:port is allowed, and if not why.
	allows func(host string, port int) (bool, string)
}

func (n network) refuses(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return err.Error()
	}
	port := map[string]int{"http": 80, "https": 443}[u.Scheme]
	if p := u.Port(); p != "" {
		port, _ = strconv.Atoi(p)
	}
	if ok, why := n.allows(u.Hostname(), port); !ok {
		return why
	}
	return ""
}

func egressOf(t *testing.T, env string, tpl *template) network {
	if tpl.ec2() {
		return securityGroupEgress(t, env, tpl)
	}
	return networkPolicyEgress(t, env, tpl)
}

// securityGroupEgress reads the group the template looks up by name from
// the infra module's rendered security groups and egress rules.
func securityGroupEgress(t *testing.T, env string, tpl *template) network {
	name, _ := tpl.Data["aws_security_group"]["workspace"]["name"].(string)
	if name == "" {
		t.Fatal("EC2 template without data.aws_security_group.workspace.name")
	}
	infra := map[string]map[string]map[string]any{}
	files, _ := filepath.Glob(filepath.Join(root, "rendered", env, "terraform", "infra", "*.tf.json"))
	for _, f := range files {
		var m struct {
			Resource map[string]map[string]map[string]any `json:"resource"`
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for typ, rs := range m.Resource {
			if infra[typ] == nil {
				infra[typ] = map[string]map[string]any{}
			}
			for k, v := range rs {
				infra[typ][k] = v
			}
		}
	}
	key := ""
	for k, sg := range infra["aws_security_group"] {
		if sg["name"] == name {
			key = k
		}
	}
	if key == "" {
		t.Fatalf("security group %q is not rendered in rendered/%s/terraform/infra", name, env)
	}
	type rule struct {
		proto    string
		from, to int
	}
	var rules []rule
	for _, r := range infra["aws_vpc_security_group_egress_rule"] {
		if r["security_group_id"] != "${aws_security_group."+key+".id}" || r["cidr_ipv4"] != "0.0.0.0/0" {
			continue
		}
		from, _ := r["from_port"].(float64)
		to, _ := r["to_port"].(float64)
		rules = append(rules, rule{r["ip_protocol"].(string), int(from), int(to)})
	}
	return network{mode: "security group " + name, allows: func(host string, port int) (bool, string) {
		if strings.HasSuffix(host, ".svc.cluster.local") {
			return false, "an in-cluster Service is not reachable from an instance"
		}
		for _, r := range rules {
			if r.proto == "-1" || r.proto == "tcp" && r.from <= port && port <= r.to {
				return true, ""
			}
		}
		return false, fmt.Sprintf("no egress rule opens TCP %d to 0.0.0.0/0", port)
	}}
}

// networkPolicyEgress gathers the egress rules of every NetworkPolicy that
// selects the workspace pod: the cluster's (rendered/<env>/k8s) and the
// template's own.
func networkPolicyEgress(t *testing.T, env string, tpl *template) network {
	var pod map[string]any
	var namespace string
	for _, d := range tpl.Resource["kubernetes_deployment_v1"] {
		namespace = list(d["metadata"])[0]["namespace"].(string)
		pod = list(list(list(d["spec"])[0]["template"])[0]["metadata"])[0]
	}
	labels := map[string]string{}
	for k, v := range pod["labels"].(map[string]any) {
		labels[k] = v.(string)
	}
	var rules []networkingv1.NetworkPolicyEgressRule
	b, err := os.ReadFile(filepath.Join(root, "rendered", env, "k8s", "network-policies.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, doc := range strings.Split(string(b), "\n---\n") {
		var p networkingv1.NetworkPolicy
		if err := yaml.Unmarshal([]byte(doc), &p); err != nil {
			t.Fatal(err)
		}
		if p.Namespace != namespace || !hasEgress(p.Spec.PolicyTypes) {
			continue
		}
		if selects(t, p.Spec.PodSelector, labels) {
			rules = append(rules, p.Spec.Egress...)
		}
	}
	// The template's own policy, converted to the API shape.
	for _, np := range tpl.Resource["kubernetes_network_policy_v1"] {
		spec := list(np["spec"])[0]
		sel := metav1.LabelSelector{MatchLabels: map[string]string{}}
		for k, v := range list(spec["pod_selector"])[0]["match_labels"].(map[string]any) {
			sel.MatchLabels[k] = v.(string)
		}
		if !selects(t, sel, labels) {
			continue
		}
		for _, e := range list(spec["egress"]) {
			var r networkingv1.NetworkPolicyEgressRule
			for _, p := range list(e["port"]) {
				r.Ports = append(r.Ports, apiPort(p))
			}
			for _, p := range list(e["ports"]) {
				r.Ports = append(r.Ports, apiPort(p))
			}
			for _, to := range list(e["to"]) {
				var peer networkingv1.NetworkPolicyPeer
				for _, ib := range list(to["ip_block"]) {
					peer.IPBlock = &networkingv1.IPBlock{CIDR: ib["cidr"].(string)}
				}
				for _, ns := range list(to["namespace_selector"]) {
					peer.NamespaceSelector = &metav1.LabelSelector{MatchLabels: map[string]string{}}
					for k, v := range ns["match_labels"].(map[string]any) {
						peer.NamespaceSelector.MatchLabels[k] = v.(string)
					}
				}
				for range list(to["pod_selector"]) {
					peer.PodSelector = &metav1.LabelSelector{} // narrows: not used for the internet
				}
				r.To = append(r.To, peer)
			}
			rules = append(rules, r)
		}
	}
	mode := "NetworkPolicies selecting " + labels["coder-eks/network-egress"] + " pods in " + namespace
	return network{mode: mode, allows: func(host string, port int) (bool, string) {
		for _, r := range rules {
			if !portAllowed(r.Ports, port) {
				continue
			}
			if len(r.To) == 0 {
				return true, ""
			}
			for _, peer := range r.To {
				if svcNS, ok := strings.CutSuffix(host, ".svc.cluster.local"); ok {
					_, ns, _ := strings.Cut(svcNS, ".")
					if peer.NamespaceSelector != nil && peer.PodSelector == nil &&
						peer.NamespaceSelector.MatchLabels["kubernetes.io/metadata.name"] == ns {
						return true, ""
					}
					continue
				}
				if peer.IPBlock != nil && peer.IPBlock.CIDR == "0.0.0.0/0" {
					return true, ""
				}
			}
		}
		return false, fmt.Sprintf("no egress rule opens TCP %d to %s", port, host)
	}}
}

func apiPort(p map[string]any) networkingv1.NetworkPolicyPort {
	var out networkingv1.NetworkPolicyPort
	if proto, ok := p["protocol"].(string); ok {
		pr := corev1Protocol(proto)
		out.Protocol = &pr
	}
	if s, ok := p["port"].(string); ok {
		n, _ := strconv.Atoi(s)
		v := intOrString(n)
		out.Port = &v
	}
	return out
}

func portAllowed(ports []networkingv1.NetworkPolicyPort, port int) bool {
	if len(ports) == 0 {
		return true
	}
	for _, p := range ports {
		if p.Protocol != nil && *p.Protocol != "TCP" {
			continue
		}
		if p.Port == nil {
			return true
		}
		end := int(p.Port.IntVal)
		if p.EndPort != nil {
			end = int(*p.EndPort)
		}
		if int(p.Port.IntVal) <= port && port <= end {
			return true
		}
	}
	return false
}

func hasEgress(types []networkingv1.PolicyType) bool {
	for _, t := range types {
		if t == networkingv1.PolicyTypeEgress {
			return true
		}
	}
	return false
}

func selects(t *testing.T, sel metav1.LabelSelector, labels map[string]string) bool {
	sel.MatchLabels = concrete(sel.MatchLabels)
	labels = concrete(labels)
	s, err := metav1.LabelSelectorAsSelector(&sel)
	if err != nil {
		t.Fatal(err)
	}
	return s.Matches(labelSet(labels))
}

// ---- inputs ----

type pkgSources struct {
	Manager string              `json:"manager"`
	Shipped map[string][]string `json:"shipped"`
	Files   []struct {
		Path   string `json:"path"`
		Format string `json:"format"`
	} `json:"files"`
}

func packageSources(tb *testing.T) map[string]pkgSources {
	return schemaValue[map[string]pkgSources](tb, "package_sources")
}

var schemaPkg cue.Value

func schemaValue[T any](tb *testing.T, path string) T {
	if !schemaPkg.Exists() {
		insts := load.Instances([]string{"./schema"}, &load.Config{Dir: root})
		if err := insts[0].Err; err != nil {
			tb.Fatal(err)
		}
		schemaPkg = cuecontext.New().BuildInstance(insts[0])
		if err := schemaPkg.Err(); err != nil {
			tb.Fatal(err)
		}
	}
	var out T
	if err := schemaPkg.LookupPath(cue.ParsePath(path)).Decode(&out); err != nil {
		tb.Fatalf("schema.%s: %v", path, err)
	}
	return out
}

// accessURL is CODER_ACCESS_URL from the environment's coderd values.
func accessURL(tb *testing.T, env string) string {
	b, err := os.ReadFile(filepath.Join(root, "rendered", env, "helm", "coder.values.yaml"))
	if err != nil {
		tb.Fatal(err)
	}
	var v struct {
		Coder struct {
			Env []struct{ Name, Value string } `json:"env"`
		} `json:"coder"`
	}
	if err := yaml.Unmarshal(b, &v); err != nil {
		tb.Fatal(err)
	}
	for _, e := range v.Coder.Env {
		if e.Name == "CODER_ACCESS_URL" {
			return e.Value
		}
	}
	tb.Fatalf("no CODER_ACCESS_URL in rendered/%s/helm/coder.values.yaml", env)
	return ""
}

func list(v any) []map[string]any {
	var out []map[string]any
	items, _ := v.([]any)
	for _, i := range items {
		if m, ok := i.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Hostname()
}

func dedupe(in []fetch) []fetch {
	seen := map[string]bool{}
	var out []fetch
	for _, f := range in {
		if !seen[f.url] {
			seen[f.url] = true
			out = append(out, f)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].url < out[j].url })
	return out
}

// concrete replaces each Terraform interpolation in label values by a
// token of its own, so a selector and a label written with the same
// expression match.
func concrete(m map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		out[k] = interpolation.ReplaceAllStringFunc(v, func(e string) string {
			h := fnv.New32a()
			h.Write([]byte(e))
			return fmt.Sprintf("e%08x", h.Sum32())
		})
	}
	return out
}

var interpolation = regexp.MustCompile(`\$\{[^}]*\}`)

func corev1Protocol(s string) corev1.Protocol { return corev1.Protocol(s) }
func intOrString(n int) intstr.IntOrString    { return intstr.FromInt32(int32(n)) }
func labelSet(m map[string]string) labels.Set { return labels.Set(m) }
