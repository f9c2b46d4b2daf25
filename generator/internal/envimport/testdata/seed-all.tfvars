# Every variable of the seed's Configuration Reference, as a seed user's
# environments/prod.tfvars would set them: most at the seed's defaults,
# some changed.

# General
project_name = "coder"
environment  = "prod"
owner        = "platform-engineering"
aws_region   = "us-east-1"

# VPC
vpc_cidr             = "10.0.0.0/16"
availability_zones   = ["us-east-1a", "us-east-1b", "us-east-1c"]
max_workspaces       = 3000
enable_vpc_endpoints = true

# EKS (1.31, the seed's default, is past standard support)
eks_cluster_version        = "1.33"
control_node_instance_type = "m5.large"
control_node_min_size      = 2
control_node_max_size      = 3
prov_node_instance_type    = "c5.2xlarge"
prov_node_min_size         = 0
prov_node_max_size         = 20
prov_node_desired_peak     = 5
ws_node_instance_type      = "m5.2xlarge"
ws_node_min_size           = 10
ws_node_max_size           = 250
ws_node_desired_peak       = 60
ws_use_spot_instances      = true

# Scaling schedule
scaling_schedule_start = "45 6 * * MON-FRI"
scaling_schedule_stop  = "15 18 * * MON-FRI"
scaling_timezone       = "America/Chicago"

# Aurora PostgreSQL
aurora_engine_version        = "16.4"
aurora_min_capacity          = 0.5
aurora_max_capacity          = 16.0
aurora_backup_retention_days = 90
enable_cross_region_backup   = true
backup_region                = "us-west-2"

# DNS and certificates
base_domain                  = "example.com"
coder_subdomain              = "coder"
route53_zone_id              = ""
create_acm_certificate       = true
existing_acm_certificate_arn = ""

# OIDC
oidc_issuer_url        = "https://login.example.com/oauth2/default"
oidc_client_id         = "coder-prod"
oidc_client_secret_arn = "arn:aws:secretsmanager:us-east-1:111122223333:secret:coder/prod/oidc-client-secret-AbCdEf"

# External authentication
external_auth_provider          = "github"
external_auth_client_id         = "Iv1.coderprod0000000"
external_auth_client_secret_arn = "arn:aws:secretsmanager:us-east-1:111122223333:secret:coder/prod/github-oauth-AbCdEf"

# Coder
coder_version           = "2.18.0"
coderd_replicas         = 3
max_workspaces_per_user = 3

# Network load balancer
nlb_ssl_policy         = "ELBSecurityPolicy-TLS13-1-2-2021-06"
nlb_cross_zone_enabled = true
enable_stun            = true

# Observability
log_retention_days           = 365
fluent_bit_version           = "0.47.10"
enable_container_insights    = true
enable_prometheus_metrics    = true
enable_amp_integration       = false
amp_workspace_id             = ""
enable_cloudtrail            = true
alert_sns_topic_arn          = "arn:aws:sns:us-east-1:111122223333:coder-prod-alerts"
api_latency_p95_threshold_ms = 500
api_latency_p99_threshold_ms = 1000

# Quota validation
skip_quota_check             = false
auto_request_quota_increases = false

# coderd provider
enable_coderd_provider = false
coder_admin_token      = ""
idp_group_mappings = {
  "coder-admins" = {
    coder_group = "platform-admins"
    roles       = ["owner"]
  }
  "coder-developers" = {
    coder_group     = "developers"
    roles           = ["member"]
    quota_allowance = 10
  }
}
provisioner_key_tags = {
  scope = "organization"
}
