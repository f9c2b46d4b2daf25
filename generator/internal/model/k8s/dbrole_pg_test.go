package k8s

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// postgresBin finds a PostgreSQL server's binaries: on PATH or in
// Debian's /usr/lib/postgresql/<major>/bin.
func postgresBin(t *testing.T, name string) string {
	t.Helper()
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/" + name)
	if len(matches) > 0 {
		return matches[len(matches)-1]
	}
	t.Fatalf("%s not found: this test runs the role Job's SQL on a real PostgreSQL server; install one (Debian: apt-get install postgresql)", name)
	return ""
}

// startPostgres runs a throwaway server on a Unix socket in a temporary
// directory and returns a psql runner. As root, the server runs as the
// postgres user (initdb refuses root).
func startPostgres(t *testing.T) func(user, db string, args ...string) (string, error) {
	t.Helper()
	initdb, pgctl, psql := postgresBin(t, "initdb"), postgresBin(t, "pg_ctl"), postgresBin(t, "psql")
	dir, err := os.MkdirTemp("", "coder-eks-pg-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	var wrap []string
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Fatalf("running as root needs a postgres user for the server: %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
		wrap = []string{"runuser", "-u", "postgres", "--"}
	}
	run := func(args ...string) {
		t.Helper()
		cmd := exec.Command(append(wrap, args...)[0], append(wrap, args...)[1:]...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	l.Close()
	data := filepath.Join(dir, "data")
	run(initdb, "-D", data, "-U", "postgres", "--auth=trust", "--no-sync")
	run(pgctl, "-D", data, "-w", "-l", filepath.Join(dir, "log"), "-o", fmt.Sprintf("-k %s -p %s -c listen_addresses=''", dir, port), "start")
	t.Cleanup(func() {
		exec.Command(append(wrap, pgctl, "-D", data, "-m", "immediate", "stop")[0], append(wrap, pgctl, "-D", data, "-m", "immediate", "stop")[1:]...).Run()
	})
	return func(user, db string, args ...string) (string, error) {
		cmd := exec.Command(psql, append([]string{"-h", dir, "-p", port, "-U", user, "-d", db, "-X", "-q", "-tA", "-v", "ON_ERROR_STOP=1"}, args...)...)
		out, err := cmd.CombinedOutput()
		return strings.TrimSpace(string(out)), err
	}
}

// TestDBRoleSQLOnPostgres (issue 10 item 9) runs the role Job's SQL as an
// RDS-like master user (CREATEROLE CREATEDB, not superuser, owner of the
// database; rds_iam exists) twice, and checks that coderd's role can log
// in, is a member of rds_iam and may create tables (coderd's migrations).
func TestDBRoleSQLOnPostgres(t *testing.T) {
	psql := startPostgres(t)
	must := func(out string, err error) string {
		t.Helper()
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		return out
	}
	for _, stmt := range []string{
		"CREATE ROLE rds_iam",
		"CREATE ROLE coder LOGIN CREATEROLE CREATEDB",
		"CREATE DATABASE coder OWNER coder",
	} {
		must(psql("postgres", "postgres", "-c", stmt))
	}
	sql := filepath.Join(t.TempDir(), "create-role.sql")
	if err := os.WriteFile(sql, []byte(DBRoleSQL), 0o644); err != nil {
		t.Fatal(err)
	}
	for i := range 2 { // idempotent: a second run changes nothing and fails nothing
		if out, err := psql("coder", "coder", "-v", "app_user=coder_app", "-v", "db=coder", "-f", sql); err != nil {
			t.Fatalf("run %d of the role SQL as the master user: %v\n%s", i+1, err, out)
		}
	}
	if got := must(psql("postgres", "postgres", "-c", "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'coder'")); got != "coder_app" {
		t.Errorf("database coder is owned by %q, want coder_app", got)
	}
	if got := must(psql("postgres", "postgres", "-c", "SELECT pg_has_role('coder_app', 'rds_iam', 'MEMBER')")); got != "t" {
		t.Errorf("coder_app member of rds_iam = %q, want t", got)
	}
	if out, err := psql("coder_app", "coder", "-c", "CREATE TABLE migration_probe (id int); DROP TABLE migration_probe"); err != nil {
		t.Errorf("coder_app cannot create a table in database coder: %v\n%s", err, out)
	}
}
