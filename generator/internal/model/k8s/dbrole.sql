-- coderd's database role (psql variables app_user, db). Run by the
-- coder-db-role Job as the RDS master user; every statement is
-- idempotent. Source: Aurora User Guide, "Creating a database account
-- using IAM authentication" (CREATE USER …; GRANT rds_iam TO …).
SELECT format('CREATE ROLE %I LOGIN', :'app_user')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'app_user') \gexec
-- IAM auth tokens only: a member of rds_iam cannot log in with a password.
GRANT rds_iam TO :"app_user";
-- ALTER DATABASE … OWNER needs the master user to be able to SET ROLE to
-- the new owner (PostgreSQL 16: creating a role gives ADMIN, not SET).
GRANT :"app_user" TO CURRENT_USER;
-- The owner of the database owns its public schema (pg_database_owner,
-- PostgreSQL 15+), where coderd's migrations create their tables.
ALTER DATABASE :"db" OWNER TO :"app_user";
