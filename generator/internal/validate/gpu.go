package validate

import (
	"fmt"

	"github.com/coder-eks/coder-eks/generator/internal/config"
	"github.com/coder-eks/coder-eks/generator/internal/diag"
	"github.com/coder-eks/coder-eks/generator/internal/load"
)

// checkNodeGPUs refuses a GPU instance type (schema instance_types' gpus)
// for a node group whose AMI type (schema node_group_ami_type) ships no
// NVIDIA driver: the nodes would join with GPUs nothing can use.
func checkNodeGPUs(env *load.Environment) diag.List {
	cat := env.Catalog
	ami := cat.NodeGroupAMIType
	if cat.NodeAMITypes[ami].NVIDIADriver {
		return nil
	}
	var errs diag.List
	// A secondary region's field is checked where the file sets it: its
	// default is the primary's, already reported.
	check := func(field, instanceType string, secondary bool) {
		gpus := cat.InstanceTypes[instanceType].GPUs
		if gpus == 0 {
			return
		}
		if _, set := env.FieldPos(field); secondary && !set {
			return
		}
		errs = append(errs, finding(env, field, fmt.Sprintf(
			"%q has %d GPU(s), but node groups run the AMI type %s, which ships no NVIDIA driver (rule: a node group's instance types have no GPU unless its AMI type has the driver; schema/node_amis.cue); choose a type without a GPU, and run GPU workspaces on the base-ec2-gpu template base",
			instanceType, gpus, ami)))
	}
	checkGroups := func(prefix string, c config.Environment) {
		secondary := prefix != ""
		check(prefix+"control_node_instance_type", c.ControlNodeInstanceType, secondary)
		check(prefix+"prov_node_instance_type", c.ProvNodeInstanceType, secondary)
		check(prefix+"ws_node_instance_type", c.WSNodeInstanceType, secondary)
		for i, t := range c.WSSpotAlternativeTypes {
			check(fmt.Sprintf("%sws_spot_alternative_types[%d]", prefix, i), t, secondary)
		}
	}
	checkGroups("", env.Config)
	for i := range env.Config.SecondaryRegions {
		checkGroups(SecondaryField(i, ""), env.Config.Secondary(i))
	}
	return errs
}
