package pipeline

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// fuzzTime is how long TestFuzzSession fuzzes; CODER_EKS_FUZZTIME
// overrides it (a go test -fuzztime value: "20s", "5m", "100000x"). The
// time includes replaying the corpus for baseline coverage (each input is
// a whole render, about a second on an idle core), so it is not shorter.
const fuzzTime = "60s"

// TestFuzzSession runs a real fuzzing session of FuzzRender for a bounded
// time (`go test -fuzz`, a subprocess: a test binary cannot fuzz itself
// from inside `go test ./...`), so every `go test ./...`, and so CI,
// searches beyond the seed corpus. A crash fails the test with the
// fuzzer's report; the crashing input is written to
// testdata/fuzz/FuzzRender, where it becomes part of the seed corpus once
// committed. The time spent compiling the instrumented binary comes on
// top of the fuzzing time.
func TestFuzzSession(t *testing.T) {
	d := fuzzTime
	if v := os.Getenv("CODER_EKS_FUZZTIME"); v != "" {
		d = v
	}
	// -run=^$: no tests in the child, only the fuzz target (and so no
	// second TestFuzzSession). One worker: the machine is shared.
	cmd := exec.Command("go", "test", "-run=^$", "-fuzz=^FuzzRender$", "-fuzztime="+d, "-parallel=1", ".")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go test -fuzz=FuzzRender -fuzztime=%s: %v\n%s", d, err, out)
	}
	// The last progress line says how far it got: on a loaded machine the
	// whole time may go to the seed corpus's baseline coverage.
	summary := "no progress line"
	for _, l := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(l, "fuzz: elapsed:") {
			summary = l
		}
	}
	t.Logf("fuzzed FuzzRender for %s: %s", d, strings.TrimSpace(summary))
}
