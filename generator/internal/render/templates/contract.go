package templates

import (
	"fmt"

	"github.com/coder-eks/coder-eks/generator/internal/render/tfjson"
)

// Contract locals: the inputs the base reads and the outputs the agent and
// metadata read.
const (
	localWorkspaceName  = "local.workspace_name"
	localOwner          = "local.owner"
	localComputeProfile = "local.compute_profile"
	localImageID        = "local.image_id"
	localCapabilities   = "local.capabilities"
	localAgentEndpoint  = "local.agent_endpoint"
	localRuntimeEnv     = "local.runtime_env"
	localVolumeMounts   = "local.volume_mounts"
	localMetadata       = "local.metadata"
	// localPackageSources is the OS's rewrite of its package sources to
	// HTTPS, run before the agent (schema.package_sources).
	localPackageSources = "local.package_sources_https"
)

// metadataKeys are local.metadata's keys, in the order coder_metadata
// shows them.
var metadataKeys = []string{"template", "toolchain", "base", "os", "image", "environment", "generator"}

func (b *template) contract() {
	f := b.f
	f.Local("workspace_name", tfjson.Attr(workspace, "name"))
	f.Local("owner", tfjson.Attr(owner, "name"))
	f.Local("compute_profile", b.computeProfile())
	f.Local("image_id", b.imageID())
	f.Local("capabilities", b.capabilities())
	f.Local("agent_endpoint", b.agentEndpoint())
	f.Local("runtime_env", b.runtimeEnv())
	f.Local("volume_mounts", b.volumeMounts())
	if b.m.PackageSourcesHTTPS != "" {
		f.Local("package_sources_https", b.m.PackageSourcesHTTPS)
	}
	f.Local("metadata", map[string]string{
		"template":    b.m.Name,
		"toolchain":   b.m.Toolchain.Name,
		"base":        b.m.Base.Name,
		"os":          b.m.OSDisplay,
		"image":       tfjson.Ref(localImageID),
		"environment": b.m.Inputs.Env,
		"generator":   "coder-eks",
	})
}

// preAgent is what runs as root (or through sudo) before the agent
// starts: the package sources' HTTPS rewrite, when the egress needs it.
func (b *template) preAgent() []string {
	if b.m.PackageSourcesHTTPS == "" {
		return nil
	}
	return []string{tfjson.Ref(localPackageSources)}
}

// computeProfile is the size the user chose. On EC2 the instance type
// fixes CPU, memory and GPUs, looked up in a table of the offered types.
func (b *template) computeProfile() any {
	disk := "${tonumber(" + unref(param(paramDisk)) + ")}"
	if b.kubernetes() {
		return tfjson.Body{
			"cpu":         "${tonumber(" + unref(param(paramCPU)) + ")}",
			"memory_gib":  "${tonumber(" + unref(param(paramMemory)) + ")}",
			"storage_gib": disk,
			"gpu":         0,
		}
	}
	table := tfjson.Body{}
	for _, it := range b.m.Choices.InstanceTypes {
		table[it.Name] = tfjson.Body{"cpu": it.VCPU, "memory_gib": it.MemoryGiB, "gpu": it.GPUs}
	}
	b.f.Local("instance_types", table)
	return "${merge(local.instance_types[" + unref(param(paramInstanceType)) + "], {storage_gib = tonumber(" + unref(param(paramDisk)) + ")})}"
}

// unref strips "${" and "}" from a single interpolation.
func unref(s string) string { return s[2 : len(s)-1] }

// imageID is the toolchain's container image on Kubernetes, the base's
// AMI for the chosen OS on EC2.
func (b *template) imageID() string {
	if b.kubernetes() {
		return b.m.Toolchain.ContainerImage
	}
	return tfjson.Attr("data.aws_ami.workspace", "id")
}

// capabilities is the composed capability set; a desktop the user switches
// is the parameter's value.
func (b *template) capabilities() tfjson.Body {
	c := b.m.Capabilities
	caps := tfjson.Body{
		"persistent-home":   c.PersistentHome,
		"network-egress":    c.NetworkEgress,
		"identity-mode":     c.IdentityMode,
		"gpu-support":       c.GPUSupport,
		"artifact-cache":    c.ArtifactCache,
		"secrets-injection": c.SecretsInjection,
		"gui-vnc":           c.GUIVNC,
		"gui-rdp":           c.GUIRDP,
	}
	for _, k := range b.m.UserToggles {
		caps[k] = b.toggle(k)
	}
	return caps
}

// toggle is the boolean expression of a user-switched capability.
func (b *template) toggle(capability string) string {
	return "${" + unref(param(capability)) + ` == "true"}`
}

// agentEndpoint is the URL the agent dials: coderd's in-cluster service
// from pods (so a workspace without egress still reaches it), the access
// URL from instances.
func (b *template) agentEndpoint() string {
	if b.m.Inputs.AgentURL != "" {
		return b.m.Inputs.AgentURL
	}
	return tfjson.Attr(workspace, "access_url")
}

// runtimeEnv is every variable the agent's processes get: the toolchain's,
// the capabilities', the region and the owner's Git identity.
func (b *template) runtimeEnv() map[string]string {
	in := b.m.Inputs
	env := map[string]string{
		"AWS_REGION":          in.Region,
		"AWS_DEFAULT_REGION":  in.Region,
		"GIT_AUTHOR_NAME":     "${coalesce(" + owner + ".full_name, " + owner + ".name)}",
		"GIT_AUTHOR_EMAIL":    tfjson.Attr(owner, "email"),
		"GIT_COMMITTER_NAME":  "${coalesce(" + owner + ".full_name, " + owner + ".name)}",
		"GIT_COMMITTER_EMAIL": tfjson.Attr(owner, "email"),
	}
	for k, v := range b.m.Toolchain.Env {
		env[k] = tfjson.Escape(v)
	}
	for _, ft := range b.m.Features {
		if ft.User {
			continue
		}
		for k, v := range ft.Env {
			env[k] = tfjson.Escape(v)
		}
	}
	if in.FIPS {
		env["AWS_USE_FIPS_ENDPOINT"] = "true"
	}
	c := b.m.Capabilities
	if c.IdentityMode == "oidc" {
		env["CODER_OIDC_ACCESS_TOKEN"] = tfjson.Attr(owner, "oidc_access_token")
	}
	if c.SecretsInjection == "secrets-manager" {
		env["CODER_SECRETS_PREFIX"] = in.SecretsPrefix + tfjson.Ref(localOwner) + "/"
	}
	return env
}

// home is the agent's home directory.
func (b *template) home() string {
	if b.windows() {
		return `C:\Users\coder`
	}
	return "/home/coder"
}

func (b *template) volumeMounts() []tfjson.Body {
	source := "EBS volume " + homeVolume + " (its own, attached to the instance)"
	if b.kubernetes() {
		source = "PersistentVolumeClaim " + resourceName("-home")
		if !b.m.Capabilities.PersistentHome {
			source = "emptyDir"
		}
	}
	mounts := []tfjson.Body{{"path": b.diskPath(), "persistent": b.m.Capabilities.PersistentHome, "source": source}}
	if b.kubernetes() && b.m.Capabilities.ArtifactCache {
		mounts = append(mounts, tfjson.Body{"path": cacheDir, "persistent": true, "source": "PersistentVolumeClaim " + resourceName("-cache")})
	}
	return mounts
}

// cacheDir is where the artifact cache is mounted on Kubernetes.
const cacheDir = "/var/cache/artifacts"

// metadataItems shows local.metadata and the chosen size on the workspace
// page.
func (b *template) metadataItems() []tfjson.Body {
	var items []tfjson.Body
	for _, k := range metadataKeys {
		items = append(items, tfjson.Body{"key": k, "value": fmt.Sprintf("${%s[%q]}", localMetadata, k)})
	}
	for _, k := range []string{"cpu", "memory_gib", "storage_gib", "gpu"} {
		items = append(items, tfjson.Body{"key": k, "value": "${tostring(" + localComputeProfile + "." + k + ")}"})
	}
	// The contract's capabilities and volumes, as this workspace has them.
	items = append(items,
		tfjson.Body{"key": "capabilities", "value": `${join(", ", [for k, v in ` + localCapabilities + ` : "${k}=${v}"])}`},
		tfjson.Body{"key": "volumes", "value": `${join(", ", [for m in ` + localVolumeMounts + ` : "${m.path} (${m.source}${m.persistent ? "" : ", lost at every stop"})"])}`},
	)
	return items
}
