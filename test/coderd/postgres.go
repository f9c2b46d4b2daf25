//go:build coderd

package coderd

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
)

// pgBin is Debian's PostgreSQL (package postgresql; .ci/run installs it).
var pgBin = "/usr/lib/postgresql/15/bin"

// startPostgres starts a throwaway cluster in a temporary directory on a
// loopback port and returns its connection URL; it is stopped and removed
// when the test ends. PostgreSQL refuses to run as root: as root the
// cluster runs as the postgres user.
func startPostgres(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat(filepath.Join(pgBin, "initdb")); err != nil {
		t.Fatalf("PostgreSQL not found in %s: apt-get install postgresql (.ci/run does): %v", pgBin, err)
	}
	dir, err := os.MkdirTemp("", "coder-eks-pg-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	cred := credential(t, dir)
	run := func(args ...string) {
		cmd := exec.Command(filepath.Join(pgBin, args[0]), args[1:]...)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
	}
	data := filepath.Join(dir, "data")
	run("initdb", "-D", data, "-U", "coder", "--auth=trust", "-E", "UTF8")
	port := freePort(t)
	run("pg_ctl", "-D", data, "-l", filepath.Join(dir, "log"), "-w", "start",
		"-o", fmt.Sprintf("-h 127.0.0.1 -p %d -k %s", port, dir))
	t.Cleanup(func() { run("pg_ctl", "-D", data, "-m", "fast", "-w", "stop") })
	return fmt.Sprintf("postgres://coder@127.0.0.1:%d/postgres?sslmode=disable", port)
}

func credential(t *testing.T, dir string) *syscall.Credential {
	if os.Getuid() != 0 {
		return nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		t.Fatalf("running as root and no postgres user to run PostgreSQL as: %v", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	if err := os.Chown(dir, uid, gid); err != nil {
		t.Fatal(err)
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
