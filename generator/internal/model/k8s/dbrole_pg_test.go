package k8s

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/coder-eks/coder-eks/test/pgtest"
)

// TestDBRoleSQLOnPostgres (issue 10 item 9) runs the role Job's SQL as an
// RDS-like master user (CREATEROLE CREATEDB, not superuser, owner of the
// database; rds_iam exists) twice, and checks that coderd's role can log
// in, is a member of rds_iam and may create tables (coderd's migrations).
func TestDBRoleSQLOnPostgres(t *testing.T) {
	psql := pgtest.Start(t).Psql
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
