package capacity

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/coder-eks/coder-eks/generator/internal/config"
	"github.com/coder-eks/coder-eks/generator/internal/plan/quota"
)

// Cost is the estimated monthly cost of one region at the sizes the
// capacity model computed, from the schema's price table (one region's
// list prices): everything running all month, On-Demand. Spot and
// business-hours scaling are shown beside it, never folded in.
type Cost struct {
	Lines []CostLine
	Total float64
	// SpotSavings is what Spot workspace nodes would save at the table's
	// assumed discount; 0 when the environment does not use Spot.
	SpotSavings float64
	// Scheduled is the month with the node groups at their scheduled
	// business-hours sizes instead; nil when the schedules cannot be read
	// as one daily window.
	Scheduled *ScheduledCost
}

// CostLine is one item of the estimate.
type CostLine struct {
	Item     string
	Quantity string
	Monthly  float64
	// NoPrice marks an item the price table has no price for (counted 0).
	NoPrice bool
}

// ScheduledCost is the month with business-hours scaling, as the
// min-size schedules, cluster-autoscaler and the templates' autostop will
// run it (see scheduled).
type ScheduledCost struct {
	Window           string
	PeakHoursPerWeek float64
	Total            float64
	Savings          float64
	// The nodes each group runs inside and outside the window.
	ProvPeak, ProvLow, WSPeak, WSLow int
	// Autostop is set when the templates end workspaces before the
	// scale-in (otherwise WSLow is WSPeak).
	Autostop bool
}

// Estimate prices the figures of one region.
func Estimate(f Figures, c *config.Environment, cat config.Catalog) Cost {
	p, hours := cat.Prices, cat.Capacity.HoursPerMonth
	var cost Cost
	add := func(item, qty string, monthly float64, noPrice bool) {
		cost.Lines = append(cost.Lines, CostLine{Item: item, Quantity: qty, Monthly: monthly, NoPrice: noPrice})
		cost.Total += monthly
	}
	nodes := func(g Group) float64 {
		price, ok := p.InstanceHour[g.Node.InstanceType]
		n := min(g.NodesNeeded, g.MaxNodes)
		add(g.Name+" nodes", fmt.Sprintf("%d × %s", n, g.Node.InstanceType), float64(n)*price*hours, !ok)
		return float64(n) * price * hours
	}
	nodes(f.Server)
	provMonthly := nodes(f.Provisioner)
	wsMonthly := nodes(f.Workspace)
	azs := len(c.AvailabilityZones)
	nats := quota.NATGateways(c)
	add("EKS cluster", "1 (standard support)", p.EKSClusterHour*hours, false)
	add("NAT gateways", fmt.Sprintf("%d (hours only, no data processing)", nats), float64(nats)*p.NATGatewayHour*hours, false)
	add("Network load balancer", "1 (hours only, no LCUs)", p.NLBHour*hours, false)
	ips := nats + azs // NAT gateways' Elastic IPs and the NLB's address in each AZ
	add("Public IPv4 addresses", strconv.Itoa(ips), float64(ips)*p.PublicIPv4Hour*hours, false)
	if c.EnableVPCEndpoints {
		n := len(cat.Planning.VPCInterfaceEndpoints)
		add("Interface endpoints", fmt.Sprintf("%d services × %d AZs", n, azs), float64(n*azs)*p.VPCEndpointAZHour*hours, false)
	}
	if d := f.Database; d != nil {
		instances := 1 + c.AuroraReaderCount
		acu := max(d.ACU, c.AuroraMinCapacity)
		add("Aurora Serverless v2", fmt.Sprintf("%d instances × %g ACU", instances, acu), float64(instances)*acu*p.AuroraACUHour*hours, false)
	}
	gib := gp3GiB(f, c, cat)
	add("EBS gp3 volumes", fmt.Sprintf("%d GiB (node root volumes, workspace home volumes)", gib), float64(gib)*p.GP3GiBMonth, false)
	if c.WSUseSpotInstances {
		cost.SpotSavings = wsMonthly * p.SpotDiscountPercent / 100
	}
	cost.Scheduled = scheduled(f, c, cat, cost.Total, provMonthly, wsMonthly)
	return cost
}

// gp3GiB is the storage of every node's root volume at the computed sizes
// and a home volume per workspace.
func gp3GiB(f Figures, c *config.Environment, cat config.Catalog) int {
	n := 0
	for _, g := range []Group{f.Server, f.Provisioner, f.Workspace} {
		n += min(g.NodesNeeded, g.MaxNodes)
	}
	return n*c.NodeVolumeSizeGiB + f.Workspaces*cat.Planning.WorkspaceHomeVolumeGiB
}

// scheduled prices the workspace and provisioner nodes as they will run
// with business-hours scaling. The schedules set only the groups' minimum;
// cluster-autoscaler sizes them for their pods. The provisioner daemons
// run all day (one per planned concurrent build), so their nodes never
// scale in: the provisioner group is at the larger of the daemons' nodes
// and its minimum (its peak inside the window, if larger). The workspace
// groups hold the planned workspaces (max_workspaces) inside the window;
// outside it they drop to ws_node_min_size only when the templates'
// autostop (Figures.Autostop) has ended the workspaces, otherwise the
// running workspaces keep their nodes all night.
func scheduled(f Figures, c *config.Environment, cat config.Catalog, full, provMonthly, wsMonthly float64) *ScheduledCost {
	window, ok := ReadWindow(c.ScalingScheduleStart, c.ScalingScheduleStop)
	if !ok {
		return nil
	}
	p, hours := cat.Prices, cat.Capacity.HoursPerMonth
	peakShare := window.HoursPerWeek / (7 * 24)
	provLow := max(c.ProvNodeMinSize, min(f.Provisioner.BaseNodes, c.ProvNodeMaxSize))
	wsPeak := max(c.WSNodeDesiredPeak, min(f.Workspace.NodesNeeded, c.WSNodeMaxSize))
	wsLow := wsPeak
	if f.Autostop != nil {
		wsLow = c.WSNodeMinSize
	}
	provPeak := max(c.ProvNodeDesiredPeak, provLow)
	total := full
	for _, g := range []struct {
		group     Group
		peak, low int
		full      float64
	}{
		{f.Provisioner, provPeak, provLow, provMonthly},
		{f.Workspace, wsPeak, wsLow, wsMonthly},
	} {
		price := p.InstanceHour[g.group.Node.InstanceType]
		sized := (float64(g.peak)*peakShare + float64(g.low)*(1-peakShare)) * price * hours
		total += sized - g.full
	}
	return &ScheduledCost{
		Window:           window.String(c.ScalingTimezone),
		PeakHoursPerWeek: window.HoursPerWeek,
		Total:            total,
		Savings:          full - total,
		ProvPeak:         provPeak, ProvLow: provLow, WSPeak: wsPeak, WSLow: wsLow,
		Autostop: f.Autostop != nil,
	}
}

// Window is a daily business-hours window: scale up at Start, down at
// Stop (minutes after midnight), on Days days of the week.
type Window struct {
	Start, Stop  int
	Days         int
	DaysSpec     string
	HoursPerWeek float64
}

func (w Window) String(tz string) string {
	return fmt.Sprintf("%02d:%02d–%02d:%02d %s, %s", w.Start/60, w.Start%60, w.Stop/60, w.Stop%60, tz, w.DaysSpec)
}

// ReadWindow reads the scale-up and scale-down crons as one daily window:
// both a single minute and hour, the same days, the scale-down later in
// the day. Other schedules are valid but not summarised (ok false).
func ReadWindow(start, stop string) (Window, bool) {
	a, b := strings.Fields(start), strings.Fields(stop)
	if len(a) != 5 || len(b) != 5 || a[2] != "*" || a[3] != "*" || a[2] != b[2] || a[3] != b[3] || a[4] != b[4] {
		return Window{}, false
	}
	s, ok1 := minuteOfDay(a[0], a[1])
	e, ok2 := minuteOfDay(b[0], b[1])
	days, ok3 := countDays(a[4])
	if !ok1 || !ok2 || !ok3 || e <= s {
		return Window{}, false
	}
	return Window{Start: s, Stop: e, Days: days, DaysSpec: a[4], HoursPerWeek: float64(days*(e-s)) / 60}, true
}

func minuteOfDay(minute, hour string) (int, bool) {
	m, err1 := strconv.Atoi(minute)
	h, err2 := strconv.Atoi(hour)
	return h*60 + m, err1 == nil && err2 == nil
}

var weekdays = map[string]int{"SUN": 0, "MON": 1, "TUE": 2, "WED": 3, "THU": 4, "FRI": 5, "SAT": 6}

// countDays counts the weekdays of a cron day-of-week field made of
// names, numbers, ranges and lists ("MON-FRI", "1-5", "MON,WED", "*").
func countDays(field string) (int, bool) {
	if field == "*" {
		return 7, true
	}
	seen := map[int]bool{}
	for _, part := range strings.Split(field, ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		from, ok1 := weekday(lo)
		to, ok2 := from, true
		if isRange {
			to, ok2 = weekday(hi)
		}
		if !ok1 || !ok2 || to < from {
			return 0, false
		}
		for d := from; d <= to; d++ {
			seen[d%7] = true
		}
	}
	return len(seen), true
}

func weekday(s string) (int, bool) {
	if d, ok := weekdays[s]; ok {
		return d, true
	}
	d, err := strconv.Atoi(s)
	return d, err == nil && d >= 0 && d <= 7
}
