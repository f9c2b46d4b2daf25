package templates

import (
	"strings"

	"github.com/coder-eks/coder-eks/generator/internal/model/helm"
	"github.com/coder-eks/coder-eks/generator/internal/render/tfjson"
)

// k8s renders base-k8s: a one-replica Deployment that exists while the
// workspace is started, volumes that outlive stops, a NetworkPolicy for the
// workspace's egress and, with identity-mode iam, an IRSA service account.
// The kubernetes provider uses the provisioner pod's in-cluster
// credentials.
func (b *template) k8s() {
	b.used["kubernetes"] = true
	c := b.m.Capabilities
	volumes := []tfjson.Body{b.homeVolume()}
	mounts := []tfjson.Body{{"name": "home", "mount_path": b.home()}}
	if c.ArtifactCache {
		pvc := b.pvc("cache", "-cache")
		volumes = append(volumes, tfjson.Body{"name": "cache", "persistent_volume_claim": []tfjson.Body{{"claim_name": tfjson.Ref(pvc + ".metadata[0].name")}}})
		mounts = append(mounts, tfjson.Body{"name": "cache", "mount_path": cacheDir})
	}
	deployment := b.deployment(volumes, mounts)
	b.networkPolicy()
	if c.PersistentHome {
		b.metadata(tfjson.Attr("kubernetes_persistent_volume_claim_v1.home", "id"), nil)
	} else {
		b.metadata(tfjson.Ref(deployment+"[0].id"), tfjson.Attr(workspace, "start_count"))
	}
}

// labels mark every object as the workspace's, the way Coder's own
// Kubernetes templates do, plus the template's provenance.
func (b *template) labels() map[string]string {
	return map[string]string{
		"app.kubernetes.io/name":       "coder-workspace",
		"app.kubernetes.io/instance":   resourceName(""),
		"app.kubernetes.io/part-of":    "coder",
		"app.kubernetes.io/managed-by": "coder",
		"com.coder.resource":           "true",
		"com.coder.workspace.id":       id(),
		"com.coder.workspace.name":     tfjson.Ref(localWorkspaceName),
		"com.coder.user.id":            tfjson.Attr(owner, "id"),
		"com.coder.user.username":      tfjson.Ref(localOwner),
		"coder-eks/template":           b.m.Name,
		"coder-eks/toolchain":          b.m.Toolchain.Name,
		"coder-eks/base":               b.m.Base.Name,
		b.m.Inputs.EgressLabel:         b.m.Capabilities.NetworkEgress,
	}
}

func (b *template) objectMeta(suffix string) []tfjson.Body {
	return []tfjson.Body{{"name": resourceName(suffix), "namespace": b.m.Inputs.Namespace, "labels": b.labels()}}
}

// selector picks the workspace's pod.
func selector() map[string]string { return map[string]string{"com.coder.workspace.id": id()} }

// homeVolume is a PersistentVolumeClaim that lives as long as the
// workspace (it has no count, so stops keep it) or, without
// persistent-home, an emptyDir lost at every stop.
func (b *template) homeVolume() tfjson.Body {
	if !b.m.Capabilities.PersistentHome {
		return tfjson.Body{"name": "home", "empty_dir": []tfjson.Body{{"size_limit": diskQuantity()}}}
	}
	pvc := b.pvc("home", "-home")
	return tfjson.Body{"name": "home", "persistent_volume_claim": []tfjson.Body{{"claim_name": tfjson.Ref(pvc + ".metadata[0].name")}}}
}

func diskQuantity() string { return "${" + localComputeProfile + ".storage_gib}Gi" }

func (b *template) pvc(name, suffix string) string {
	return b.f.Resource("kubernetes_persistent_volume_claim_v1", name, tfjson.Body{
		"metadata": b.objectMeta(suffix),
		// The volume binds when the pod is scheduled (WaitForFirstConsumer),
		// in the pod's AZ.
		"wait_until_bound": false,
		"spec": []tfjson.Body{{
			"access_modes":       []string{"ReadWriteOnce"},
			"storage_class_name": b.m.Inputs.StorageClass,
			"resources":          []tfjson.Body{{"requests": map[string]string{"storage": diskQuantity()}}},
		}},
	})
}

// deployment runs the workspace pod while the workspace is started. The
// agent dials coderd's in-cluster service (local.agent_endpoint) instead
// of the public access URL.
func (b *template) deployment(volumes, mounts []tfjson.Body) string {
	in := b.m.Inputs
	cpu := localComputeProfile + ".cpu"
	memory := "${" + localComputeProfile + ".memory_gib}Gi"
	pod := tfjson.Body{
		"security_context": []tfjson.Body{{
			"run_as_user":     "1000",
			"run_as_group":    "1000",
			"fs_group":        "1000",
			"run_as_non_root": true,
		}},
		"node_selector": in.NodeSelector,
		"toleration": []tfjson.Body{{
			"key": in.TaintKey, "operator": "Equal", "value": in.TaintValue, "effect": "NoSchedule",
		}},
		"termination_grace_period_seconds": 30,
		"container": []tfjson.Body{{
			"name":              "dev",
			"image":             tfjson.Ref(localImageID),
			"image_pull_policy": pullPolicy(b.m.Toolchain.ContainerImage),
			"command":           []string{"sh", "-c", strings.Join(append(b.preAgent(), b.initScript()), "\n")},
			"env":               []tfjson.Body{{"name": "CODER_AGENT_TOKEN", "value": tfjson.Attr(agent, "token")}},
			"resources": []tfjson.Body{{
				"requests": map[string]string{"cpu": tfjson.Ref(cpu+" * "+itoa(b.m.Choices.CPURequestMillisPerVCPU)) + "m", "memory": memory},
				"limits":   map[string]string{"cpu": tfjson.Ref(cpu), "memory": memory},
			}},
			"security_context": []tfjson.Body{{"privileged": false}},
			"volume_mount":     mounts,
		}},
		"volume": volumes,
	}
	if b.m.Capabilities.IdentityMode == "iam" {
		sa := b.serviceAccount()
		pod["service_account_name"] = tfjson.Ref(sa + ".metadata[0].name")
	}
	// No Kubernetes API token in the workspace: the IRSA webhook projects
	// its own web-identity token whatever this says.
	pod["automount_service_account_token"] = false
	// Spread workspaces over the nodes, as Coder's kubernetes example does.
	pod["affinity"] = []tfjson.Body{{"pod_anti_affinity": []tfjson.Body{{
		"preferred_during_scheduling_ignored_during_execution": []tfjson.Body{{
			"weight": 1,
			"pod_affinity_term": []tfjson.Body{{
				"topology_key": "kubernetes.io/hostname",
				"label_selector": []tfjson.Body{{"match_expressions": []tfjson.Body{{
					"key": "app.kubernetes.io/name", "operator": "In", "values": []string{"coder-workspace"},
				}}}},
			}},
		}},
	}}}}
	return b.f.Resource("kubernetes_deployment_v1", "workspace", tfjson.Body{
		"count":            tfjson.Attr(workspace, "start_count"),
		"wait_for_rollout": false,
		"metadata":         b.objectMeta(""),
		"spec": []tfjson.Body{{
			"replicas": "1",
			// The home volume is ReadWriteOnce: the old pod goes first.
			"strategy": []tfjson.Body{{"type": "Recreate"}},
			"selector": []tfjson.Body{{"match_labels": selector()}},
			"template": []tfjson.Body{{
				"metadata": []tfjson.Body{{"labels": b.labels()}},
				"spec":     []tfjson.Body{pod},
			}},
		}},
	})
}

// initScript is the agent's init script pointed at local.agent_endpoint.
func (b *template) initScript() string {
	return "${replace(" + agent + ".init_script, " + workspace + ".access_url, " + localAgentEndpoint + ")}"
}

// serviceAccount is the workspace's own service account, annotated with
// the workspace IRSA role (whose trust policy admits
// <namespace>:<prefix>*).
func (b *template) serviceAccount() string {
	in := b.m.Inputs
	meta := b.objectMeta("")
	meta[0]["name"] = in.ServiceAccountPrefix + id()
	meta[0]["annotations"] = map[string]string{helm.IRSAAnnotation: in.WorkspaceRoleARN}
	return b.f.Resource("kubernetes_service_account_v1", "workspace", tfjson.Body{
		"metadata":                        meta,
		"automount_service_account_token": false,
	})
}

// imds is the instance metadata service: pods use IRSA, never the node's
// role, whatever the egress.
const imds = "169.254.169.254/32"

// networkPolicy is the workspace's own policy. The namespace's baseline
// (default deny, DNS, and for every pod not labelled network-egress
// "none": in from coderd, out to coderd, HTTPS and STUN) is rendered with
// the cluster; policies only add up, so this one states the workspace's
// egress on top: coderd and DNS always, HTTPS or everything, never the
// instance metadata service.
func (b *template) networkPolicy() {
	in := b.m.Inputs
	namespace := func(name string) tfjson.Body {
		return tfjson.Body{"namespace_selector": []tfjson.Body{{"match_labels": map[string]string{"kubernetes.io/metadata.name": name}}}}
	}
	dns := namespace("kube-system")
	dns["pod_selector"] = []tfjson.Body{{"match_labels": map[string]string{"k8s-app": "kube-dns"}}}
	egress := []tfjson.Body{
		{"to": []tfjson.Body{dns}, "ports": []tfjson.Body{{"port": "53", "protocol": "UDP"}, {"port": "53", "protocol": "TCP"}}},
		{"to": []tfjson.Body{namespace(in.CoderNamespace)}},
	}
	internet := []tfjson.Body{{"ip_block": []tfjson.Body{{"cidr": "0.0.0.0/0", "except": []string{imds}}}}}
	switch b.m.Capabilities.NetworkEgress {
	case "https-only":
		egress = append(egress, tfjson.Body{"to": internet, "ports": []tfjson.Body{{"port": "443", "protocol": "TCP"}}})
	case "unrestricted":
		egress = append(egress, tfjson.Body{"to": internet})
	}
	b.f.Resource("kubernetes_network_policy_v1", "workspace", tfjson.Body{
		"metadata": b.objectMeta(""),
		"spec": []tfjson.Body{{
			"pod_selector": []tfjson.Body{{"match_labels": selector()}},
			"policy_types": []string{"Ingress", "Egress"},
			// coderd reaches the agent over the tailnet it relays.
			"ingress": []tfjson.Body{{"from": []tfjson.Body{namespace(in.CoderNamespace)}}},
			"egress":  egress,
		}},
	})
}

// pullPolicy pulls a floating tag at every pod start, so that every node
// runs what the tag names today rather than whatever it named when that
// node first pulled it (with IfNotPresent, nodes drift apart); an image
// pinned by digest cannot change and is pulled once per node.
func pullPolicy(image string) string {
	if strings.Contains(image, "@sha256:") {
		return "IfNotPresent"
	}
	return "Always"
}
