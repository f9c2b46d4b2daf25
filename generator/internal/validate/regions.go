package validate

import (
	"fmt"
	"net/netip"

	"github.com/coder-eks/coder-eks/generator/internal/diag"
	"github.com/coder-eks/coder-eks/generator/internal/load"
)

// checkRegions proves the secondary regions are distinct and their VPCs
// overlap neither the primary's nor each other's, so the VPCs can be
// peered; the schema checks each region on its own.
func checkRegions(env *load.Environment) diag.List {
	c := &env.Config
	type seen struct {
		field string
		cidr  netip.Prefix
	}
	vpcs := []seen{{"vpc_cidr", netip.MustParsePrefix(c.VPCCIDR)}}
	regions := map[string]string{c.AWSRegion: "aws_region"}
	var errs diag.List
	for i, s := range c.SecondaryRegions {
		if first, dup := regions[s.Region]; dup {
			f := SecondaryField(i, "region")
			errs = append(errs, diag.Diagnostic{Pos: env.Pos(f), Path: f,
				Msg: fmt.Sprintf("%s is already used by %s; every region appears once", s.Region, first)})
		}
		regions[s.Region] = SecondaryField(i, "region")
		cidr := netip.MustParsePrefix(s.VPCCIDR)
		for _, v := range vpcs {
			if cidr.Overlaps(v.cidr) {
				f := SecondaryField(i, "vpc_cidr")
				errs = append(errs, diag.Diagnostic{Pos: env.Pos(f), Path: f,
					Msg: fmt.Sprintf("%s overlaps %s %s; the regions' VPCs must not overlap so they can be peered", cidr, v.field, v.cidr)})
			}
		}
		vpcs = append(vpcs, seen{SecondaryField(i, "vpc_cidr"), cidr})
	}
	return errs
}
