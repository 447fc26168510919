#!/usr/bin/env bash
# Starts the local PostgreSQL cluster (creating one if the package left none) and gives the calling OS user a
# login role with CREATEDB, as the tests expect (test/support/postgres.ts: unix socket /var/run/postgresql, peer
# authentication). Works as root on a machine without systemd. Idempotent.
set -euo pipefail

cluster=$(pg_lsclusters --no-header 2>/dev/null | head -n 1 || true)
if [ -z "$cluster" ]; then
  version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
  echo "rxdesk setup: creating PostgreSQL $version cluster main" >&2
  pg_createcluster "$version" main >/dev/null
  cluster=$(pg_lsclusters --no-header | head -n 1)
fi
read -r version name _port status _rest <<<"$cluster"
if [ "$status" != "online" ]; then
  echo "rxdesk setup: starting PostgreSQL $version/$name" >&2
  # Another process may be starting it at the same moment; what counts is that it answers below.
  pg_ctlcluster "$version" "$name" start || true
fi
for _ in $(seq 1 50); do
  pg_isready -q -h /var/run/postgresql && break
  sleep 0.2
done
pg_isready -q -h /var/run/postgresql

user=$(id -un)
if [ "$user" != "postgres" ]; then
  psql_as_postgres() { runuser -u postgres -- psql -h /var/run/postgresql -d postgres -v ON_ERROR_STOP=1 -At "$@"; }
  if [ "$(psql_as_postgres -c "SELECT 1 FROM pg_roles WHERE rolname = '$user'")" != "1" ]; then
    # A concurrent run may create it first; then the check below finds it.
    psql_as_postgres -c "CREATE ROLE \"$user\" LOGIN CREATEDB" >/dev/null 2>&1 ||
      [ "$(psql_as_postgres -c "SELECT 1 FROM pg_roles WHERE rolname = '$user'")" = "1" ]
  fi
fi
