package templates

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/coder-eks/coder-eks/generator/internal/config"
	model "github.com/coder-eks/coder-eks/generator/internal/model/templates"
	"github.com/coder-eks/coder-eks/generator/internal/render/tfjson"
)

// doc is a rendered main.tf.json, decoded.
type doc map[string]any

// renderPairing composes a pairing in prod and renders its main.tf.json.
// The real toolchains fix some capabilities (swdev requires https-only
// egress and a persistent home), so a test of the other values sets them
// on the composition afterwards: the renderer realises whatever composition
// it is given.
func renderPairing(t *testing.T, p config.Pairing, set ...func(*config.Capabilities)) doc {
	t.Helper()
	env := prodEnv(t)
	if p.DisplayName == "" {
		p.DisplayName, p.Description, p.Enabled = "Test", "A test pairing", true
	}
	c, err := env.Layers.Compose("test", p)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Violations) > 0 {
		t.Fatalf("pairing rejected: %+v", c.Violations)
	}
	for _, f := range set {
		f(&c.Capabilities)
	}
	main, err := Main(model.BuildOne(env, c))
	if err != nil {
		t.Fatal(err)
	}
	if refs, err := tfjson.Unresolved(map[string][]byte{"main.tf.json": main}); err != nil || len(refs) > 0 {
		t.Fatalf("unresolved references %v, err %v", refs, err)
	}
	if unused, err := tfjson.Unused(map[string][]byte{"main.tf.json": main}); err != nil || len(unused) > 0 {
		t.Fatalf("declared and never read %v, err %v", unused, err)
	}
	var d doc
	if err := json.Unmarshal(main, &d); err != nil {
		t.Fatal(err)
	}
	return d
}

// get walks a path of object keys and list indexes ("resource",
// "aws_instance", "workspace", "metadata_options", 0, "http_tokens").
func (d doc) get(path ...any) any {
	var v any = map[string]any(d)
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[k]
		case int:
			l, ok := v.([]any)
			if !ok || k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

func (d doc) has(path ...any) bool { return d.get(path...) != nil }

func pairing(toolchain, base string, caps map[string]any) config.Pairing {
	if caps == nil {
		caps = map[string]any{}
	}
	return config.Pairing{Toolchain: toolchain, Base: base, Capabilities: caps, ComputeProfile: map[string]int{}}
}

// TestKubernetesBase checks how base-k8s realises each capability value.
func TestKubernetesBase(t *testing.T) {
	pod := func(rest ...any) []any {
		return append([]any{"resource", "kubernetes_deployment_v1", "workspace", "spec", 0, "template", 0, "spec", 0}, rest...)
	}
	egressPorts := func(d doc) []string {
		var ports []string
		rules, _ := d.get("resource", "kubernetes_network_policy_v1", "workspace", "spec", 0, "egress").([]any)
		for _, r := range rules {
			ps, _ := r.(map[string]any)["ports"].([]any)
			if len(ps) == 0 {
				ports = append(ports, "all")
			}
			for _, p := range ps {
				ports = append(ports, p.(map[string]any)["protocol"].(string)+"/"+p.(map[string]any)["port"].(string))
			}
		}
		return ports
	}
	tests := []struct {
		name  string
		caps  map[string]any
		set   func(*config.Capabilities)
		check func(t *testing.T, d doc)
	}{
		{"defaults", nil, nil, func(t *testing.T, d doc) {
			if got := d.get("resource", "kubernetes_deployment_v1", "workspace", "count"); got != "${data.coder_workspace.me.start_count}" {
				t.Errorf("deployment count = %v", got)
			}
			if d.has("resource", "kubernetes_persistent_volume_claim_v1", "home", "count") {
				t.Error("the home PVC has a count: it would not outlive stops")
			}
			if got := d.get(pod("volume", 0, "persistent_volume_claim", 0, "claim_name")...); got != "${kubernetes_persistent_volume_claim_v1.home.metadata[0].name}" {
				t.Errorf("home volume = %v", got)
			}
			if got := d.get(pod("node_selector", "coder.com/node-group")...); got != "workspace" {
				t.Errorf("node selector = %v", got)
			}
			if got := d.get(pod("toleration", 0, "key")...); got != "coder.com/node-group" {
				t.Errorf("toleration = %v", got)
			}
			if got := d.get("resource", "kubernetes_service_account_v1", "workspace", "metadata", 0, "annotations", "eks.amazonaws.com/role-arn"); got != "arn:aws:iam::111122223333:role/coder-prod-workspace" {
				t.Errorf("IRSA role = %v", got)
			}
			if diff := cmp.Diff([]string{"UDP/53", "TCP/53", "all", "TCP/443"}, egressPorts(d)); diff != "" {
				t.Errorf("https-only egress (-want +got):\n%s", diff)
			}
			if got := d.get("locals", "agent_endpoint"); got != "http://coder.coder.svc.cluster.local:443" {
				t.Errorf("agent endpoint = %v", got)
			}
		}},
		{"no egress", nil, func(c *config.Capabilities) { c.NetworkEgress = "none" }, func(t *testing.T, d doc) {
			if diff := cmp.Diff([]string{"UDP/53", "TCP/53", "all"}, egressPorts(d)); diff != "" {
				t.Errorf("egress none (-want +got):\n%s", diff)
			}
			// The label keeps the pod out of the namespace's HTTPS baseline.
			if got := d.get("resource", "kubernetes_deployment_v1", "workspace", "spec", 0, "template", 0, "metadata", 0, "labels", "coder-eks/network-egress"); got != "none" {
				t.Errorf("pod network-egress label = %v", got)
			}
		}},
		{"unrestricted egress", nil, func(c *config.Capabilities) { c.NetworkEgress = "unrestricted" }, func(t *testing.T, d doc) {
			if diff := cmp.Diff([]string{"UDP/53", "TCP/53", "all", "all"}, egressPorts(d)); diff != "" {
				t.Errorf("egress unrestricted (-want +got):\n%s", diff)
			}
		}},
		{"oidc identity", map[string]any{"identity-mode": "oidc"}, nil, func(t *testing.T, d doc) {
			if d.has("resource", "kubernetes_service_account_v1") {
				t.Error("an IRSA service account without identity-mode iam")
			}
			if got := d.get(pod("automount_service_account_token")...); got != false {
				t.Errorf("automount_service_account_token = %v", got)
			}
			if got := d.get("locals", "runtime_env", "CODER_OIDC_ACCESS_TOKEN"); got != "${data.coder_workspace_owner.me.oidc_access_token}" {
				t.Errorf("CODER_OIDC_ACCESS_TOKEN = %v", got)
			}
		}},
		{"artifact cache and secrets manager", map[string]any{"artifact-cache": true, "secrets-injection": "secrets-manager"}, nil, func(t *testing.T, d doc) {
			if !d.has("resource", "kubernetes_persistent_volume_claim_v1", "cache") {
				t.Error("no cache PVC")
			}
			if got := d.get("locals", "runtime_env", "GOMODCACHE"); got != "/var/cache/artifacts/go/mod" {
				t.Errorf("GOMODCACHE = %v", got)
			}
			if got := d.get("locals", "runtime_env", "CODER_SECRETS_PREFIX"); got != "coder/prod/workspaces/${local.owner}/" {
				t.Errorf("CODER_SECRETS_PREFIX = %v", got)
			}
			script, _ := d.get("resource", "coder_agent", "main", "startup_script").(string)
			if !strings.Contains(script, "# artifact-cache") {
				t.Error("startup script does not set up the artifact cache")
			}
		}},
		{"ephemeral home, desktop on", map[string]any{"gui-vnc": true}, func(c *config.Capabilities) { c.PersistentHome = false }, func(t *testing.T, d doc) {
			if d.has("resource", "kubernetes_persistent_volume_claim_v1") {
				t.Error("a PVC without persistent-home")
			}
			if !d.has(pod("volume", 0, "empty_dir")...) {
				t.Error("home is not an emptyDir")
			}
			if got := d.get("resource", "coder_metadata", "workspace", "count"); got != "${data.coder_workspace.me.start_count}" {
				t.Errorf("metadata on the deployment needs its count, got %v", got)
			}
			if d.has("data", "coder_parameter", "gui_vnc") || d.has("resource", "coder_app", "gui_vnc", "count") {
				t.Error("a desktop the pairing switched on is still a parameter")
			}
			script, _ := d.get("resource", "coder_agent", "main", "startup_script").(string)
			if !strings.Contains(script, "kasmvncserver") {
				t.Error("startup script does not start KasmVNC")
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var set []func(*config.Capabilities)
			if tc.set != nil {
				set = append(set, tc.set)
			}
			tc.check(t, renderPairing(t, pairing("swdev-toolchain", "base-k8s", tc.caps), set...))
		})
	}
}

// TestEC2Bases checks the EC2 bases' instance and how each realises its
// capabilities.
func TestEC2Bases(t *testing.T) {
	instance := func(rest ...any) []any { return append([]any{"resource", "aws_instance", "workspace"}, rest...) }
	common := func(t *testing.T, d doc) {
		for path, want := range map[string]any{
			"metadata_options/http_tokens":                 "required",
			"metadata_options/http_put_response_hop_limit": float64(1),
			"root_block_device/encrypted":                  true,
			"root_block_device/volume_type":                "gp3",
			"root_block_device/kms_key_id":                 "${data.aws_kms_alias.ebs.target_key_arn}",
		} {
			block, attr, _ := strings.Cut(path, "/")
			if got := d.get(instance(block, 0, attr)...); got != want {
				t.Errorf("%s = %v, want %v", path, got, want)
			}
		}
		if got := d.get(instance("tags", "coder-eks/environment")...); got != "coder-prod" {
			t.Errorf("environment tag = %v", got)
		}
		if got := d.get(instance("volume_tags", "coder-eks/environment")...); got != "coder-prod" {
			t.Errorf("volume environment tag = %v", got)
		}
		if got := d.get(instance("iam_instance_profile")...); got != "coder-prod-ec2-workspace" {
			t.Errorf("instance profile = %v", got)
		}
		if got := d.get("resource", "aws_ec2_instance_state", "workspace", "state"); !strings.Contains(got.(string), `transition == "start"`) {
			t.Errorf("instance state = %v", got)
		}
		if got := d.get("resource", "coder_agent", "main", "auth"); got != "aws-instance-identity" {
			t.Errorf("agent auth = %v", got)
		}
	}
	tests := []struct {
		name  string
		p     config.Pairing
		set   []func(*config.Capabilities)
		check func(t *testing.T, d doc)
	}{
		{"linux", pairing("datasci-toolchain", "base-ec2-linux", nil), nil, func(t *testing.T, d doc) {
			common(t, d)
			if got := d.get("data", "aws_security_group", "workspace", "name"); got != "coder-prod-ec2-workspaces" {
				t.Errorf("security group = %v", got)
			}
			if got := d.get("data", "aws_ami", "workspace", "owners", 0); got != "099720109477" {
				t.Errorf("AMI owner = %v (Canonical's for ubuntu-24.04)", got)
			}
			if got := d.get(instance("user_data")...); got != "${data.cloudinit_config.workspace.rendered}" {
				t.Errorf("user_data = %v", got)
			}
			if !d.has("resource", "coder_app", "jupyter") {
				t.Error("no JupyterLab app")
			}
		}},
		{"linux, unrestricted, oidc", pairing("datasci-toolchain", "base-ec2-linux", map[string]any{"identity-mode": "oidc"}),
			[]func(*config.Capabilities){func(c *config.Capabilities) { c.NetworkEgress = "unrestricted" }}, func(t *testing.T, d doc) {
				if got := d.get("data", "aws_security_group", "workspace", "name"); got != "coder-prod-ec2-workspaces-unrestricted" {
					t.Errorf("security group = %v", got)
				}
				if d.has(instance("iam_instance_profile")...) {
					t.Error("an instance profile without identity-mode iam")
				}
			}},
		{"gpu", config.Pairing{Toolchain: "datasci-toolchain", Base: "base-ec2-gpu", Capabilities: map[string]any{"gpu-support": true}, ComputeProfile: map[string]int{"gpu": 1}}, nil, func(t *testing.T, d doc) {
			common(t, d)
			options, _ := d.get("data", "coder_parameter", "instance_type", "option").([]any)
			var types []string
			for _, o := range options {
				types = append(types, o.(map[string]any)["value"].(string))
			}
			if diff := cmp.Diff([]string{"g4dn.xlarge", "g4dn.2xlarge", "g5.xlarge", "g5.2xlarge"}, types); diff != "" {
				t.Errorf("instance types (-want +got):\n%s", diff)
			}
			if got := d.get("data", "aws_ami", "workspace", "filter", 0, "values", 0); !strings.Contains(got.(string), "Deep Learning Base OSS Nvidia Driver GPU AMI") {
				t.Errorf("AMI = %v", got)
			}
			if got := d.get("locals", "runtime_env", "CUDA_HOME"); got != "/usr/local/cuda" {
				t.Errorf("CUDA_HOME = %v", got)
			}
		}},
		{"windows", pairing("windev-toolchain", "base-ec2-windows", nil), nil, func(t *testing.T, d doc) {
			common(t, d)
			if got := d.get(instance("user_data")...).(string); !strings.HasPrefix(got, "<powershell>") || !strings.HasSuffix(got, "<persist>true</persist>\n") {
				t.Errorf("user_data = %q", got)
			}
			if got := d.get("resource", "coder_app", "gui_rdp", "url"); got != "https://localhost:8443" {
				t.Errorf("DCV app = %v", got)
			}
			if !d.has("resource", "random_password", "desktop") {
				t.Error("no desktop password")
			}
			script := d.get("resource", "coder_agent", "main", "startup_script").(string)
			userData := d.get(instance("user_data")...).(string)
			if !strings.Contains(userData, "${random_password.desktop.result}") || !strings.Contains(script, "nice-dcv-server") {
				t.Error("user data does not create the account or the startup script does not install DCV")
			}
			if got := d.get("resource", "coder_agent", "main", "os"); got != "windows" {
				t.Errorf("agent os = %v", got)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.check(t, renderPairing(t, tc.p, tc.set...)) })
	}
}

// TestScriptsAreEscaped: a shell variable in a toolchain's script stays a
// shell variable, not a Terraform interpolation.
func TestScriptsAreEscaped(t *testing.T) {
	d := renderPairing(t, pairing("swdev-toolchain", "base-k8s", nil))
	script := d.get("resource", "coder_agent", "main", "startup_script").(string)
	if !strings.Contains(script, "terraform_$${TERRAFORM}_linux_amd64.zip") {
		t.Errorf("the install script's ${TERRAFORM} is not escaped")
	}
}

// TestIssue18Templates: what a template author found wrong in the composed
// templates (tracker issue 18, issue 10 item 15).
func TestIssue18Templates(t *testing.T) {
	linux := renderPairing(t, pairing("datasci-toolchain", "base-ec2-linux", nil))
	gpu := renderPairing(t, config.Pairing{Toolchain: "datasci-toolchain", Base: "base-ec2-gpu", Capabilities: map[string]any{"gpu-support": true}, ComputeProfile: map[string]int{"gpu": 1}})
	windows := renderPairing(t, pairing("windev-toolchain", "base-ec2-windows", nil))
	pod := renderPairing(t, pairing("swdev-toolchain", "base-k8s", nil))
	t.Run("a floating image tag is pulled at every start", func(t *testing.T) {
		if got := pod.get("resource", "kubernetes_deployment_v1", "workspace", "spec", 0, "template", 0, "spec", 0, "container", 0, "image_pull_policy"); got != "Always" {
			t.Errorf("pod with image %q: image_pull_policy %v, want Always (IfNotPresent lets nodes drift)", "docker.io/codercom/enterprise-base:ubuntu", got)
		}
		for image, want := range map[string]string{
			"docker.io/codercom/enterprise-base:ubuntu":                                                             "Always",
			"111122223333.dkr.ecr.us-east-1.amazonaws.com/enterprise-base:ubuntu@sha256:" + strings.Repeat("a", 64): "IfNotPresent",
		} {
			if got := pullPolicy(image); got != want {
				t.Errorf("pullPolicy(%s) = %s, want %s", image, got, want)
			}
		}
	})
	t.Run("aws provider required and pinned", func(t *testing.T) {
		for name, d := range map[string]doc{"linux": linux, "windows": windows} {
			if got := d.get("terraform", "required_providers", "aws", "source"); got != "hashicorp/aws" {
				t.Errorf("%s: required_providers.aws = %v", name, got)
			}
			if !d.has("provider", "aws", 0, "default_tags") {
				t.Errorf("%s: no aws provider with default tags", name)
			}
		}
	})
	t.Run("home on its own volume, fixed AZ and key", func(t *testing.T) {
		for name, d := range map[string]doc{"linux": linux, "gpu": gpu, "windows": windows} {
			ignored, _ := json.Marshal(d.get("resource", "aws_ebs_volume", "home", "lifecycle", 0, "ignore_changes"))
			for _, a := range []string{"availability_zone", "kms_key_id", "encrypted"} {
				if !strings.Contains(string(ignored), a) {
					t.Errorf("%s: aws_ebs_volume.home does not ignore %s (ignores %s)", name, a, ignored)
				}
			}
			if got := d.get("resource", "aws_ebs_volume", "home", "size"); got != "${local.compute_profile.storage_gib}" {
				t.Errorf("%s: home size = %v", name, got)
			}
			if got := d.get("resource", "aws_instance", "workspace", "subnet_id"); got != "${local.subnet_id}" || d.get("locals", "subnet_id") != "${terraform_data.placement.output.subnet_id}" {
				t.Errorf("%s: instance subnet %v, local.subnet_id %v: not the recorded placement", name, got, d.get("locals", "subnet_id"))
			}
			if got := d.get("resource", "aws_volume_attachment", "home", "volume_id"); got != "${aws_ebs_volume.home.id}" {
				t.Errorf("%s: attachment volume = %v", name, got)
			}
		}
		boot := linux.get("data", "cloudinit_config", "workspace", "part", 1, "content").(string)
		for _, want := range []string{"/dev/disk/by-id/nvme-Amazon_Elastic_Block_Store_$vol", `blkid -p "$dev"`, `if [ "$probe" -eq 2 ]; then`, "mount -o noatime"} {
			if !strings.Contains(boot, want) {
				t.Errorf("linux boot script lacks %q", want)
			}
		}
	})
	t.Run("root volume never below the AMI snapshot", func(t *testing.T) {
		got, _ := gpu.get("resource", "aws_instance", "workspace", "root_block_device", 0, "volume_size").(string)
		if !strings.Contains(got, "data.aws_ami.workspace.block_device_mappings") || !strings.HasPrefix(got, "${max(") {
			t.Errorf("GPU root volume_size = %q, not derived from the AMI's snapshot", got)
		}
	})
	t.Run("chocolatey 2 list", func(t *testing.T) {
		script := windows.get("resource", "coder_agent", "main", "startup_script").(string)
		if strings.Contains(script, "--local-only") || !strings.Contains(script, "chocolateyVersion") {
			t.Error("windev install uses choco list --local-only (rejected by Chocolatey 2) or leaves Chocolatey unpinned")
		}
	})
	t.Run("windows agent as the workspace user, coder on PATH, Defender on", func(t *testing.T) {
		ud := windows.get("resource", "aws_instance", "workspace", "user_data").(string)
		for _, want := range []string{"-User coder -Password $plain", `C:\\coder\\bin\\sshd.exe`, "coder.cmd", "-DisableRealtimeMonitoring $false"} {
			if !strings.Contains(ud, want) {
				t.Errorf("windows user data lacks %q", want)
			}
		}
		if windows.has("resource", "coder_app", "gui_rdp", "healthcheck") {
			t.Error("DCV app health check on a self-signed https URL the agent cannot verify")
		}
	})
	t.Run("pod: no API token, spread over nodes", func(t *testing.T) {
		spec := []any{"resource", "kubernetes_deployment_v1", "workspace", "spec", 0, "template", 0, "spec", 0}
		if got := pod.get(append(spec, "automount_service_account_token")...); got != false {
			t.Errorf("automount_service_account_token = %v", got)
		}
		if !pod.has(append(spec, "affinity", 0, "pod_anti_affinity")...) {
			t.Error("no pod anti-affinity")
		}
	})
	t.Run("KasmVNC starts unattended", func(t *testing.T) {
		d := renderPairing(t, pairing("swdev-toolchain", "base-ec2-linux", map[string]any{"gui-vnc": true}))
		script := d.get("resource", "coder_agent", "main", "startup_script").(string)
		for _, want := range []string{`vncpasswd -u "$USER" -wo`, "pem_certificate:\n", "pem_key:\n"} {
			if !strings.Contains(script, want) {
				t.Errorf("gui-vnc script lacks %q: vncserver prompts for a user or cannot read the snakeoil certificate", want)
			}
		}
	})
	t.Run("no dead declarations", func(t *testing.T) {
		if linux.has("data", "coder_provisioner") {
			t.Error("data.coder_provisioner.me is declared and never read")
		}
	})
}

// TestFIPSTemplates: in an environment with FIPS endpoints the template's
// aws provider and the workspace's SDKs use them.
func TestFIPSTemplates(t *testing.T) {
	env := prodEnv(t)
	c, err := env.Layers.Compose("test", config.Pairing{Toolchain: "datasci-toolchain", Base: "base-ec2-linux", DisplayName: "T", Description: "T", Enabled: true})
	if err != nil {
		t.Fatal(err)
	}
	m := model.BuildOne(env, c)
	m.Inputs.FIPS = true
	main, err := Main(m)
	if err != nil {
		t.Fatal(err)
	}
	var d doc
	if err := json.Unmarshal(main, &d); err != nil {
		t.Fatal(err)
	}
	if d.get("provider", "aws", 0, "use_fips_endpoint") != true {
		t.Error("aws provider without use_fips_endpoint")
	}
	if d.get("locals", "runtime_env", "AWS_USE_FIPS_ENDPOINT") != "true" {
		t.Error("workspace environment without AWS_USE_FIPS_ENDPOINT")
	}
}
