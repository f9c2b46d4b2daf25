package load

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"

	"github.com/coder-eks/coder-eks/generator/internal/cidr"
	"github.com/coder-eks/coder-eks/generator/internal/layout"
)

// Committed is what an environment's Day-0 root modules hold as committed:
// the primary region's under "", a secondary region's under its name. A
// region missing from the map has not been rendered yet.
type Committed map[string]Module

// Module is what later renders must respect of one committed root module:
// its address plan and the versions AWS only moves along an upgrade path.
type Module struct {
	Plan cidr.Plan
	// EKSVersion is aws_eks_cluster's version; AuroraVersion is
	// aws_rds_cluster's engine_version ("" when the module has none).
	EKSVersion, AuroraVersion string
}

// ReadCommitted reads the VPCs and subnets of every Day-0 root module
// (layout.Infra, layout.RegionInfra) committed under dir (rendered/<env>):
// the address plan of an environment that has been rendered is read back
// from it, because the committed VPC and subnets are what Terraform's
// state holds, so they are the facts growth must keep. Subnets are keyed by what they are,
// not by their resource names: the "Tier" tag and availability_zone, with
// the resource name's "_<n>" suffix (a subnet growth added) as the
// sequence. A missing dir is an environment never rendered.
func ReadCommitted(dir string) (Committed, error) {
	out := Committed{}
	modules, err := filepath.Glob(filepath.Join(dir, filepath.FromSlash(layout.Infra)+"*"))
	if err != nil {
		return nil, err
	}
	for _, m := range modules {
		rel, err := filepath.Rel(dir, m)
		if err != nil {
			return nil, err
		}
		region, ok := layout.InfraRegion(filepath.ToSlash(rel))
		if !ok {
			continue
		}
		mod, found, err := readModule(m)
		if err != nil {
			return nil, fmt.Errorf("read committed subnets of %s: %w", m, err)
		}
		if found {
			out[region] = mod
		}
	}
	return out, nil
}

// seqSuffix is the "_<n>" of a growth subnet's resource name
// ("workspace_a_2" is the second workspace subnet in its AZ).
var seqSuffix = regexp.MustCompile(`_([0-9]+)$`)

type tfResource struct {
	Version          string            `json:"version"`
	EngineVersion    string            `json:"engine_version"`
	CIDRBlock        string            `json:"cidr_block"`
	AvailabilityZone string            `json:"availability_zone"`
	Tags             map[string]string `json:"tags"`
}

// readModule reads the aws_vpc, aws_vpc_ipv4_cidr_block_association,
// aws_subnet, aws_eks_cluster and aws_rds_cluster resources of one root
// module's *.tf.json files.
func readModule(dir string) (Module, bool, error) {
	var mod Module
	plan, found, err := readModulePlan(dir, &mod)
	mod.Plan = plan
	return mod, found, err
}

func readModulePlan(dir string, mod *Module) (cidr.Plan, bool, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.tf.json"))
	if err != nil {
		return cidr.Plan{}, false, err
	}
	var plan cidr.Plan
	var vpcs int
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return cidr.Plan{}, false, err
		}
		var doc struct {
			Resource map[string]map[string]tfResource `json:"resource"`
		}
		if err := json.Unmarshal(data, &doc); err != nil {
			return cidr.Plan{}, false, fmt.Errorf("%s: %w", filepath.Base(f), err)
		}
		for _, r := range doc.Resource["aws_eks_cluster"] {
			mod.EKSVersion = r.Version
		}
		for _, r := range doc.Resource["aws_rds_cluster"] {
			mod.AuroraVersion = r.EngineVersion
		}
		for _, r := range doc.Resource["aws_vpc"] {
			p, err := netip.ParsePrefix(r.CIDRBlock)
			if err != nil {
				return cidr.Plan{}, false, fmt.Errorf("%s: aws_vpc cidr_block: %w", filepath.Base(f), err)
			}
			plan.VPC = p
			vpcs++
		}
		for _, name := range slices.Sorted(maps.Keys(doc.Resource["aws_vpc_ipv4_cidr_block_association"])) {
			p, err := netip.ParsePrefix(doc.Resource["aws_vpc_ipv4_cidr_block_association"][name].CIDRBlock)
			if err != nil {
				return cidr.Plan{}, false, fmt.Errorf("%s: aws_vpc_ipv4_cidr_block_association.%s: %w", filepath.Base(f), name, err)
			}
			plan.Secondary = append(plan.Secondary, p)
		}
		for _, name := range slices.Sorted(maps.Keys(doc.Resource["aws_subnet"])) {
			r := doc.Resource["aws_subnet"][name]
			p, err := netip.ParsePrefix(r.CIDRBlock)
			if err != nil {
				return cidr.Plan{}, false, fmt.Errorf("%s: aws_subnet.%s cidr_block: %w", filepath.Base(f), name, err)
			}
			tier := r.Tags["Tier"]
			if tier == "" || r.AvailabilityZone == "" {
				return cidr.Plan{}, false, fmt.Errorf("%s: aws_subnet.%s has no Tier tag or availability_zone: cannot tell what it holds", filepath.Base(f), name)
			}
			seq := 0
			if m := seqSuffix.FindStringSubmatch(name); m != nil {
				n, _ := strconv.Atoi(m[1])
				seq = n - 1
			}
			plan.Subnets = append(plan.Subnets, cidr.Subnet{Tier: tier, AZ: r.AvailabilityZone, CIDR: p, Seq: seq})
		}
	}
	switch {
	case vpcs == 0:
		return cidr.Plan{}, false, nil
	case vpcs > 1:
		return cidr.Plan{}, false, fmt.Errorf("%d aws_vpc resources, want one", vpcs)
	}
	// Secondary blocks in address order: association names carry no order.
	sort.Slice(plan.Secondary, func(i, j int) bool { return plan.Secondary[i].Addr().Less(plan.Secondary[j].Addr()) })
	return plan, true, nil
}
