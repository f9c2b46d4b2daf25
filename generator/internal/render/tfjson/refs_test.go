package tfjson

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestUnresolved(t *testing.T) {
	tests := []struct {
		name    string
		files   map[string]string
		want    []string
		wantErr string
	}{
		{
			name: "everything resolves",
			files: map[string]string{
				"a.tf.json": `{"//": "x",
					"variable": {"v": {"type": "string"}},
					"locals": {"l": "${var.v}"},
					"data": {"aws_vpc": {"this": {"tags": {"Name": "${local.l}"}}}},
					"resource": {"aws_subnet": {"s": {"count": 2, "vpc_id": "${data.aws_vpc.this.id}", "cidr_block": "${cidrsubnet(\"10.0.0.0/16\", 8, count.index)}", "depends_on": ["aws_vpc.v"], "lifecycle": [{"ignore_changes": ["tags"], "replace_triggered_by": ["aws_vpc.v.id"]}]}}},
					"output": {"o": {"value": "${aws_subnet.s[0].id} ${path.module}"}}}`,
				"b.tf.json": `{"resource": {"aws_vpc": {"v": {"cidr_block": "${local.l}"}}}}`,
			},
		},
		{
			name: "unknown references in every position",
			files: map[string]string{
				"a.tf.json": `{
					"locals": {"l": "${var.nope}"},
					"resource": {"aws_subnet": {"s": {"vpc_id": "${aws_vpc.gone.id}", "tags": {"x": "${local.missing}"}, "depends_on": ["aws_vpc.other"], "lifecycle": {"replace_triggered_by": ["time_rotating.r"]}}}},
					"output": {"o": {"value": "${data.aws_vpc.none.id}"}}}`,
			},
			want: []string{
				"a.tf.json: aws_vpc.gone", "a.tf.json: aws_vpc.other", "a.tf.json: data.aws_vpc.none",
				"a.tf.json: local.missing", "a.tf.json: time_rotating.r", "a.tf.json: var.nope",
			},
		},
		{
			name:  "escaped interpolation is literal",
			files: map[string]string{"a.tf.json": `{"locals": {"s": "echo $${HOME} %%{x}"}}`},
		},
		{
			name:    "malformed interpolation",
			files:   map[string]string{"a.tf.json": `{"locals": {"s": "${oops("}}`},
			wantErr: "template",
		},
		{
			name:    "not JSON",
			files:   map[string]string{"a.tf.json": `{"locals": `},
			wantErr: "parse a.tf.json",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			files := map[string][]byte{}
			for k, v := range tc.files {
				files[k] = []byte(v)
			}
			got, err := Unresolved(files)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want it to contain %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("unresolved (-want +got):\n%s", diff)
			}
		})
	}
}

func TestUnused(t *testing.T) {
	files := map[string][]byte{"a.tf.json": []byte(`{
		"variable": {"v": {"type": "string"}, "dead": {"type": "string"}},
		"locals": {
			"used": "${var.v}", "via_local": "${local.used}-${data.aws_ami.a.id}",
			"alone": "x", "chain": "${local.alone}", "by_dead_data": "y"
		},
		"data": {
			"aws_ami": {"a": {"owners": ["amazon"]}},
			"aws_vpc": {"dead": {"tags": {"Name": "${local.by_dead_data}"}}},
			"aws_subnet": {"for_output": {"id": "s"}}
		},
		"resource": {"aws_instance": {"i": {"ami": "${local.via_local}", "lifecycle": [{"ignore_changes": ["ami"]}]}}},
		"output": {"o": {"value": "${data.aws_subnet.for_output.id}"}}}`)}
	got, err := Unused(files)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"a.tf.json: data.aws_vpc.dead", "a.tf.json: local.alone", "a.tf.json: local.by_dead_data",
		"a.tf.json: local.chain", "a.tf.json: var.dead",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("unused (-want +got):\n%s", diff)
	}
}

func TestEscape(t *testing.T) {
	got := Escape("a ${b} %{c} $d")
	if want := "a $${b} %%{c} $d"; got != want {
		t.Errorf("Escape = %q, want %q", got, want)
	}
}
