#!/bin/sh
# Postgres under compose, from Debian's package. An empty data directory is initialised once:
# the superuser's password from POSTGRES_PASSWORD, the database POSTGRES_DB, then every
# /docker-entrypoint-initdb.d/*.sql in it, with only the Unix socket listening (so a TCP
# health check stays red until the real server is up). Then the command runs (postgres -c …).
set -eu
: "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD is required}"
db="${POSTGRES_DB:-postgres}"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  pwfile="$(mktemp)"
  printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile"
  initdb --username=postgres --pwfile="$pwfile" --auth-local=trust --auth-host=scram-sha-256 \
    --encoding=UTF8 --locale=C.UTF-8 -D "$PGDATA" >/dev/null
  rm -f "$pwfile"
  printf 'host all all all scram-sha-256\nhost replication all all scram-sha-256\n' >>"$PGDATA/pg_hba.conf"
  printf "listen_addresses = '*'\n" >>"$PGDATA/postgresql.conf"
  pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start
  [ "$db" = postgres ] || psql -q -v ON_ERROR_STOP=1 -U postgres -d postgres -c "CREATE DATABASE \"$db\""
  for sql in /docker-entrypoint-initdb.d/*.sql; do
    [ -e "$sql" ] || continue
    echo "postgres-entrypoint: running $sql" >&2
    psql -q -v ON_ERROR_STOP=1 -U postgres -d "$db" -f "$sql"
  done
  pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
fi
exec "$@"
