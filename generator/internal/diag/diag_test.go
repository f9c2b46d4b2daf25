package diag

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestListFocusAndWithout(t *testing.T) {
	env := Position{File: "environments/prod.cue", Line: 3, Col: 1}
	schema := Position{File: "schema/environment.cue", Line: 264, Col: 34}
	l := List{
		{Pos: env, Path: "eks_cluster_version", Msg: "not allowed"},
		{Pos: schema, Path: "eks_cluster_version", Msg: "invalid interpolation"}, // a consequence
		{Pos: schema, Path: "owner", Msg: "required field is missing"},           // nothing in the file: kept
		{Pos: env, Path: "vpc_cidrr", Msg: "field not allowed"},
	}
	got := l.Focus("environments/prod.cue").Without(List{{Path: "vpc_cidrr"}})
	want := List{l[0], l[2]}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Focus then Without (-want +got):\n%s", diff)
	}
}
