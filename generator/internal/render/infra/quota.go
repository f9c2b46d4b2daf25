package infra

import (
	"fmt"

	"github.com/coder-eks/coder-eks/generator/internal/plan/quota"
	"github.com/coder-eks/coder-eks/generator/internal/render/tfjson"
)

// quotas renders one check block per required service quota: Terraform
// reads the applied quota (or AWS's default) and warns on plan and apply
// when it is below what the generator computed for this environment. The
// pre-flight script checks the same numbers before Terraform runs.
func (b *module) quotas(f *tfjson.File) {
	if b.m.Quotas.Skip {
		return
	}
	for _, r := range b.m.Quotas.Requirements {
		data := "data.aws_servicequotas_service_quota." + r.Key
		f.Check("quota_"+r.Key, tfjson.Body{
			"data": tfjson.Body{"aws_servicequotas_service_quota": tfjson.Body{r.Key: tfjson.Body{
				"service_code": r.ServiceCode,
				"quota_code":   r.QuotaCode,
			}}},
			"assert": []tfjson.Body{{
				"condition": fmt.Sprintf("${%s.value >= %d}", data, r.Required),
				"error_message": fmt.Sprintf("Service quota %s %s (%s) is ${%s.value}; %s needs %d %s (%s). Request an increase in Service Quotas.",
					r.ServiceCode, r.QuotaCode, r.Name, data, b.m.Cluster.Name, r.Required, unit(r), r.Basis),
			}},
		})
	}
}

func unit(r quota.Requirement) string {
	u := r.Unit
	if r.PerAZ {
		u += " per AZ"
	}
	return u
}
