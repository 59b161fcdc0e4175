#!/bin/bash
# Runs once, when the postgres image initialises an empty data volume (/docker-entrypoint-initdb.d).
# Two roles for the hub's database, neither of them a superuser:
#   hub_owner  owns the database and its tables; hub-1 runs the migrations as it
#              (MIGRATIONS_DATABASE_URL), and the migrations grant hub_app what it needs;
#   hub_app    the role both replicas run as (DATABASE_URL): no ownership, no TRUNCATE or ALTER,
#              audit events only appended (src/database/runtime-privileges.ts).
# The superuser (POSTGRES_USER) is left for the operator. For a volume initialised before this
# script existed, see docker/README.md ("Database roles").
set -euo pipefail

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v owner_password="$HUB_OWNER_PASSWORD" -v app_password="$HUB_APP_PASSWORD" -v db="$POSTGRES_DB" <<'SQL'
SELECT format('CREATE ROLE hub_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD %L', :'owner_password')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'hub_owner') \gexec
SELECT format('CREATE ROLE hub_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD %L', :'app_password')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'hub_app') \gexec
-- The database's owner also owns its public schema (pg_database_owner), so hub_owner may create tables there.
SELECT format('ALTER DATABASE %I OWNER TO hub_owner', :'db') \gexec
SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', :'db') \gexec
SELECT format('GRANT CONNECT ON DATABASE %I TO hub_app', :'db') \gexec
SQL
