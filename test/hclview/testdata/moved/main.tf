moved {
  from = aws_subnet.a
  to   = aws_subnet.b
}
