package load

import (
	"encoding/json"

	"github.com/coder-eks/coder-eks/generator/internal/config"
)

// A composition depends only on the pairing and on the schema and layer
// files, not on the environment, so the environments of a session that
// pair the same layers the same way share one evaluation. The cache lives
// in the session's Layers, whose files were read once, so its key is the
// pairing alone; like the session, it is not safe for concurrent use.
// (It was a package-level map keyed by a digest of the files that skipped
// a file it failed to read.)
type composed struct {
	c   config.Composition
	err error
}

// compositionKey is the cache key of a pairing under a name; false when
// the pairing cannot be encoded (it is then composed every time).
func compositionKey(name string, p config.Pairing) (string, bool) {
	b, err := json.Marshal(p)
	if err != nil {
		return "", false
	}
	return name + "\x00" + string(b), true
}
