// Package pgtest starts a throwaway PostgreSQL server for a test: initdb
// into a temporary directory, pg_ctl on a loopback port (and a Unix
// socket in the same directory), stopped and removed when the test ends.
// No shared system service, no mock.
package pgtest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// Server is a running throwaway cluster whose superuser is "postgres".
type Server struct {
	Dir  string // data lives in Dir/data; the Unix socket is in Dir
	Port int
	psql string
}

// bin finds a PostgreSQL binary: in Debian's /usr/lib/postgresql/<major>/bin
// (package postgresql; .ci/run installs it), else on PATH.
func bin(t testing.TB, name string) string {
	t.Helper()
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/" + name)
	if len(matches) > 0 {
		return matches[len(matches)-1]
	}
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	t.Fatalf("%s not found: this test runs a real PostgreSQL server; install one (Debian: apt-get install postgresql; .ci/run does)", name)
	return ""
}

// Start starts a server. PostgreSQL refuses to run as root: as root the
// server runs as the postgres user.
func Start(t testing.TB) *Server {
	t.Helper()
	initdb, pgctl := bin(t, "initdb"), bin(t, "pg_ctl")
	dir, err := os.MkdirTemp("", "coder-eks-pg-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	cred := credential(t, dir)
	run := func(args ...string) error {
		cmd := exec.Command(args[0], args[1:]...)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("%s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return nil
	}
	data := filepath.Join(dir, "data")
	if err := run(initdb, "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"); err != nil {
		t.Fatal(err)
	}
	s := &Server{Dir: dir, Port: FreePort(t), psql: bin(t, "psql")}
	if err := run(pgctl, "-D", data, "-l", filepath.Join(dir, "log"), "-w", "start",
		"-o", fmt.Sprintf("-h 127.0.0.1 -p %d -k %s -c fsync=off", s.Port, dir)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { run(pgctl, "-D", data, "-m", "immediate", "-w", "stop") })
	return s
}

// Psql runs psql as user on db over the Unix socket, stopping at the
// first error, and returns its trimmed output.
func (s *Server) Psql(user, db string, args ...string) (string, error) {
	cmd := exec.Command(s.psql, append([]string{"-h", s.Dir, "-p", strconv.Itoa(s.Port), "-U", user, "-d", db,
		"-X", "-q", "-tA", "-v", "ON_ERROR_STOP=1"}, args...)...)
	out, err := cmd.CombinedOutput()
	return strings.TrimSpace(string(out)), err
}

// CreateDatabase creates database name and returns a TCP connection URL
// for it as the superuser.
func (s *Server) CreateDatabase(t testing.TB, name string) string {
	t.Helper()
	if out, err := s.Psql("postgres", "postgres", "-c", fmt.Sprintf("CREATE DATABASE %q", name)); err != nil {
		t.Fatalf("create database %s: %v\n%s", name, err, out)
	}
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", s.Port, name)
}

func credential(t testing.TB, dir string) *syscall.Credential {
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

// FreePort returns a TCP port free on the loopback interface now.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
