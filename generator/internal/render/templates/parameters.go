package templates

import (
	"fmt"
	"strconv"

	"github.com/coder-eks/coder-eks/generator/internal/render/tfjson"
)

// Parameter names, as users see them in Coder.
const (
	paramCPU          = "cpu"
	paramMemory       = "memory"
	paramInstanceType = "instance_type"
	paramDisk         = "disk_size"
)

// param is the value expression of a workspace parameter.
func param(name string) string { return tfjson.Attr("data.coder_parameter."+key(name), "value") }

// parameters are the choices users make within the compute profile, and
// the desktops they may switch on.
func (b *template) parameters() {
	ch := b.m.Choices
	order := 1
	add := func(name string, body tfjson.Body) {
		body["name"] = name
		body["order"] = order
		order++
		b.f.Data("coder_parameter", key(name), body)
	}
	if b.kubernetes() {
		add(paramCPU, numberChoice("CPU", "vCPUs the workspace may use; the pod requests a quarter of them", "/icon/memory.svg", ch.CPU, "%d vCPU"))
		add(paramMemory, numberChoice("Memory", "Memory in GiB, requested in full", "/icon/memory.svg", ch.MemoryGiB, "%d GiB"))
	} else {
		var options []tfjson.Body
		for _, it := range ch.InstanceTypes {
			label := fmt.Sprintf("%s (%d vCPU, %s GiB", it.Name, it.VCPU, strconv.FormatFloat(it.MemoryGiB, 'f', -1, 64))
			if it.GPUs > 0 {
				label += fmt.Sprintf(", %d GPU", it.GPUs)
			}
			options = append(options, tfjson.Body{"name": label + ")", "value": it.Name})
		}
		add(paramInstanceType, tfjson.Body{
			"display_name": "Instance type",
			"description":  "Changing it stops and restarts the instance",
			"icon":         "/icon/aws.svg",
			"type":         "string",
			"mutable":      true,
			"default":      ch.InstanceTypes[0].Name,
			"option":       options,
		})
	}
	add(paramDisk, tfjson.Body{
		"display_name": b.diskName() + " size (GiB)",
		"description":  "Can grow later, never shrink",
		"icon":         "/emojis/1f4be.png",
		"type":         "number",
		"mutable":      true,
		"default":      strconv.Itoa(ch.MinDiskGiB),
		"validation": []tfjson.Body{{
			"min":       ch.MinDiskGiB,
			"max":       ch.MaxDiskGiB,
			"monotonic": "increasing",
		}},
	})
	for _, k := range b.m.UserToggles {
		s := b.m.Base.Capabilities[k]
		add(k, tfjson.Body{
			"display_name": s.App.DisplayName,
			"description":  s.How,
			"icon":         s.App.Icon,
			"type":         "bool",
			"mutable":      true,
			"default":      "false",
		})
	}
}

func (b *template) diskName() string {
	return "Home volume"
}

// numberChoice is a dropdown of numbers, the smallest the default.
func numberChoice(display, description, icon string, values []int, label string) tfjson.Body {
	var options []tfjson.Body
	for _, v := range values {
		options = append(options, tfjson.Body{"name": fmt.Sprintf(label, v), "value": strconv.Itoa(v)})
	}
	return tfjson.Body{
		"display_name": display,
		"description":  description,
		"icon":         icon,
		"type":         "number",
		"mutable":      true,
		"default":      strconv.Itoa(values[0]),
		"option":       options,
	}
}
