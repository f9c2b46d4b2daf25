# metadata_options is a nested block; as an argument a scanner reads it as
# absent ("IMDSv2 not required") and Terraform rejects it.
resource "aws_launch_template" "ws" {
  name = "ws-${var.env}"
  tags = { Name = "ws" }
  metadata_options = {
    http_endpoint = "enabled"
    http_tokens   = "required"
  }
}

variable "env" {
  type = string
}
