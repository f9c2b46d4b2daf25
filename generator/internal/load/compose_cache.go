package load

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io/fs"
	"path/filepath"
	"strings"
	"sync"

	"github.com/coder-eks/coder-eks/generator/internal/config"
)

// A composition depends only on the pairing and on the schema and layer
// files, not on the environment, so every environment of a run that pairs
// the same layers the same way shares one evaluation. The cache key holds
// a digest of those files' contents, so an edited file is a new key.
// Concurrent environments wait for the one computing an entry rather than
// compute it again.
var compositions sync.Map // key string → *composed

type composed struct {
	once sync.Once
	c    config.Composition
	err  error
}

// sourceDigest is the digest of every .cue file under the schema and
// layer packages of root.
func sourceDigest(root string) string {
	h := sha256.New()
	for _, dir := range []string{"schema", ToolchainsDir, BasesDir} {
		_ = filepath.WalkDir(filepath.Join(root, dir), func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".cue") {
				return nil
			}
			data, err := ReadInput(path)
			if err != nil {
				return nil
			}
			h.Write([]byte(path + "\x00"))
			h.Write(data)
			h.Write([]byte{0})
			return nil
		})
	}
	return hex.EncodeToString(h.Sum(nil))
}

func compositionKey(digest, name string, p config.Pairing) (string, bool) {
	b, err := json.Marshal(p)
	if err != nil {
		return "", false
	}
	return digest + "\x00" + name + "\x00" + string(b), true
}
