package infra

import "github.com/coder-eks/coder-eks/generator/internal/render/tfjson"

const (
	zoneData     = "data.aws_route53_zone.base"
	certificate  = "aws_acm_certificate.coder"
	certValidate = "aws_acm_certificate_validation.coder"
)

// dns renders the certificate for coder.<domain> and *.coder.<domain>
// (validated through DNS records in the zone) unless one is given, and the
// alias records of ACCESS_URL and WILDCARD_ACCESS_URL to the NLB.
func (b *module) dns(f *tfjson.File) {
	d := b.m.DNS
	zone := d.ZoneID
	if zone == "" {
		f.Data("aws_route53_zone", "base", b.inZone(tfjson.Body{"name": d.BaseDomain, "private_zone": false}))
		zone = tfjson.Attr(zoneData, "zone_id")
	}
	if d.CertificateARN == "" {
		b.certificate(f, zone)
	}
	for key, name := range map[string]string{"access_url": d.Host, "wildcard_access_url": d.Wildcard} {
		record := tfjson.Body{
			"zone_id": zone,
			"name":    name,
			"type":    "A",
			"alias": []tfjson.Body{{
				"name":                   tfjson.Attr(nlb, "dns_name"),
				"zone_id":                tfjson.Attr(nlb, "zone_id"),
				"evaluate_target_health": true,
			}},
		}
		if d.PublicZone != nil {
			// An alias target must be in the zone's partition.
			delete(record, "alias")
			record["type"], record["ttl"], record["records"] = "CNAME", 300, []string{tfjson.Attr(nlb, "dns_name")}
		}
		f.Resource("aws_route53_record", key, b.inZone(record))
	}
}

// publicDNSProvider is the provider alias of a public zone in another
// partition's account.
const publicDNSProvider = "public_dns"

// inZone sends a Route 53 call to the public zone's account.
func (b *module) inZone(body tfjson.Body) tfjson.Body {
	if b.m.DNS.PublicZone != nil {
		body["provider"] = "aws." + publicDNSProvider
	}
	return body
}

// publicDNS configures the provider of a cross-partition public zone:
// Route 53 in the commercial partition (its control plane is us-east-1),
// pinned to that account, with FIPS endpoints where the environment uses
// them.
func (b *module) publicDNS(f *tfjson.File) {
	z := b.m.DNS.PublicZone
	if z == nil {
		return
	}
	p := tfjson.Body{
		"alias":               publicDNSProvider,
		"region":              "us-east-1",
		"profile":             z.Profile,
		"allowed_account_ids": []string{z.AccountID},
		"default_tags":        []tfjson.Body{{"tags": b.m.Tags}},
	}
	if b.m.FIPS {
		p["use_fips_endpoint"] = true
	}
	f.Provider("aws", p)
}

func (b *module) certificate(f *tfjson.File, zone string) {
	d := b.m.DNS
	f.Resource("aws_acm_certificate", "coder", tfjson.Body{
		"domain_name":               d.Host,
		"subject_alternative_names": []string{d.Wildcard},
		"validation_method":         "DNS",
		"key_algorithm":             "RSA_2048",
		"lifecycle":                 []tfjson.Body{{"create_before_destroy": true}},
	})
	// The name and its wildcard share one validation record, hence
	// allow_overwrite on the second.
	f.Resource("aws_route53_record", "certificate_validation", b.inZone(tfjson.Body{
		"for_each": "${{for o in " + certificate + ".domain_validation_options : o.domain_name => " +
			"{name = o.resource_record_name, record = o.resource_record_value, type = o.resource_record_type}}}",
		"zone_id":         zone,
		"name":            "${each.value.name}",
		"type":            "${each.value.type}",
		"records":         []string{"${each.value.record}"},
		"ttl":             60,
		"allow_overwrite": true,
	}))
	f.Resource("aws_acm_certificate_validation", "coder", tfjson.Body{
		"certificate_arn":         tfjson.Attr(certificate, "arn"),
		"validation_record_fqdns": "${[for r in aws_route53_record.certificate_validation : r.fqdn]}",
	})
}

// certificateARN is the listener's certificate: the given one, or the
// created one once validated.
func certificateARN(existing string) string {
	if existing != "" {
		return existing
	}
	return tfjson.Attr(certValidate, "certificate_arn")
}
