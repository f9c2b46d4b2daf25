package templates

import (
	"strings"

	"github.com/coder-eks/coder-eks/generator/internal/render/tfjson"
)

// ec2 renders the EC2 bases: an instance that lives as long as the
// workspace and is stopped and started with it, in a workspace subnet
// found by the infra module's tags, in the infra module's security group
// for its network-egress. The aws provider uses the provisioner's IRSA
// role.
func (b *template) ec2() {
	in := b.m.Inputs
	f := b.f
	vpc := f.Data("aws_vpc", "workspace", tfjson.Body{"tags": map[string]string{"Name": in.VPCName}})
	f.Data("aws_subnets", "workspace", tfjson.Body{
		"filter": []tfjson.Body{
			{"name": "vpc-id", "values": []string{tfjson.Attr(vpc, "id")}},
			{"name": "tag:Tier", "values": []string{in.SubnetTier}},
		},
	})
	f.Data("aws_ami", "workspace", tfjson.Body{
		"most_recent": true,
		"owners":      []string{in.AMIOwner},
		"filter": []tfjson.Body{
			{"name": "name", "values": []string{in.AMIName}},
			{"name": "architecture", "values": []string{"x86_64"}},
			{"name": "state", "values": []string{"available"}},
		},
	})
	// Workspaces spread over the AZs by a hash of their ID, and a
	// workspace keeps its subnet (and so its volume's AZ) for life.
	f.Local("subnet_id", `${element(sort(data.aws_subnets.workspace.ids), parseint(substr(sha1(`+unref(id())+`), 0, 6), 16))}`)
	sg := b.securityGroup(tfjson.Attr(vpc, "id"))
	f.Data("aws_kms_alias", "ebs", tfjson.Body{"name": in.EBSKeyAlias})
	instance := b.instance(sg)
	f.Resource("aws_ec2_instance_state", "workspace", tfjson.Body{
		"instance_id": tfjson.Attr(instance, "id"),
		"state":       "${" + workspace + `.transition == "start" ? "running" : "stopped"}`,
	})
	var extra []tfjson.Body
	if b.desktopUser() {
		extra = []tfjson.Body{
			{"key": "desktop user", "value": "coder"},
			{"key": "desktop password", "value": tfjson.Attr(desktopPassword, "result"), "sensitive": true},
		}
	}
	b.metadata(tfjson.Attr(instance, "id"), nil, extra...)
}

// workspaceName names AWS resources after their owner and workspace.
func workspaceName() string {
	return "coder-" + tfjson.Ref(localOwner) + "-" + tfjson.Ref(localWorkspaceName)
}

// securityGroup is the infra module's shared group for the workspace's
// network-egress: no ingress (the agent connects out), egress HTTPS and
// STUN or everything. Traffic to the Amazon DNS resolver and the instance
// metadata service is not filtered by security groups.
func (b *template) securityGroup(vpcID string) string {
	return b.f.Data("aws_security_group", "workspace", tfjson.Body{
		"name":   b.m.Inputs.SecurityGroup,
		"vpc_id": vpcID,
	})
}

func (b *template) instanceTags() map[string]string {
	in := b.m.Inputs
	return map[string]string{
		"Name":               workspaceName(),
		"Coder_Provisioned":  "true",
		"coder-workspace-id": id(),
		"coder-owner":        tfjson.Ref(localOwner),
		in.WorkspaceTagKey:   in.WorkspaceTagValue,
	}
}

func (b *template) instance(sg string) string {
	in := b.m.Inputs
	body := tfjson.Body{
		"ami":                    tfjson.Ref(localImageID),
		"instance_type":          param(paramInstanceType),
		"subnet_id":              "${local.subnet_id}",
		"vpc_security_group_ids": []string{tfjson.Attr(sg, "id")},
		"user_data":              b.userData(),
		// The instance identity the agent authenticates with stays the
		// same; new user data is applied while the instance is stopped.
		"user_data_replace_on_change": false,
		"ebs_optimized":               true,
		// IMDSv2 only, one hop: the agent proves the instance's identity
		// to coderd, containers on the instance cannot reach its role.
		"metadata_options": []tfjson.Body{{
			"http_endpoint":               "enabled",
			"http_tokens":                 "required",
			"http_put_response_hop_limit": 1,
		}},
		// The root volume is the workspace's home: encrypted gp3 with the
		// environment's EBS key, deleted only with the instance, which only
		// a workspace deletion does.
		"root_block_device": []tfjson.Body{{
			"volume_type":           "gp3",
			"volume_size":           tfjson.Ref(localComputeProfile + ".storage_gib"),
			"encrypted":             true,
			"kms_key_id":            tfjson.Attr("data.aws_kms_alias.ebs", "target_key_arn"),
			"delete_on_termination": true,
		}},
		// Instance and volumes carry the environment's tag at launch: the
		// provisioners may only launch and manage tagged resources.
		"tags":        b.instanceTags(),
		"volume_tags": map[string]string{"Name": workspaceName(), in.WorkspaceTagKey: in.WorkspaceTagValue},
		// A newer AMI must not replace the instance and its home.
		"lifecycle": []tfjson.Body{{"ignore_changes": []string{"ami"}}},
	}
	if b.m.Capabilities.IdentityMode == "iam" {
		body["iam_instance_profile"] = b.m.Inputs.InstanceProfile
	}
	return b.f.Resource("aws_instance", "workspace", body)
}

// userData starts the agent at every boot: PowerShell persisted across
// boots on Windows; on Linux a cloud-init part run always (scripts-user
// always) as the coder user, whose home is on the root volume.
func (b *template) userData() string {
	if b.windows() {
		return "<powershell>\n" + b.initScript() + "\n</powershell>\n<persist>true</persist>\n"
	}
	b.used["cloudinit"] = true
	cloudConfig := strings.Join([]string{
		"#cloud-config",
		"hostname: ${lower(" + localWorkspaceName + ")}",
		"cloud_final_modules:",
		"  - [scripts-user, always]",
		"users:",
		"  - default",
		"  - name: coder",
		"    shell: /bin/bash",
		`    sudo: ["ALL=(ALL) NOPASSWD:ALL"]`,
		"",
	}, "\n")
	agentScript := strings.Join([]string{
		"#!/bin/bash",
		"set -eu",
		"install -d -m 0755 /opt/coder",
		"cat >/opt/coder/init <<'CODER_INIT'",
		b.initScript(),
		"CODER_INIT",
		"chmod 0755 /opt/coder/init",
		"exec sudo --user=coder --login /opt/coder/init",
		"",
	}, "\n")
	cfg := b.f.Data("cloudinit_config", "workspace", tfjson.Body{
		"gzip":          false,
		"base64_encode": false,
		"boundary":      "//",
		"part": []tfjson.Body{
			{"filename": "cloud-config.yaml", "content_type": "text/cloud-config", "content": cloudConfig},
			{"filename": "coder-agent.sh", "content_type": "text/x-shellscript", "content": agentScript},
		},
	})
	return tfjson.Attr(cfg, "rendered")
}

// desktopPassword is the generated password of a Windows desktop's
// account; it lives in the workspace's state and shows, hidden, in Coder.
const desktopPassword = "random_password.desktop"

// desktopUser reports whether the template has a Windows desktop, whose
// account the startup script creates before the desktop's own setup.
func (b *template) desktopUser() bool {
	if !b.windows() {
		return false
	}
	if b.m.Capabilities.GUIRDP {
		return true
	}
	for _, k := range b.m.UserToggles {
		if k == "gui-rdp" {
			return true
		}
	}
	return false
}

// desktopUserScript creates or updates the local account "coder" with the
// generated password; it is interpolated, not escaped.
func (b *template) desktopUserScript() string {
	b.used["random"] = true
	b.f.Resource("random_password", "desktop", tfjson.Body{
		"length":           24,
		"special":          true,
		"override_special": "!#*-_=+:?",
		"min_upper":        1,
		"min_lower":        1,
		"min_numeric":      1,
		"min_special":      1,
	})
	return strings.Join([]string{
		"$password = ConvertTo-SecureString '" + tfjson.Attr(desktopPassword, "result") + "' -AsPlainText -Force",
		"if (Get-LocalUser -Name coder -ErrorAction SilentlyContinue) {",
		"  Set-LocalUser -Name coder -Password $password",
		"} else {",
		"  New-LocalUser -Name coder -Password $password -PasswordNeverExpires | Out-Null",
		"  Add-LocalGroupMember -Group Administrators -Member coder",
		"}",
	}, "\n")
}
