package capacity

import (
	"math"

	"github.com/coder-eks/coder-eks/generator/internal/config"
)

// Tier is the validated architecture an environment is sized from, with
// the factor its replica, build and database figures are scaled by.
type Tier struct {
	config.ValidatedArchitecture
	// For is the number of concurrent workspaces the tier was chosen for.
	For int
	// Scale is For / the tier's workspaces.
	Scale float64
	// Database is the database size the tier (or, when it has none, the
	// next larger tier that has one) gives, and DatabaseFrom that tier's
	// name.
	Database     config.DatabaseSize
	DatabaseFrom string
	DatabasePer  int // workspaces the database figure is for
}

// TierFor picks the smallest tier holding workspaces, or the largest.
// The tiers are in ascending order (schema capacity.validated_architectures).
func TierFor(workspaces int, tiers []config.ValidatedArchitecture) Tier {
	i := len(tiers) - 1
	for j, t := range tiers {
		if t.Workspaces >= workspaces {
			i = j
			break
		}
	}
	t := Tier{ValidatedArchitecture: tiers[i], For: workspaces}
	t.Scale = float64(workspaces) / float64(t.Workspaces)
	for _, d := range tiers[i:] {
		if d.Database != nil {
			t.Database, t.DatabaseFrom, t.DatabasePer = *d.Database, d.Name, d.Workspaces
			break
		}
	}
	return t
}

// Scaled is a tier's count (replicas, builds) for the workspaces it was
// chosen for: the count × workspaces / the tier's workspaces, rounded up,
// at least 1.
func (t Tier) Scaled(n int) int {
	return max(1, int(math.Ceil(float64(n)*t.Scale-1e-9)))
}

// DatabaseMemoryGiB is the database memory the workspaces need, scaled
// like the replica counts from the tier that gives a database size.
func (t Tier) DatabaseMemoryGiB() float64 {
	if t.DatabasePer == 0 {
		return 0
	}
	return t.Database.MemoryGiB * float64(t.For) / float64(t.DatabasePer)
}
