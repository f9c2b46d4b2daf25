package tfhcl

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestConvert(t *testing.T) {
	for _, tc := range []struct {
		name, json, want string
	}{
		{
			name: "one interpolation is the bare expression, others quoted templates",
			json: `{"resource": {"aws_s3_bucket": {"b": {"bucket": "${var.name}", "tags": {"Name": "x-${var.name}"}}}}}`,
			want: `resource "aws_s3_bucket" "b" {
  bucket = var.name
  tags = {
    "Name" = "x-${var.name}"
  }
}
`,
		},
		{
			name: "strings inside an interpolation are not escaped, literal quotes are",
			json: `{"locals": {"a": "say \"${var.x == \"y\" ? \"1\" : \"0\"}\"\\n"}}`,
			want: `locals {
  a = "say \"${var.x == "y" ? "1" : "0"}\"\\n"
}
`,
		},
		{
			name: "a list of objects is a block sequence; lifecycle and depends_on are Terraform's",
			json: `{"resource": {"aws_launch_template": {"w": {"depends_on": ["aws_iam_role.r"], "lifecycle": [{"ignore_changes": ["tags"]}], "metadata_options": [{"http_tokens": "required"}]}}}}`,
			want: `resource "aws_launch_template" "w" {
  depends_on = [aws_iam_role.r]
  lifecycle {
    ignore_changes = [tags]
  }
  metadata_options {
    http_tokens = "required"
  }
}
`,
		},
		{
			name: "a list-of-objects attribute named in tfjson.ListAttributes stays an attribute",
			json: `{"resource": {"coderd_template": {"t": {"versions": [{"directory": "d"}]}}}}`,
			want: `resource "coderd_template" "t" {
  versions = [{
    "directory" = "d"
  }]
}
`,
		},
		{
			name: "a variable's type is an expression and its default a literal",
			json: `{"variable": {"v": {"type": "list(string)", "default": ["${not}"]}}}`,
			want: `variable "v" {
  default = ["$${not}"]
  type    = list(string)
}
`,
		},
		{
			name: "a multi-line string ending in a newline is a heredoc, escapes kept",
			json: `{"locals": {"s": "a $${HOME}\nb \\ \"c\"\n"}}`,
			want: `locals {
  s = <<EOT
a $${HOME}
b \ "c"
EOT
}
`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Convert([]byte(tc.json))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, string(got)); diff != "" {
				t.Errorf("Convert (-want +got):\n%s", diff)
			}
		})
	}
}

func TestConvertMoved(t *testing.T) {
	got, err := Convert([]byte(`{"moved": [{"from": "aws_subnet.a", "to": "aws_subnet.b"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	want := "moved {\n  from = aws_subnet.a\n  to   = aws_subnet.b\n}\n"
	if diff := cmp.Diff(want, string(got)); diff != "" {
		t.Errorf("Convert (-want +got):\n%s", diff)
	}
}

func TestConvertRefusesUnknownTopLevel(t *testing.T) {
	_, err := Convert([]byte(`{"module": {"m": {"source": "./m"}}}`))
	if err == nil || !strings.Contains(err.Error(), `top-level "module"`) {
		t.Fatalf("Convert error = %v, want one naming the top-level key", err)
	}
}
