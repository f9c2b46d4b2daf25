package plantest

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
)

const repoRoot = "../../../.."

func TestDeriveShipped(t *testing.T) {
	if d := Derive(t, repoRoot, "prod"); d == nil || len(d.Problems()) > 0 {
		t.Fatalf("Derive(prod): got %v", d)
	}
}

// fatalTB records the first Fatal and stops the goroutine, as testing.T does.
type fatalTB struct {
	testing.TB
	msg string
}

func (f *fatalTB) Helper()                   {}
func (f *fatalTB) Fatal(args ...any)         { f.msg = fmt.Sprint(args...); runtime.Goexit() }
func (f *fatalTB) Fatalf(s string, a ...any) { f.msg = fmt.Sprintf(s, a...); runtime.Goexit() }

// TestDeriveFailsOnALoadError: an environment that does not load fails the
// test instead of handing a nil plan on.
func TestDeriveFailsOnALoadError(t *testing.T) {
	tb := &fatalTB{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		Derive(tb, repoRoot, "no-such-environment")
		t.Error("Derive returned for an environment that does not exist")
	}()
	<-done
	if !strings.Contains(tb.msg, "no-such-environment") {
		t.Errorf("failure %q does not name the environment", tb.msg)
	}
}
