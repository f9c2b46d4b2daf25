// These tests check what the rendered node groups, schedules,
// alarms and Coder settings will do once applied, for every shipped
// environment: the schedules and cluster-autoscaler do not fight, the
// workspaces end before the evening scale-in, max_workspaces_per_user is
// enforced, and the alarms can fire (and do not fire every day).
package pipeline_test

import (
	"encoding/json"
	"fmt"

	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/coder-eks/coder-eks/generator/internal/load"
	"github.com/coder-eks/coder-eks/generator/internal/plan"
	"github.com/coder-eks/coder-eks/generator/internal/validate"
	"github.com/coder-eks/coder-eks/generator/pipeline"
)

const repoRoot = "../.."

var (
	shippedOnce sync.Once
	shippedRes  map[string]pipeline.Result
	shippedErr  error
)

// shipped renders every environment of the repository (once per test
// binary; the tests only read the result).
func shipped(t *testing.T) map[string]pipeline.Result {
	t.Helper()
	shippedOnce.Do(func() {
		names, err := pipeline.Environments(repoRoot)
		if err == nil && len(names) == 0 {
			err = fmt.Errorf("no environments under environments/")
		}
		if err != nil {
			shippedErr = err
			return
		}
		// A fixed date: the EKS support warning depends on it.
		today, _ := time.Parse("2006-01-02", "2026-12-01")
		shippedRes, shippedErr = pipeline.RenderAllWith(repoRoot, names, pipeline.Options{Today: today})
	})
	if shippedErr != nil {
		t.Fatal(shippedErr)
	}
	return shippedRes
}

func checked(t *testing.T, name string) *plan.Environment {
	t.Helper()
	env, err := load.Load(repoRoot, name)
	if err != nil {
		t.Fatal(err)
	}
	c, err := plan.Derive(env)
	if err == nil {
		err = validate.Environment(c)
	}
	if err != nil {
		t.Fatal(err)
	}
	return c
}

type body = map[string]any

// resources are the resources of type typ in the files under dir, by name.
func resources(t *testing.T, files pipeline.FileSet, dir, typ string) map[string]body {
	t.Helper()
	out := map[string]body{}
	for p, data := range files {
		if !strings.HasPrefix(p, dir+"/") || !strings.HasSuffix(p, ".tf.json") || strings.Contains(strings.TrimPrefix(p, dir+"/"), "/") {
			continue
		}
		var doc struct {
			Resource map[string]map[string]body `json:"resource"`
		}
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		for name, b := range doc.Resource[typ] {
			out[name] = b
		}
	}
	return out
}

// infraDirs are the Day-0 root modules of an environment: the primary's
// and each secondary region's.
func infraDirs(files pipeline.FileSet) []string {
	seen := map[string]bool{}
	var dirs []string
	for p := range files {
		dir := p[:strings.LastIndex(p, "/")+1]
		dir = strings.TrimSuffix(dir, "/")
		if (dir == "terraform/infra" || strings.HasPrefix(dir, "terraform/infra-")) && !seen[dir] {
			seen[dir] = true
			dirs = append(dirs, dir)
		}
	}
	if len(dirs) == 0 {
		panic("no terraform/infra* modules rendered")
	}
	return dirs
}

func num(t *testing.T, v any) int {
	t.Helper()
	f, ok := v.(float64)
	if !ok {
		t.Fatalf("%v (%T) is not a number", v, v)
	}
	return int(f)
}

func first(b body, key string) body {
	l, _ := b[key].([]any)
	if len(l) == 0 {
		return nil
	}
	m, _ := l[0].(map[string]any)
	return m
}

// TestSchedulesLeaveDesiredToTheAutoscaler: a scheduled action that sets
// desired capacity terminates busy nodes at the evening scale-in and
// shrinks a group the autoscaler grew at the morning one; a plan that
// resets desired_size does the same. Tracker 10 item 11.
func TestSchedulesLeaveDesiredToTheAutoscaler(t *testing.T) {
	for env, res := range shipped(t) {
		for _, dir := range infraDirs(res.Files) {
			for name, s := range resources(t, res.Files, dir, "aws_autoscaling_schedule") {
				if d, ok := s["desired_capacity"]; ok && num(t, d) != -1 {
					t.Errorf("%s %s: aws_autoscaling_schedule.%s sets desired_capacity %v: cluster-autoscaler owns it (set min_size only, desired -1)", env, dir, name, d)
				}
				if _, ok := s["min_size"]; !ok {
					t.Errorf("%s %s: aws_autoscaling_schedule.%s sets no min_size", env, dir, name)
				}
			}
			for name, g := range resources(t, res.Files, dir, "aws_eks_node_group") {
				ignored := fmt.Sprint(first(g, "lifecycle")["ignore_changes"])
				if !strings.Contains(ignored, "scaling_config[0].desired_size") {
					t.Errorf("%s %s: aws_eks_node_group.%s does not ignore changes to desired_size (cluster-autoscaler resizes it): lifecycle %v", env, dir, name, g["lifecycle"])
				}
			}
		}
	}
}

// TestWorkspaceNodeGroupPerAZ: home volumes are zonal, and
// cluster-autoscaler can only add a node in the AZ a pending workspace's
// volume needs when each group it scales is in one AZ. Tracker 10 item 12.
func TestWorkspaceNodeGroupPerAZ(t *testing.T) {
	for env, res := range shipped(t) {
		for _, dir := range infraDirs(res.Files) {
			subnets := map[string]bool{}
			n := 0
			for name, g := range resources(t, res.Files, dir, "aws_eks_node_group") {
				if fmt.Sprint(g["labels"].(map[string]any)["coder.com/node-group"]) != "workspace" {
					continue
				}
				n++
				ids, _ := g["subnet_ids"].([]any)
				if len(ids) != 1 {
					t.Errorf("%s %s: workspace node group %s spans %d subnets %v, want one AZ's", env, dir, name, len(ids), ids)
				}
				for _, id := range ids {
					subnets[fmt.Sprint(id)] = true
				}
			}
			var vpc struct {
				Resource map[string]map[string]body `json:"resource"`
			}
			if err := json.Unmarshal(res.Files[dir+"/vpc.tf.json"], &vpc); err != nil {
				t.Fatal(err)
			}
			azs := 0
			for name := range vpc.Resource["aws_subnet"] {
				if strings.HasPrefix(name, "workspace_") {
					azs++
				}
			}
			if n != azs || len(subnets) != azs {
				t.Errorf("%s %s: %d workspace node groups over %d subnets, want one per AZ (%d)", env, dir, n, len(subnets), azs)
			}
		}
		values := map[string]any{}
		if err := yaml.Unmarshal(res.Files["helm/cluster-autoscaler.values.yaml"], &values); err != nil {
			t.Fatal(err)
		}
		if args, _ := values["extraArgs"].(map[string]any); args["balance-similar-node-groups"] != true {
			t.Errorf("%s: cluster-autoscaler runs without balance-similar-node-groups: the AZ groups drift apart", env)
		}
	}
}

// minuteOf reads "M H" of a cron.
func minuteOf(t *testing.T, cron string) int {
	t.Helper()
	f := strings.Fields(cron)
	m, err1 := strconv.Atoi(f[0])
	h, err2 := strconv.Atoi(f[1])
	if err1 != nil || err2 != nil {
		t.Fatalf("cron %q: no single minute and hour", cron)
	}
	return h*60 + m
}

func coderEnv(t *testing.T, files pipeline.FileSet) map[string]string {
	t.Helper()
	var v struct {
		Coder struct {
			Env []struct{ Name, Value string } `json:"env"`
		} `json:"coder"`
	}
	if err := yaml.Unmarshal(files["helm/coder.values.yaml"], &v); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, e := range v.Coder.Env {
		out[e.Name] = e.Value
	}
	return out
}

// TestWorkspacesEndBeforeScaleIn: every composed template stops its
// workspaces in quiet hours that begin before the scale-in, in the
// schedule's zone, on every day; users cannot move their quiet hours, and
// a workspace started at the scale-up ends by quiet hours at the latest.
// Tracker 10 item 11.
func TestWorkspacesEndBeforeScaleIn(t *testing.T) {
	for env, res := range shipped(t) {
		c := checked(t, env).Config
		if c.WSNodeDesiredPeak == 0 {
			continue
		}
		e := coderEnv(t, res.Files)
		quiet := e["CODER_QUIET_HOURS_DEFAULT_SCHEDULE"]
		want := "CRON_TZ=" + c.ScalingTimezone + " "
		if !strings.HasPrefix(quiet, want) {
			t.Errorf("%s: CODER_QUIET_HOURS_DEFAULT_SCHEDULE = %q, want quiet hours in %s", env, quiet, c.ScalingTimezone)
			continue
		}
		start, stop, q := minuteOf(t, c.ScalingScheduleStart), minuteOf(t, c.ScalingScheduleStop), minuteOf(t, strings.TrimPrefix(quiet, want))
		if q >= stop || q <= start {
			t.Errorf("%s: quiet hours at %02d:%02d, not inside the business-hours window before the scale-in at %02d:%02d", env, q/60, q%60, stop/60, stop%60)
		}
		if e["CODER_ALLOW_CUSTOM_QUIET_HOURS"] != "false" {
			t.Errorf("%s: users may move their quiet hours past the scale-in (CODER_ALLOW_CUSTOM_QUIET_HOURS = %q)", env, e["CODER_ALLOW_CUSTOM_QUIET_HOURS"])
		}
		ts := resources(t, res.Files, "terraform/coderd", "coderd_template")
		if len(ts) == 0 {
			t.Fatalf("%s: no coderd_template", env)
		}
		for name, tpl := range ts {
			req, _ := tpl["auto_stop_requirement"].(map[string]any)
			days, _ := req["days_of_week"].([]any)
			if len(days) != 7 || num(t, req["weeks"]) != 1 {
				t.Errorf("%s: coderd_template.%s: auto_stop_requirement %v, want every day, every week", env, name, tpl["auto_stop_requirement"])
			}
			ttl, ok := tpl["default_ttl_ms"]
			if !ok || time.Duration(num(t, ttl))*time.Millisecond > time.Duration(q-start)*time.Minute {
				t.Errorf("%s: coderd_template.%s: default_ttl_ms %v outlasts the scale-up→quiet-hours window (%d min)", env, name, ttl, q-start)
			}
		}
	}
}

// TestMaxWorkspacesPerUserEnforced: every template's workspaces cost
// quota credits on a resource that outlives a stop, and each group's
// allowance buys max_workspaces_per_user of them. Tracker 10 item 16.
func TestMaxWorkspacesPerUserEnforced(t *testing.T) {
	for env, res := range shipped(t) {
		c := checked(t, env).Config
		cost := 0
		for p := range res.Files {
			if !strings.HasPrefix(p, "templates/") || !strings.HasSuffix(p, "/main.tf.json") {
				continue
			}
			dir := strings.TrimSuffix(p, "/main.tf.json")
			md := resources(t, res.Files, dir, "coder_metadata")["workspace"]
			if md == nil {
				t.Errorf("%s: %s has no coder_metadata.workspace", env, dir)
				continue
			}
			dc, ok := md["daily_cost"]
			if !ok || num(t, dc) < 1 {
				t.Errorf("%s: %s: coder_metadata.workspace has no daily_cost (%v): workspaces cost no quota, so max_workspaces_per_user is not enforced", env, dir, dc)
				continue
			}
			if cost != 0 && num(t, dc) != cost {
				t.Errorf("%s: %s: daily_cost %v differs from the other templates' %d", env, dir, dc, cost)
			}
			cost = num(t, dc)
		}
		if cost == 0 {
			continue
		}
		for name, g := range resources(t, res.Files, "terraform/coderd", "coderd_group") {
			if got := num(t, g["quota_allowance"]) / cost; got != c.MaxWorkspacesPerUser {
				t.Errorf("%s: coderd_group.%s allows %d workspaces per member, want max_workspaces_per_user = %d", env, name, got, c.MaxWorkspacesPerUser)
			}
		}
	}
}

// TestNodeGroupAlarmsAboveTheirFloor: a capacity alarm at or below the
// size the configuration holds a group at (its scheduled minimum, the
// nodes the always-on provisioner daemons take) fires every weekday.
// Tracker 10 item 22.
func TestNodeGroupAlarmsAboveTheirFloor(t *testing.T) {
	for env, res := range shipped(t) {
		ch := checked(t, env)
		for _, dir := range infraDirs(res.Files) {
			groups := resources(t, res.Files, dir, "aws_eks_node_group")
			schedules := resources(t, res.Files, dir, "aws_autoscaling_schedule")
			alarms := resources(t, res.Files, dir, "aws_cloudwatch_metric_alarm")
			prov := ch.Capacity.Provisioner.BaseNodes
			if dir != "terraform/infra" {
				for _, r := range ch.Secondaries {
					if strings.Contains(dir, r.Config.AWSRegion) {
						prov = r.Capacity.Provisioner.BaseNodes
					}
				}
			}
			for key, g := range groups {
				a, ok := alarms["nodegroup_capacity_"+key]
				if !ok {
					t.Errorf("%s %s: node group %s has no capacity alarm", env, dir, key)
					continue
				}
				floor := num(t, first(g, "scaling_config")["min_size"])
				for name, s := range schedules {
					if strings.HasPrefix(name, key+"_") {
						floor = max(floor, num(t, s["min_size"]))
					}
				}
				if key == "prov" {
					floor = max(floor, prov)
				}
				if th := num(t, a["threshold"]); th <= floor {
					t.Errorf("%s %s: nodegroup_capacity_%s fires at %d nodes, but the group is held at %d: the alarm fires every day", env, dir, key, th, floor)
				}
			}
		}
	}
}

// TestAPIAlarmsReadWhatCoderdLogs: the latency and request-count metric
// filters need every request in coderd's log as JSON; coderd logs
// non-5xx requests at debug level only, keeps debug entries when a log
// filter matches their message (the HTTP method), and writes JSON only to
// CODER_LOGGING_JSON (coder v2.26.0 and v2.36.0:
// coderd/httpmw/loggermw/logger.go, cli/clilog/clilog.go). Tracker 10
// item 10.
func TestAPIAlarmsReadWhatCoderdLogs(t *testing.T) {
	for env, res := range shipped(t) {
		e := coderEnv(t, res.Files)
		if e["CODER_LOGGING_JSON"] != "/dev/stderr" {
			t.Errorf("%s: CODER_LOGGING_JSON = %q: coderd writes no JSON where fluent-bit reads (the container's stderr)", env, e["CODER_LOGGING_JSON"])
		}
		if h, ok := e["CODER_LOGGING_HUMAN"]; !ok || (h != "/dev/null" && h != "") {
			t.Errorf("%s: CODER_LOGGING_HUMAN = %q (default /dev/stderr): a human copy of every line beside the JSON", env, h)
		}
		re, err := regexp.Compile(e["CODER_LOG_FILTER"])
		if err != nil || e["CODER_LOG_FILTER"] == "" {
			t.Errorf("%s: CODER_LOG_FILTER = %q: non-5xx request logs stay at debug level, unlogged", env, e["CODER_LOG_FILTER"])
		} else {
			for _, m := range []string{"GET", "POST", "PUT", "PATCH", "DELETE"} {
				if !re.MatchString(m) {
					t.Errorf("%s: CODER_LOG_FILTER %q drops %s requests", env, e["CODER_LOG_FILTER"], m)
				}
			}
			for _, noise := range []string{"coderd", "heartbeat", "acquired job"} {
				if re.MatchString(noise) {
					t.Errorf("%s: CODER_LOG_FILTER %q keeps unrelated debug logs (%q)", env, e["CODER_LOG_FILTER"], noise)
				}
			}
		}
		filters := resources(t, res.Files, "terraform/infra", "aws_cloudwatch_log_metric_filter")
		for _, key := range []string{"api_latency", "api_requests"} {
			p := fmt.Sprint(filters[key]["pattern"])
			if !strings.Contains(p, "$.fields.status_code >= 200") {
				t.Errorf("%s: metric filter %s %q counts upgraded WebSockets (101, latency = connection lifetime)", env, key, p)
			}
		}
		if dv := first(filters["api_5xx"], "metric_transformation")["default_value"]; dv != "0" {
			t.Errorf("%s: the 5xx metric has no default 0 (%v): without errors the rate has no data", env, dv)
		}
		if env == "multiregion" && len(infraDirs(res.Files)) < 2 {
			t.Errorf("multiregion: no secondary region's infra module found")
		}
		// Workspace proxies accept no CODER_LOG_FILTER (it is not an
		// external-proxies option in codersdk/deployment.go), so a
		// secondary region's request metrics would stay empty.
		for _, dir := range infraDirs(res.Files) {
			if dir == "terraform/infra" {
				continue
			}
			if a := resources(t, res.Files, dir, "aws_cloudwatch_metric_alarm"); a["api_latency_p95"] != nil || a["api_5xx_rate"] != nil {
				t.Errorf("%s %s: API alarms on workspace proxy logs that never carry non-5xx requests", env, dir)
			}
		}
	}
}

// TestShippedEnvironmentsHaveNoWarnings: warnings every run prints are
// warnings nobody reads. Tracker 14 item 13.
func TestShippedEnvironmentsHaveNoWarnings(t *testing.T) {
	for env, res := range shipped(t) {
		for _, w := range res.Warnings {
			t.Errorf("%s: %s", env, w)
		}
	}
}
