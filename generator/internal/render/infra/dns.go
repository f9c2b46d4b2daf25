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
		f.Data("aws_route53_zone", "base", tfjson.Body{"name": d.BaseDomain, "private_zone": false})
		zone = tfjson.Attr(zoneData, "zone_id")
	}
	if d.CertificateARN == "" {
		b.certificate(f, zone)
	}
	for key, name := range map[string]string{"access_url": d.Host, "wildcard_access_url": d.Wildcard} {
		f.Resource("aws_route53_record", key, tfjson.Body{
			"zone_id": zone,
			"name":    name,
			"type":    "A",
			"alias": []tfjson.Body{{
				"name":                   tfjson.Attr(nlb, "dns_name"),
				"zone_id":                tfjson.Attr(nlb, "zone_id"),
				"evaluate_target_health": true,
			}},
		})
	}
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
	f.Resource("aws_route53_record", "certificate_validation", tfjson.Body{
		"for_each": "${{for o in " + certificate + ".domain_validation_options : o.domain_name => " +
			"{name = o.resource_record_name, record = o.resource_record_value, type = o.resource_record_type}}}",
		"zone_id":         zone,
		"name":            "${each.value.name}",
		"type":            "${each.value.type}",
		"records":         []string{"${each.value.record}"},
		"ttl":             60,
		"allow_overwrite": true,
	})
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
