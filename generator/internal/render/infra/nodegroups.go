package infra

import (
	"fmt"

	"github.com/coder-eks/coder-eks/generator/internal/cidr"
	model "github.com/coder-eks/coder-eks/generator/internal/model/infra"
	"github.com/coder-eks/coder-eks/generator/internal/render/ec2meta"
	"github.com/coder-eks/coder-eks/generator/internal/render/tfjson"
)

// nodeGroups renders the three managed node groups, their launch templates
// and the business-hours schedules of the groups that have a peak size.
func (b *module) nodeGroups(f *tfjson.File) {
	role := f.Resource("aws_iam_role", "node", tfjson.Body{
		"name":               b.m.Cluster.Name + "-node",
		"assume_role_policy": b.assumeRolePolicy(f, "node_assume", "ec2"),
	})
	policies := map[string]string{
		"node_worker":   "AmazonEKSWorkerNodePolicy",
		"node_cni":      "AmazonEKS_CNI_Policy",
		"node_ecr_read": "AmazonEC2ContainerRegistryReadOnly",
		"node_ssm":      "AmazonSSMManagedInstanceCore",
	}
	var attachments []string
	for key, policy := range policies {
		attachments = append(attachments, f.Resource("aws_iam_role_policy_attachment", key, tfjson.Body{
			"role":       tfjson.Attr(role, "name"),
			"policy_arn": managedPolicy(policy),
		}))
	}
	sortStrings(attachments)
	desc := "Nodes coderd runs on: admitted by Aurora, reached by the NLB"
	if b.m.Secondary {
		desc = "Nodes the workspace proxy runs on: reached by the NLB"
	}
	f.Resource("aws_security_group", "coderd_nodes", tfjson.Body{
		"name":        b.m.Cluster.Name + "-coderd-nodes",
		"description": desc,
		"vpc_id":      tfjson.Attr("aws_vpc.this", "id"),
	})
	templates := map[string]bool{}
	for _, g := range b.m.NodeGroups {
		if !templates[g.LaunchTemplate] {
			templates[g.LaunchTemplate] = true
			f.Resource("aws_launch_template", g.LaunchTemplate, b.launchTemplate(g))
		}
		b.nodeGroup(f, g, role, attachments, 0)
		// A node group's subnet_ids cannot change in place (the provider
		// replaces the group), so subnets growth added get node groups of
		// their own: the same nodes, from zero, for the autoscaler to use.
		for seq := 1; seq <= b.maxSeq(g.Tier); seq++ {
			if len(b.subnetIDsFor(g.Tier, g.AZ, seq)) == 0 {
				continue
			}
			grown := g
			grown.Key = fmt.Sprintf("%s_%d", g.Key, seq+1)
			grown.Name = fmt.Sprintf("%s-%d", g.Name, seq+1)
			grown.Min, grown.Desired, grown.Schedule = 0, 0, nil
			b.nodeGroup(f, grown, role, attachments, seq)
		}
	}
}

// maxSeq is the highest sequence number of a tier's subnets: 0 until
// growth added some.
func (b *module) maxSeq(tier string) int {
	n := 0
	for _, s := range b.m.Network.Subnets.Tier(tier) {
		n = max(n, s.Seq)
	}
	return n
}

// subnetIDsFor references a tier's subnets of one sequence number in one
// AZ; az "" means every AZ.
func (b *module) subnetIDsFor(tier, az string, seq int) []string {
	var subs []cidr.Subnet
	for _, s := range b.m.Network.Subnets.Tier(tier) {
		if s.Seq == seq && (az == "" || s.AZ == az) {
			subs = append(subs, s)
		}
	}
	return subnetRefs(subs, "id")
}

// coderdNodesSG is the extra security group of the nodes coderd runs on.
const coderdNodesSG = "aws_security_group.coderd_nodes"

func (b *module) nodeGroup(f *tfjson.File, g model.NodeGroup, role string, deps []string, seq int) {
	lt := "aws_launch_template." + g.LaunchTemplate
	capacity := "ON_DEMAND"
	if g.Spot {
		capacity = "SPOT"
	}
	body := tfjson.Body{
		"cluster_name":    tfjson.Attr(cluster, "name"),
		"node_group_name": g.Name,
		"node_role_arn":   tfjson.Attr(role, "arn"),
		"subnet_ids":      b.subnetIDsFor(g.Tier, g.AZ, seq),
		"instance_types":  g.InstanceTypes,
		"capacity_type":   capacity,
		"ami_type":        g.AMIType,
		"labels":          g.Labels,
		"scaling_config":  []tfjson.Body{{"min_size": g.Min, "max_size": g.Max, "desired_size": g.Desired}},
		"update_config":   []tfjson.Body{{"max_unavailable_percentage": 25}},
		"launch_template": []tfjson.Body{{
			"id":      tfjson.Attr(lt, "id"),
			"version": tfjson.Attr(lt, "latest_version"),
		}},
		"depends_on": deps,
		// cluster-autoscaler owns every group's desired size after
		// creation: a plan must not reset it to the creation size (which
		// would drain busy nodes or undo a scale-up).
		"lifecycle": []tfjson.Body{{"ignore_changes": []string{"scaling_config[0].desired_size"}}},
	}
	var taints []tfjson.Body
	for _, t := range g.Taints {
		taints = append(taints, tfjson.Body{"key": t.Key, "value": t.Value, "effect": t.Effect})
	}
	if len(taints) > 0 {
		body["taint"] = taints
	}
	group := f.Resource("aws_eks_node_group", g.Key, body)
	if g.Schedule != nil {
		b.schedule(f, g, group)
	}
}

// schedule raises the group's Auto Scaling group's minimum to the peak
// before the working day and lowers it back after it, in the configured
// zone. It sets min_size only: desired capacity stays cluster-autoscaler's,
// so the evening action lets the autoscaler remove nodes once they are
// idle instead of terminating nodes whatever runs on them, and the morning
// action never shrinks a group that is already larger.
func (b *module) schedule(f *tfjson.File, g model.NodeGroup, group string) {
	asg := tfjson.Ref(group + ".resources[0].autoscaling_groups[0].name")
	for _, s := range []struct {
		suffix, cron string
		min          int
	}{
		{"scale_up", g.Schedule.Start, g.Peak},
		{"scale_down", g.Schedule.Stop, g.Min},
	} {
		f.Resource("aws_autoscaling_schedule", g.Key+"_"+s.suffix, tfjson.Body{
			"scheduled_action_name":  g.Name + "-" + s.suffix,
			"autoscaling_group_name": asg,
			"recurrence":             s.cron,
			"time_zone":              g.Schedule.TimeZone,
			"min_size":               s.min,
			"max_size":               g.Max,
			// -1: leave the desired capacity alone (the provider's
			// default, written out so the intent is on the page).
			"desired_capacity": -1,
		})
	}
}

// launchTemplate keeps nodes on IMDSv2 with encrypted gp3 root volumes.
func (b *module) launchTemplate(g model.NodeGroup) tfjson.Body {
	lt := tfjson.Body{
		"name":                   g.LaunchTemplateName,
		"update_default_version": true,
		// IMDSv2 only, one hop: pods cannot reach the node's credentials
		// and must use IRSA (CKV_AWS_79, CKV_AWS_341).
		"metadata_options": ec2meta.IMDSv2(1),
		"block_device_mappings": []tfjson.Body{{
			"device_name": "/dev/xvda",
			"ebs": []tfjson.Body{{
				"volume_size":           g.VolumeGiB,
				"volume_type":           "gp3",
				"encrypted":             "true",
				"kms_key_id":            tfjson.Attr("aws_kms_key.ebs", "arn"),
				"delete_on_termination": "true",
			}},
		}},
		"tag_specifications": []tfjson.Body{
			{"resource_type": "instance", "tags": map[string]string{"Name": g.LaunchTemplateName}},
			{"resource_type": "volume", "tags": map[string]string{"Name": g.LaunchTemplateName}},
		},
	}
	if g.Coderd {
		// Naming security groups in the launch template replaces the one EKS
		// would attach, so the cluster security group is named too.
		lt["vpc_security_group_ids"] = []string{
			tfjson.Ref(cluster + ".vpc_config[0].cluster_security_group_id"),
			tfjson.Attr(coderdNodesSG, "id"),
		}
	}
	return lt
}
