// Package ec2meta is the instance metadata setting of every EC2 instance and
// launch template the generator renders (node groups, the operator access
// host, EC2 workspaces): IMDSv2 only, so a request must carry a session
// token (CKV_AWS_79), and a hop limit the caller chooses for what runs on
// the instance (CKV_AWS_341 wants 1).
package ec2meta

import (
	"fmt"

	"github.com/coder-eks/coder-eks/generator/internal/render/tfjson"
)

// Hop limits the EC2 API accepts for http_put_response_hop_limit.
const (
	minHops = 1
	maxHops = 64
)

// IMDSv2 is the metadata_options block of an aws_instance or
// aws_launch_template: the endpoint on, session tokens required, and the
// token's response reaching hopLimit network hops. One hop keeps the
// instance's role credentials from containers and pods behind a bridge
// or an overlay network; a caller passing more says why.
func IMDSv2(hopLimit int) []tfjson.Body {
	if hopLimit < minHops || hopLimit > maxHops {
		panic(fmt.Sprintf("ec2meta: hop limit %d outside %d..%d", hopLimit, minHops, maxHops))
	}
	return []tfjson.Body{{
		"http_endpoint":               "enabled",
		"http_tokens":                 "required",
		"http_put_response_hop_limit": hopLimit,
	}}
}
