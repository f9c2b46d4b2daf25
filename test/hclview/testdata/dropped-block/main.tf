resource "aws_launch_template" "ws" {
  name = "ws-${var.env}"
  tags = { Name = "ws" }
}

variable "env" {
  type = string
}
