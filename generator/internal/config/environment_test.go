package config

import (
	"reflect"
	"slices"
	"strings"
	"testing"
)

// jsonFields maps each field's json name to its index path in struct type
// t, the fields of embedded structs (NodeGroups) included as Go promotes
// them.
func jsonFields(t reflect.Type) map[string][]int {
	out := map[string][]int{}
	for _, f := range reflect.VisibleFields(t) {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.Anonymous || name == "" || name == "-" {
			continue
		}
		out[name] = f.Index
	}
	return out
}

// secondaryTarget is the environment field a secondary region's setting
// stands in for, where the names differ.
var secondaryTarget = map[string]string{
	"region":                   "aws_region",
	"workspace_proxy_replicas": "coderd_replicas",
}

// TestSecondaryTakesEveryRegionSetting proves the region's view carries
// every setting of its secondary_regions entry: a field added to
// SecondaryRegion (or to the NodeGroups it embeds) and forgotten in
// Secondary would render the primary's value into the secondary region.
// Each region field gets a value the primary does not have, set by
// reflection so the test covers new fields.
func TestSecondaryTakesEveryRegionSetting(t *testing.T) {
	var s SecondaryRegion
	sv := reflect.ValueOf(&s).Elem()
	envFields := jsonFields(reflect.TypeFor[Environment]())
	regionFields := jsonFields(sv.Type())
	// The node groups alone would make the test pass with an empty
	// SecondaryRegion: the region must carry them and its own settings.
	for _, name := range []string{"region", "vpc_cidr", "control_node_instance_type", "ws_spot_alternative_types", "terraform_state_key"} {
		if _, ok := regionFields[name]; !ok {
			t.Fatalf("SecondaryRegion has no field %s: the reflection walk misses fields", name)
		}
	}
	n := 0
	for name, index := range regionFields {
		n++
		f := sv.FieldByIndex(index)
		switch f.Kind() {
		case reflect.String:
			f.SetString("region-" + name)
		case reflect.Int:
			f.SetInt(int64(1000 + n))
		case reflect.Bool:
			f.SetBool(true)
		case reflect.Slice:
			f.Set(reflect.ValueOf([]string{"region-" + name}))
		default:
			t.Fatalf("field %s: kind %s not covered by this test", name, f.Kind())
		}
		target := name
		if to, ok := secondaryTarget[name]; ok {
			target = to
		}
		if _, ok := envFields[target]; !ok {
			t.Errorf("secondary_regions[].%s has no environment field %s to stand in for", name, target)
		}
	}
	c := Environment{SecondaryRegions: []SecondaryRegion{s}, VPCSecondaryCIDRs: []string{"100.64.0.0/16"}}
	view := c.Secondary(0)
	vv := reflect.ValueOf(view)
	for name, index := range regionFields {
		target := name
		if to, ok := secondaryTarget[name]; ok {
			target = to
		}
		j, ok := envFields[target]
		if !ok {
			continue
		}
		if got, want := vv.FieldByIndex(j).Interface(), sv.FieldByIndex(index).Interface(); !reflect.DeepEqual(got, want) {
			t.Errorf("Secondary: %s = %v, want the region's %s %v", target, got, name, want)
		}
	}
	if view.VPCSecondaryCIDRs != nil {
		t.Errorf("Secondary kept the primary's vpc_secondary_cidrs %v", view.VPCSecondaryCIDRs)
	}
	if view.SecondaryRegions != nil || view.SecondaryRegion == nil || view.SecondaryRegion.Region != s.Region {
		t.Errorf("Secondary: secondary_regions %v, SecondaryRegion %v: want none and the region itself", view.SecondaryRegions, view.SecondaryRegion)
	}
}

// TestSecondaryRegionServices: a secondary region makes its own
// certificate and runs no database copy, trail or STUN listener; its
// clients use the primary's STUN servers, none when the primary has none.
func TestSecondaryRegionServices(t *testing.T) {
	for _, stun := range []bool{true, false} {
		c := Environment{
			SecondaryRegions: []SecondaryRegion{{Region: "us-west-2"}},
			EnableSTUN:       stun, STUNAddresses: []string{"coder.example.com:3478"},
			CreateACMCertificate: false, ExistingACMCertificateARN: "arn:aws:acm:us-east-1:111122223333:certificate/x",
			EnableCrossRegionBackup: true, EnableCloudTrail: true,
		}
		v := c.Secondary(0)
		if !v.CreateACMCertificate || v.ExistingACMCertificateARN != "" {
			t.Errorf("stun %v: certificate create=%v existing=%q: ACM is regional, the region needs its own", stun, v.CreateACMCertificate, v.ExistingACMCertificateARN)
		}
		if v.EnableCrossRegionBackup || v.EnableCloudTrail || v.EnableSTUN {
			t.Errorf("stun %v: backup copy %v, trail %v, STUN %v in a secondary region", stun, v.EnableCrossRegionBackup, v.EnableCloudTrail, v.EnableSTUN)
		}
		if want := stun; (len(v.STUNAddresses) > 0) != want {
			t.Errorf("primary STUN %v: region's STUN addresses %v", stun, v.STUNAddresses)
		}
		if !c.EnableCloudTrail || c.ExistingACMCertificateARN == "" {
			t.Errorf("Secondary changed the primary")
		}
	}
}

func TestAllWorkspaces(t *testing.T) {
	for _, tc := range []struct {
		primary int
		regions []int
		want    int
	}{
		{3000, nil, 3000},
		{2000, []int{1000}, 3000},
		{500, []int{250, 250}, 1000},
	} {
		c := Environment{MaxWorkspaces: tc.primary}
		for _, n := range tc.regions {
			c.SecondaryRegions = append(c.SecondaryRegions, SecondaryRegion{MaxWorkspaces: n})
		}
		if got := c.AllWorkspaces(); got != tc.want {
			t.Errorf("AllWorkspaces(%d + %v) = %d, want %d", tc.primary, tc.regions, got, tc.want)
		}
	}
}

func TestCatalogHelpers(t *testing.T) {
	if got := (Region{ZoneLetters: []string{"a", "b", "d"}}).Zones("us-east-1"); !slices.Equal(got, []string{"us-east-1a", "us-east-1b", "us-east-1d"}) {
		t.Errorf("Zones = %v", got)
	}
	// m5.2xlarge: 4 ENIs × 15 IPv4 addresses.
	if got := (InstanceType{MaxENIs: 4, IPv4PerENI: 15}).IPsPerNode(); got != 60 {
		t.Errorf("IPsPerNode = %d, want 60", got)
	}
}
