package capacity

import (
	"fmt"

	"github.com/coder-eks/coder-eks/generator/internal/config"
)

// Autostop is what Coder must do so that workspaces end before the
// evening scale-in lowers the workspace node groups' minimum: the
// templates' autostop requirement (every day, every week) stops each
// workspace at the start of its owner's quiet hours, which every user
// shares (QuietHours, not customisable), and a new workspace's default
// TTL ends it by then when it starts with the working day. Coder skips
// the requirement for a workspace started less than 2 hours before quiet
// hours (coderd/schedule/autostop.go, autostopRequirementLeeway, v2.26
// and v2.36): such a workspace stops at its TTL or the next day's quiet
// hours, and keeps its node until then.
type Autostop struct {
	// QuietHours is coderd's CODER_QUIET_HOURS_DEFAULT_SCHEDULE:
	// "CRON_TZ=<scaling_timezone> M H * * *".
	QuietHours string
	// Days are the autostop requirement's days (coderd_template
	// auto_stop_requirement.days_of_week).
	Days []string
	// DefaultTTLMillis is the templates' default_ttl_ms: from the
	// scale-up to the start of quiet hours.
	DefaultTTLMillis int64
	// Stop is the start of quiet hours in minutes after midnight, and
	// Before how many minutes before the scale-in it is.
	Stop, Before int
	Window       Window
}

// everyDay: a workspace left running on Friday evening or started at the
// weekend must not keep a node until Monday either.
var everyDay = []string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}

// AutostopFor derives the autostop from the workspace groups' schedule;
// ok is false when there is no schedule (ws_node_desired_peak 0) or it
// cannot be read as one daily window.
func AutostopFor(c *config.Environment, p config.Planning) (Autostop, bool) {
	if c.WSNodeDesiredPeak == 0 {
		return Autostop{}, false
	}
	w, ok := ReadWindow(c.ScalingScheduleStart, c.ScalingScheduleStop)
	if !ok {
		return Autostop{}, false
	}
	before := min(p.AutostopBeforeScaleInMinutes, w.Stop-w.Start-1)
	stop := w.Stop - before
	return Autostop{
		QuietHours:       fmt.Sprintf("CRON_TZ=%s %d %d * * *", c.ScalingTimezone, stop%60, stop/60),
		Days:             everyDay,
		DefaultTTLMillis: int64(stop-w.Start) * 60 * 1000,
		Stop:             stop,
		Before:           before,
		Window:           w,
	}, true
}
