package capacity_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/coder-eks/coder-eks/generator/internal/plan/capacity"
)

func TestAutostopFor(t *testing.T) {
	env := loadEnv(t, "prod")
	p := env.Catalog.Planning
	tests := []struct {
		name        string
		start, stop string
		peak        int
		wantOK      bool
		wantQuiet   string
		wantTTLMins int64
	}{
		{"seed schedule: quiet hours 30 min before the scale-in", "45 6 * * MON-FRI", "15 18 * * MON-FRI", 50, true, "CRON_TZ=America/New_York 45 17 * * *", 11 * 60},
		{"on the hour", "0 8 * * 1-5", "0 17 * * 1-5", 5, true, "CRON_TZ=America/New_York 30 16 * * *", 8*60 + 30},
		{"a window shorter than the margin keeps a minute of it", "0 8 * * *", "10 8 * * *", 5, true, "CRON_TZ=America/New_York 1 8 * * *", 1},
		{"no schedule", "45 6 * * MON-FRI", "15 18 * * MON-FRI", 0, false, "", 0},
		{"not one daily window", "45 6,12 * * MON-FRI", "15 18 * * MON-FRI", 50, false, "", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := env.Config
			c.ScalingScheduleStart, c.ScalingScheduleStop, c.WSNodeDesiredPeak = tc.start, tc.stop, tc.peak
			a, ok := capacity.AutostopFor(&c, p)
			if ok != tc.wantOK {
				t.Fatalf("ok = %v, want %v", ok, tc.wantOK)
			}
			if !ok {
				return
			}
			if a.QuietHours != tc.wantQuiet {
				t.Errorf("quiet hours %q, want %q", a.QuietHours, tc.wantQuiet)
			}
			if got := a.DefaultTTLMillis / 60000; got != tc.wantTTLMins {
				t.Errorf("default TTL %d min, want %d", got, tc.wantTTLMins)
			}
			if diff := cmp.Diff([]string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}, a.Days); diff != "" {
				t.Errorf("days (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNodeGroupChecks(t *testing.T) {
	env := loadEnv(t, "prod")
	tests := []struct {
		name string
		edit func(e *struct {
			max, peak, pct, wsMax int
			alt                   []string
		})
		wantField string
		wantMsg   string
	}{
		{"prod as shipped", func(e *struct {
			max, peak, pct, wsMax int
			alt                   []string
		}) {
		}, "", ""},
		{"provisioner daemons at the alarm", func(e *struct {
			max, peak, pct, wsMax int
			alt                   []string
		}) {
			e.max = 20
		}, "prov_node_max_size",
			"its capacity alarm fires at 90% of prov_node_max_size = 18 nodes, but the configuration itself holds the group at 20 nodes"},
		{"fewer workspace nodes than AZs", func(e *struct {
			max, peak, pct, wsMax int
			alt                   []string
		}) {
			e.wsMax = 2
		}, "ws_node_max_size",
			"one workspace node group per availability zone (3 AZs) needs ws_node_max_size of at least 3"},
		{"a Spot alternative of another size", func(e *struct {
			max, peak, pct, wsMax int
			alt                   []string
		}) {
			e.alt = []string{"m5.2xlarge"}
		},
			"ws_spot_alternative_types[0]", "m5.2xlarge (8 vCPU, 32 GiB, 58 pods) does not size like ws_node_instance_type r5.2xlarge"},
		{"a Spot alternative twice", func(e *struct {
			max, peak, pct, wsMax int
			alt                   []string
		}) {
			e.alt = []string{"r6i.2xlarge", "r6i.2xlarge"}
		},
			"ws_spot_alternative_types[1]", "listed twice"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := env.Config
			e := struct {
				max, peak, pct, wsMax int
				alt                   []string
			}{c.ProvNodeMaxSize, c.ProvNodeDesiredPeak, c.NodeGroupCapacityAlarmPct, c.WSNodeMaxSize, c.WSSpotAlternativeTypes}
			tc.edit(&e)
			c.ProvNodeMaxSize, c.ProvNodeDesiredPeak, c.NodeGroupCapacityAlarmPct, c.WSNodeMaxSize, c.WSSpotAlternativeTypes = e.max, e.peak, e.pct, e.wsMax, e.alt
			f, err := capacity.Compute(&c, env.Catalog, c.AllWorkspaces(), nil)
			if err != nil {
				t.Fatal(err)
			}
			got := capacity.Check(f, &c, env.Catalog)
			if tc.wantField == "" {
				if len(got) > 0 {
					t.Errorf("findings %v, want none", got)
				}
				return
			}
			for _, fi := range got {
				if fi.Field == tc.wantField && strings.Contains(fi.Msg, tc.wantMsg) {
					return
				}
			}
			t.Errorf("findings %v, want one at %s containing %q", got, tc.wantField, tc.wantMsg)
		})
	}
}
