package load

import (
	"fmt"
	"io"
	"os"
)

// MaxInputBytes bounds every input file the generator reads (environment,
// schema and layer files, a tfvars file to import). The largest shipped
// file is about 40 KiB; a limit keeps a mistake such as a link to
// /dev/zero from growing memory without bound.
const MaxInputBytes = 1 << 20

// ReadInput reads an input file, which must be a regular file (a
// symbolic link to one is fine) of at most MaxInputBytes. The size is
// checked while reading too, as a file may grow after the check.
func ReadInput(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file but %s (rule: an input file is a plain file of at most %d bytes)", describeMode(fi.Mode()), MaxInputBytes)
	}
	if fi.Size() > MaxInputBytes {
		return nil, fmt.Errorf("%d bytes is too large (rule: an input file is a plain file of at most %d bytes)", fi.Size(), MaxInputBytes)
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxInputBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxInputBytes {
		return nil, fmt.Errorf("grew past %d bytes while being read (rule: an input file is a plain file of at most %d bytes)", MaxInputBytes, MaxInputBytes)
	}
	return data, nil
}

func describeMode(m os.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&os.ModeDevice != 0, m&os.ModeCharDevice != 0:
		return "a device"
	case m&os.ModeNamedPipe != 0:
		return "a named pipe"
	case m&os.ModeSocket != 0:
		return "a socket"
	}
	return m.Type().String()
}
