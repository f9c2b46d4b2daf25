package templates

import (
	"slices"
	"strings"

	"github.com/coder-eks/coder-eks/generator/internal/render/ec2meta"
	"github.com/coder-eks/coder-eks/generator/internal/render/tfjson"
)

// ec2 renders the EC2 bases: an instance that lives as long as the
// workspace and is stopped and started with it, in a workspace subnet
// found by the infra module's tags, in the infra module's security group
// for its network-egress. The aws provider uses the provisioner's IRSA
// role.
func (b *template) ec2() {
	b.used["aws"] = true
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
	b.placement()
	sg := b.securityGroup(tfjson.Attr(vpc, "id"))
	f.Data("aws_kms_alias", "ebs", tfjson.Body{"name": in.EBSKeyAlias})
	b.ebsHome()
	instance := b.instance(sg)
	attachment := f.Resource("aws_volume_attachment", "home", tfjson.Body{
		"device_name": homeDevice,
		"volume_id":   tfjson.Attr(homeVolume, "id"),
		"instance_id": tfjson.Attr(instance, "id"),
		// Detaching a mounted volume from a running instance can corrupt
		// it: stop the instance first (only a deletion or an instance
		// replacement detaches).
		"stop_instance_before_detaching": true,
	})
	f.Resource("aws_ec2_instance_state", "workspace", tfjson.Body{
		"instance_id": tfjson.Attr(instance, "id"),
		"state":       "${" + workspace + `.transition == "start" ? "running" : "stopped"}`,
		"depends_on":  []string{attachment},
	})
	var extra []tfjson.Body
	if b.desktopUser() {
		extra = []tfjson.Body{
			{"key": "desktop user", "value": "coder"},
			{"key": "desktop password", "value": tfjson.Attr(desktopPassword, "result"), "sensitive": true},
		}
	}
	b.metadata(tfjson.Attr(homeVolume, "id"), nil, extra...)
}

// The home volume and where the instance sees it. On Nitro instances the
// device name is only a hint (the volume appears as an NVMe disk whose
// serial is the volume ID), so the boot script finds it by ID.
const (
	homeVolume = "aws_ebs_volume.home"
	homeDevice = "/dev/sdh"
)

// placement chooses the workspace's subnet, and so the AZ of its home
// volume, once: from a hash of the workspace ID over the workspace subnets
// at creation, recorded in terraform_data whose input later changes are
// ignored. Adding or removing workspace subnets, or any later change of
// the lookup, never moves an existing workspace.
func (b *template) placement() {
	f := b.f
	f.Local("initial_subnet_id", `${element(sort(data.aws_subnets.workspace.ids), parseint(substr(sha1(`+unref(id())+`), 0, 6), 16))}`)
	f.Data("aws_subnet", "placement", tfjson.Body{"id": "${local.initial_subnet_id}"})
	f.Resource("terraform_data", "placement", tfjson.Body{
		"input": tfjson.Body{
			"subnet_id":         "${local.initial_subnet_id}",
			"availability_zone": "${data.aws_subnet.placement.availability_zone}",
		},
		"lifecycle": []tfjson.Body{{"ignore_changes": []string{"input"}}},
	})
	f.Local("subnet_id", "${terraform_data.placement.output.subnet_id}")
}

// ebsHome is the workspace's home: an encrypted gp3 volume of its own,
// which outlives stops and instance replacements and goes only with the
// workspace. Its AZ and key are fixed at creation: the attributes whose
// change would make the provider replace it are ignored afterwards, so
// only the user's own disk-size change (an in-place ModifyVolume) touches
// it.
func (b *template) ebsHome() {
	in := b.m.Inputs
	b.f.Resource("aws_ebs_volume", "home", tfjson.Body{
		"availability_zone": "${terraform_data.placement.output.availability_zone}",
		"size":              tfjson.Ref(localComputeProfile + ".storage_gib"),
		"type":              "gp3",
		"encrypted":         true,
		"kms_key_id":        tfjson.Attr("data.aws_kms_alias.ebs", "target_key_arn"),
		"tags": map[string]string{
			"Name":               workspaceName() + "-home",
			"coder-workspace-id": id(),
			"coder-owner":        tfjson.Ref(localOwner),
			in.WorkspaceTagKey:   in.WorkspaceTagValue,
		},
		"lifecycle": []tfjson.Body{{"ignore_changes": []string{"availability_zone", "encrypted", "kms_key_id", "snapshot_id"}}},
	})
}

// rootDiskGiB is the root volume's size: the OS family's floor, never
// below the AMI's root snapshot (a smaller size fails the launch with
// InvalidBlockDeviceMapping).
func (b *template) rootDiskGiB() string {
	ami := "data.aws_ami.workspace"
	return "${max(" + itoa(b.m.Choices.MinRootDiskGiB) + ", [for m in " + ami + ".block_device_mappings : try(tonumber(m.ebs.volume_size), 0) if m.device_name == " + ami + ".root_device_name]...)}"
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
		"metadata_options": ec2meta.IMDSv2(1),
		// The root volume holds the OS and system packages, not the home:
		// encrypted gp3 with the environment's EBS key, deleted with the
		// instance.
		"root_block_device": []tfjson.Body{{
			"volume_type":           "gp3",
			"volume_size":           b.rootDiskGiB(),
			"encrypted":             true,
			"kms_key_id":            tfjson.Attr("data.aws_kms_alias.ebs", "target_key_arn"),
			"delete_on_termination": true,
		}},
		// Instance and volumes carry the environment's tag at launch: the
		// provisioners may only launch and manage tagged resources.
		"tags":        b.instanceTags(),
		"volume_tags": map[string]string{"Name": workspaceName(), in.WorkspaceTagKey: in.WorkspaceTagValue},
		// A newer AMI or a re-pointed EBS key alias must not replace every
		// instance (the home would survive, the installed system would
		// not); new instances get both.
		"lifecycle": []tfjson.Body{{"ignore_changes": []string{"ami", "root_block_device[0].kms_key_id"}}},
	}
	if b.m.Capabilities.IdentityMode == "iam" {
		body["iam_instance_profile"] = b.m.Inputs.InstanceProfile
	}
	return b.f.Resource("aws_instance", "workspace", body)
}

// userData starts the agent at every boot: PowerShell persisted across
// boots on Windows; on Linux a cloud-init part run always (scripts-user
// always) as the coder user, once the home volume is mounted.
func (b *template) userData() string {
	if b.windows() {
		return "<powershell>\n" + b.windowsBoot() + "\n</powershell>\n<persist>true</persist>\n"
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
	agentScript := strings.Join(slices.Concat([]string{
		"#!/bin/bash",
		"set -eu",
	}, b.preAgent(), []string{
		linuxMountHome,
		"install -d -m 0755 /opt/coder",
		"cat >/opt/coder/init <<'CODER_INIT'",
		b.initScript(),
		"CODER_INIT",
		"chmod 0755 /opt/coder/init",
		"exec sudo --user=coder --login /opt/coder/init",
		"",
	}), "\n")
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

// linuxMountHome mounts the home volume at /home/coder at every boot,
// before the agent starts: it waits for the attachment, finds the volume
// by its stable NVMe ID (the device name is a hint on Nitro; Xen instances
// keep /dev/xvdh), creates a filesystem only when the low-level probe finds
// none (blkid exit 2), grows the filesystem after a resize and gives the
// home to coder (whose UID may differ on a new instance).
var linuxMountHome = strings.Join([]string{
	`vol="${replace(` + homeVolume + `.id, "-", "")}"`,
	`dev=""`,
	`for i in $(seq 1 180); do`,
	`  for d in /dev/disk/by-id/nvme-Amazon_Elastic_Block_Store_$vol /dev/xvdh; do [ -b "$d" ] && { dev=$(readlink -f "$d"); break 2; }; done`,
	`  sleep 5`,
	`done`,
	`[ -n "$dev" ] || { echo "home volume $vol is not attached" >&2; exit 1; }`,
	`set +e; blkid -p "$dev" >/dev/null 2>&1; probe=$?; set -e`,
	`if [ "$probe" -eq 2 ]; then`,
	`  mkfs.ext4 -q -L coder-home "$dev"`,
	`  fresh=1`,
	`elif [ "$probe" -ne 0 ]; then`,
	`  echo "blkid $dev failed ($probe): not touching the home volume" >&2; exit 1`,
	`fi`,
	`mkdir -p /home/coder`,
	`mountpoint -q /home/coder || mount -o noatime "$dev" /home/coder`,
	`resize2fs "$dev" >/dev/null 2>&1 || true`,
	`[ -z "$${fresh:-}" ] || cp -rT /etc/skel /home/coder`,
	`[ "$(stat -c %u /home/coder)" = "$(id -u coder)" ] || chown -R coder:coder /home/coder`,
}, "\n")

// windowsBoot runs at every boot as the user-data account: it brings the
// home volume online as D: (initialised and formatted only while RAW,
// grown after a resize), creates the workspace account "coder", and runs
// the agent as that account from a scheduled task: the agent saved as
// C:\coder\bin\sshd.exe (VS Code needs a parent named sshd) with
// coder.cmd beside it, so `coder stat` is on PATH. Coder's bootstrap turns
// Defender real-time monitoring off; it is turned back on once the agent
// runs, keeping only the agent's exclusion.
func (b *template) windowsBoot() string {
	agentPath := `C:\\coder\\bin\\sshd.exe`
	init := "${replace(replace(replace(" + agent + ".init_script, " + workspace + ".access_url, " + localAgentEndpoint + `), "$env:TEMP\\sshd.exe", "` + agentPath + `"), "-ArgumentList \"agent\" -PassThru", "-ArgumentList \"agent\" -Wait -NoNewWindow")}`
	return strings.Join([]string{
		`$ErrorActionPreference = "Stop"`,
		`$vol = "${replace(` + homeVolume + `.id, "-", "")}"`,
		`$disk = $null`,
		`for ($i = 0; $i -lt 180 -and -not $disk; $i++) { $disk = Get-Disk | Where-Object { $_.SerialNumber -like "$vol*" }; if (-not $disk) { Start-Sleep -Seconds 5 } }`,
		`if (-not $disk) { throw "home volume $vol is not attached" }`,
		`if ($disk.IsOffline) { Set-Disk -Number $disk.Number -IsOffline $false }`,
		`if ($disk.IsReadOnly) { Set-Disk -Number $disk.Number -IsReadOnly $false }`,
		`if ($disk.PartitionStyle -eq "RAW") {`,
		`  Initialize-Disk -Number $disk.Number -PartitionStyle GPT`,
		`  New-Partition -DiskNumber $disk.Number -UseMaximumSize -DriveLetter D | Format-Volume -FileSystem NTFS -NewFileSystemLabel coder-home -Confirm:$false | Out-Null`,
		`} else {`,
		`  $part = Get-Partition -DiskNumber $disk.Number | Where-Object Type -eq "Basic" | Select-Object -First 1`,
		`  if ($part.DriveLetter -ne "D") { Set-Partition -InputObject $part -NewDriveLetter D; $part = Get-Partition -DriveLetter D }`,
		`  $max = (Get-PartitionSupportedSize -InputObject $part).SizeMax`,
		`  if ($part.Size -lt $max) { Resize-Partition -InputObject $part -Size $max }`,
		`}`,
		b.desktopUserScript(),
		`New-Item -ItemType Directory -Force -Path C:\coder\bin | Out-Null`,
		`Set-Content -Path C:\coder\bin\coder.cmd -Value '@"%~dp0sshd.exe" %*'`,
		`$machinePath = [Environment]::GetEnvironmentVariable("Path", "Machine")`,
		`if ($machinePath -notlike "*C:\coder\bin*") { [Environment]::SetEnvironmentVariable("Path", "C:\coder\bin;$machinePath", "Machine") }`,
		`$init = @'`,
		`$env:Path = "C:\coder\bin;$env:Path"`,
		`New-Item -ItemType Directory -Force -Path D:\source | Out-Null`,
		`if (-not (Test-Path "$HOME\source")) { New-Item -ItemType Junction -Path "$HOME\source" -Target D:\source | Out-Null }`,
		init,
		`'@`,
		`Set-Content -Path C:\coder\agent.ps1 -Value $init`,
		`$action = New-ScheduledTaskAction -Execute powershell.exe -Argument "-NoProfile -ExecutionPolicy Bypass -File C:\coder\agent.ps1"`,
		`$settings = New-ScheduledTaskSettingsSet -ExecutionTimeLimit ([TimeSpan]::Zero) -AllowStartIfOnBatteries`,
		`Register-ScheduledTask -Force -TaskName coder-agent -Action $action -Settings $settings -RunLevel Highest -User coder -Password $plain | Out-Null`,
		`Start-ScheduledTask -TaskName coder-agent`,
		`for ($i = 0; $i -lt 120 -and -not (Get-Process sshd -ErrorAction SilentlyContinue); $i++) { Start-Sleep -Seconds 5 }`,
		`Set-MpPreference -DisableRealtimeMonitoring $false`,
	}, "\n")
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
// generated password (it runs the agent and owns the desktop); it is
// interpolated, not escaped.
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
		"$plain = '" + tfjson.Attr(desktopPassword, "result") + "'",
		"$password = ConvertTo-SecureString $plain -AsPlainText -Force",
		"if (Get-LocalUser -Name coder -ErrorAction SilentlyContinue) {",
		"  Set-LocalUser -Name coder -Password $password",
		"} else {",
		"  New-LocalUser -Name coder -Password $password -PasswordNeverExpires | Out-Null",
		"  Add-LocalGroupMember -Group Administrators -Member coder",
		"}",
	}, "\n")
}
