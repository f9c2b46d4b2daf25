# Mock data for hashicorp/aws (6.25), used by every plan test (see ../README.md).
#
# Terraform's mock provider leaves a computed attribute unknown during plan
# and invents a value at apply, exactly as the real provider does for ids and
# ARNs; that default is kept, so a for_each keyed by an apply-time value fails
# here as it would on AWS. Defaults below are only (a) values the real
# provider knows at plan time (override_during = plan, with the behaviour it
# mirrors), (b) data sources, which the real provider reads during plan, and
# (c) nested computed blocks read by index at apply, given the shape the
# provider returns. The environment's region, account and partition are set
# per provider configuration by the harness, not here.

# (a) Known at plan time: the provider's CustomizeDiff computes
# domain_validation_options from domain_name and subject_alternative_names
# (internal/service/acm/certificate.go, resourceCertificateCustomizeDiff),
# which is why the documented for_each-over-validation-options pattern
# plans. Every other computed attribute is given too: with override_during =
# plan, Terraform would otherwise invent them twice (plan and apply) and
# report an inconsistent final plan.
mock_resource "aws_acm_certificate" {
  override_during = plan
  defaults = {
    arn                 = "arn:aws:acm:us-east-1:111122223333:certificate/00000000-0000-0000-0000-000000000000"
    id                  = "arn:aws:acm:us-east-1:111122223333:certificate/00000000-0000-0000-0000-000000000000"
    not_after           = "2027-12-01T00:00:00Z"
    not_before          = "2026-12-01T00:00:00Z"
    region              = "us-east-1"
    renewal_eligibility = "INELIGIBLE"
    status              = "PENDING_VALIDATION"
    type                = "AMAZON_ISSUED"
    key_algorithm       = "RSA_2048"
    pending_renewal     = false
    renewal_summary     = []
    validation_emails   = []
    validation_method   = "DNS"
    subject_alternative_names = []
    tags_all            = {}
    domain_validation_options = [
      {
        domain_name           = "coder.example.com"
        resource_record_name  = "_0123456789abcdef.coder.example.com."
        resource_record_type  = "CNAME"
        resource_record_value = "_fedcba9876543210.acm-validations.aws."
      },
    ]
  }
}

# (b) Data sources.
# Quotas well above anything the quota check blocks ask for: the checks'
# arithmetic is exercised, not the account.
mock_data "aws_servicequotas_service_quota" {
  defaults = {
    value = 1000000
  }
}

mock_data "aws_iam_policy_document" {
  defaults = {
    json          = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    minified_json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
  }
}

mock_data "aws_route53_zone" {
  defaults = {
    zone_id = "Z0123456789ABCDEFGHIJ"
    name    = "example.com"
  }
}

# The workspace subnets a template looks up by tag: three, one per AZ, as Day 0
# creates them.
mock_data "aws_subnets" {
  defaults = {
    ids = ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0bbbbbbbbbbbbbbb2", "subnet-0ccccccccccccccc3"]
  }
}

mock_data "aws_availability_zones" {
  defaults = {
    names    = ["us-east-1a", "us-east-1b", "us-east-1c"]
    zone_ids = ["use1-az1", "use1-az2", "use1-az4"]
  }
}

# (c) Nested computed blocks read by index ([0]) at apply.
mock_resource "aws_eks_cluster" {
  defaults = {
    identity = [{ oidc = [{ issuer = "https://oidc.eks.us-east-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF" }] }]
    certificate_authority = [{ data = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==" }]
    # vpc_config is a configured block: its computed attributes are given as
    # an object, which Terraform merges into each configured block.
    vpc_config = { cluster_security_group_id = "sg-0123456789abcdef0", vpc_id = "vpc-0123456789abcdef0" }
  }
}

mock_resource "aws_eks_node_group" {
  defaults = {
    resources = [{ autoscaling_groups = [{ name = "eks-mock-0123456789abcdef" }], remote_access_security_group_id = "" }]
  }
}

mock_resource "aws_rds_cluster" {
  defaults = {
    master_user_secret = [{
      kms_key_id    = "arn:aws:kms:us-east-1:111122223333:key/00000000-0000-0000-0000-000000000000"
      secret_arn    = "arn:aws:secretsmanager:us-east-1:111122223333:secret:rds!cluster-00000000-0000-0000-0000-000000000000-AbCdEf"
      secret_status = "active"
    }]
  }
}
