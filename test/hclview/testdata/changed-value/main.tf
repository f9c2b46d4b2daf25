resource "aws_launch_template" "ws" {
  name = "ws-${var.env}"
  tags = { Name = "ws" }
  metadata_options {
    http_endpoint = "enabled"
    http_tokens   = "optional"
  }
}

variable "env" {
  type = string
}
