package tfvalidate

import (
	"os"
	"sync"
	"testing"
)

// Building the providers takes seconds to minutes, so a test binary builds
// them once and shares one Harness between all its tests.
var shared struct {
	inMain bool
	once   sync.Once
	dir    string
	h      *Harness
	err    error
}

// Main runs a test binary's tests, then removes the providers Setup built.
// Packages using Setup call it from TestMain:
//
//	func TestMain(m *testing.M) { tfvalidate.Main(m) }
func Main(m *testing.M) {
	shared.inMain = true
	code := m.Run()
	if shared.dir != "" {
		os.RemoveAll(shared.dir)
	}
	os.Exit(code)
}

// Setup returns the test binary's shared Harness, building it on first use;
// it fails t if that fails, e.g. with no terraform or tofu binary.
func Setup(t testing.TB) *Harness {
	t.Helper()
	if !shared.inMain {
		// Without Main nothing would remove the built providers (~100 MB).
		t.Fatal("tfvalidate.Setup: call tfvalidate.Main from the package's TestMain")
	}
	shared.once.Do(func() {
		shared.dir, shared.err = os.MkdirTemp("", "tfvalidate-")
		if shared.err == nil {
			shared.h, shared.err = New(shared.dir)
		}
	})
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return shared.h
}
