package validate

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

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
	errs := checkZones(env, c.AWSRegion, c.AvailabilityZones, "")
	errs = append(errs, checkNetworkAddress(env, "vpc_cidr", c.VPCCIDR)...)
	errs = append(errs, checkNetworkAddress(env, "eks_service_ipv4_cidr", c.EKSServiceIPv4CIDR)...)
	for i, s := range c.SecondaryRegions {
		errs = append(errs, checkZones(env, s.Region, s.AvailabilityZones, SecondaryField(i, ""))...)
		if first, dup := regions[s.Region]; dup {
			f := SecondaryField(i, "region")
			errs = append(errs, diag.Diagnostic{Pos: env.Pos(f), Path: f,
				Msg: fmt.Sprintf("%s is already used by %s; every region appears once", s.Region, first)})
		}
		regions[s.Region] = SecondaryField(i, "region")
		errs = append(errs, checkNetworkAddress(env, SecondaryField(i, "vpc_cidr"), s.VPCCIDR)...)
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

// checkZones proves every availability zone given is one of the region's
// (schema/regions.cue): a zone of another region, or one that exists
// nowhere, would fail at apply, and two regions' zones with the same
// letter would give two subnets one name.
func checkZones(env *load.Environment, region string, zones []string, prefix string) diag.List {
	r, ok := env.Catalog.Regions[region]
	if !ok {
		return nil // the schema rejects the region itself
	}
	valid := r.Zones(region)
	var errs diag.List
	for i, z := range zones {
		if slices.Contains(valid, z) {
			continue
		}
		f := fmt.Sprintf("%savailability_zones[%d]", prefix, i)
		msg := fmt.Sprintf("%q is not an availability zone of %s (rule: the region's zones in schema/regions.cue: %s)", z, region, strings.Join(valid, ", "))
		if near, ok := diag.Nearest(z, valid); ok {
			msg += fmt.Sprintf("; did you mean %q?", near)
		}
		errs = append(errs, diag.Diagnostic{Pos: env.Pos(f), Path: f, Msg: msg})
	}
	return errs
}

// checkNetworkAddress proves a CIDR is written as its network address:
// 10.0.1.0/16 would reach aws_vpc verbatim and be planned as if it were
// 10.0.0.0/16.
func checkNetworkAddress(env *load.Environment, field, value string) diag.List {
	p, err := netip.ParsePrefix(value)
	if err != nil || p == p.Masked() {
		return nil
	}
	return diag.List{{Pos: env.Pos(field), Path: field,
		Msg: fmt.Sprintf("%s has host bits set (rule: a CIDR block is written as its network address); did you mean %s?", value, p.Masked())}}
}

// checkSecretARNs proves each secret the cluster reads is in the
// environment's partition and region: External Secrets' ClusterSecretStore
// calls Secrets Manager in the cluster's region, which cannot return a
// secret of another region or partition. Another account is allowed (a
// resource policy can grant it).
func checkSecretARNs(env *load.Environment) diag.List {
	c := &env.Config
	var errs diag.List
	for _, f := range []struct{ field, arn string }{
		{"oidc_client_secret_arn", c.OIDCClientSecretARN},
		{"external_auth_client_secret_arn", c.ExternalAuthClientSecretARN},
	} {
		parts := strings.SplitN(f.arn, ":", 6)
		if len(parts) < 6 {
			continue // empty (not used) or rejected by the schema
		}
		partition, region := parts[1], parts[3]
		switch {
		case partition != c.Partition:
			errs = append(errs, diag.Diagnostic{Pos: env.Pos(f.field), Path: f.field,
				Msg: fmt.Sprintf("the secret is in partition %s, the environment in %s (rule: secrets are read in the environment's partition, arn:%s:secretsmanager:%s:...)", partition, c.Partition, c.Partition, c.AWSRegion)})
		case region != c.AWSRegion:
			errs = append(errs, diag.Diagnostic{Pos: env.Pos(f.field), Path: f.field,
				Msg: fmt.Sprintf("the secret is in region %s, the cluster's secret store reads %s (rule: arn:%s:secretsmanager:%s:<account>:secret:<name>); replicate the secret to %s", region, c.AWSRegion, c.Partition, c.AWSRegion, c.AWSRegion)})
		}
	}
	return errs
}
