package load

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const root = "../../.."

func TestDiscover(t *testing.T) {
	names, err := Discover(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"prod", "staging"} {
		if !slices.Contains(names, want) {
			t.Errorf("Discover() = %v, lacks %s", names, want)
		}
	}
	if _, err := Discover(t.TempDir()); err == nil || !strings.Contains(err.Error(), "no *.cue file") {
		t.Errorf("Discover(empty) = %v", err)
	}
}

func TestLoad(t *testing.T) {
	env, err := Load(root, "prod")
	if err != nil {
		t.Fatal(err)
	}
	c := env.Config
	// Set in environments/prod.cue, defaulted by the schema, derived by it.
	got := []any{c.Environment, c.Owner, c.VPCCIDR, c.WSNodeMaxSize, c.Partition, c.TerraformStateBucket}
	want := []any{"prod", "platform-engineering", "10.0.0.0/16", 210, "aws", "coder-prod-terraform-state"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("config (-want +got):\n%s", diff)
	}
	// max_pods is computed by the schema from ENIs and addresses.
	if mp := env.Catalog.InstanceTypes["m5.2xlarge"].MaxPods; mp != 58 {
		t.Errorf("m5.2xlarge max_pods = %d, want 58", mp)
	}
	if p := env.Pos("owner"); p.File != "environments/prod.cue" {
		t.Errorf("Pos(owner) = %v, want the environment file", p)
	}
	if p := env.Pos("vpc_cidr"); p.File != "schema/environment.cue" {
		t.Errorf("Pos(vpc_cidr) = %v, want the schema (a default)", p)
	}
}
