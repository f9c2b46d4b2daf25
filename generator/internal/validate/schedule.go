package validate

import (
	"fmt"
	"time"
	_ "time/tzdata" // the same zone database on every machine

	"github.com/coder-eks/coder-eks/generator/internal/diag"
	"github.com/coder-eks/coder-eks/generator/internal/load"
)

// checkTimeZone proves scaling_timezone names a zone in the IANA database;
// the schema can only check its shape.
func checkTimeZone(env *load.Environment) diag.List {
	tz := env.Config.ScalingTimezone
	if _, err := time.LoadLocation(tz); err != nil {
		return diag.List{{
			Pos:  env.Pos("scaling_timezone"),
			Path: "scaling_timezone",
			Msg:  fmt.Sprintf("%q is not an IANA time zone (e.g. America/New_York, Europe/Berlin, UTC)", tz),
		}}
	}
	return nil
}
