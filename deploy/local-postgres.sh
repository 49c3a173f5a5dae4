#!/usr/bin/env bash
# A private PostgreSQL cluster for local runs and tests: its own data folder, a loopback
# port, and one login role per service that owns that service's schema and has no rights
# on the others'. Installs Debian's postgresql when initdb is missing.
#
#   deploy/local-postgres.sh start    create (first time) and start the cluster
#   deploy/local-postgres.sh stop     stop it
#   deploy/local-postgres.sh restart [fast|immediate]  restart it (fault tests)
#   deploy/local-postgres.sh status   say whether it runs
#   deploy/local-postgres.sh env      print the connection settings as shell variables
#   deploy/local-postgres.sh destroy  stop it and delete its folder
#
# Settings (environment):
#   HALL_PG_DIR    folder of the cluster    (default: <checkout>/.hall/postgres)
#   HALL_PG_PORT   loopback TCP port         (default: 55432)
#   HALL_PG_FAST   1 = fsync off, for throw-away test clusters
#   HALL_PG_MAX_CONNECTIONS  server connection slots (default: 200)
#   HALL_DB_NAME   database                  (default: hall)
#   HALL_PG_TLS_CERT, HALL_PG_TLS_KEY  the server's certificate and key (PEM): with both,
#                  the cluster also speaks TLS (the certificate is copied in at each start,
#                  so a renewed one is taken by the next start)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
dir=${HALL_PG_DIR:-$root/.hall/postgres}
port=${HALL_PG_PORT:-55432}
dbname=${HALL_DB_NAME:-hall}
data="$dir/data"
secrets="$dir/secrets"
services=(catalog intake supervision rating)

log() { printf 'local-postgres: %s\n' "$*" >&2; }

find_bindir() {
  if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
    pg_config --bindir
    return
  fi
  local candidate
  candidate=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -n "$candidate" ] && [ -x "$candidate/initdb" ]; then
    echo "$candidate"
    return
  fi
  if command -v initdb >/dev/null 2>&1; then
    dirname "$(command -v initdb)"
    return
  fi
  return 1
}

ensure_installed() {
  if bindir=$(find_bindir); then return; fi
  log "initdb not found: installing Debian's postgresql packages"
  local sudo_cmd=""
  [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq postgresql postgresql-contrib >/dev/null
  bindir=$(find_bindir) || { log "postgresql installed but initdb still not found"; exit 1; }
}

# PostgreSQL refuses to run as root: as root, the cluster belongs to the 'postgres' user.
as_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

ensure_owner_user() {
  if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
    useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
  fi
}

password_of() { cat "$secrets/$1.password"; }

new_password() { head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n'; }

psql_admin() {
  as_owner "$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h "$data" -p "$port" -U hall_admin "$@"
}

create_cluster() {
  log "creating cluster in $dir"
  mkdir -p "$dir" "$secrets"
  chmod 700 "$secrets"
  local admin_pw
  admin_pw=$(new_password)
  echo -n "$admin_pw" >"$secrets/hall_admin.password"
  for s in "${services[@]}"; do new_password >"$secrets/hall_$s.password"; done
  chmod 600 "$secrets"/*.password
  if [ "$(id -u)" = 0 ]; then
    chown postgres "$dir"
    # The folders above must be passable for the postgres user.
    local p="$dir"
    while [ "$p" != "/" ]; do p=$(dirname "$p"); chmod o+x "$p" 2>/dev/null || true; done
  fi
  local pwfile
  pwfile=$(mktemp)
  echo -n "$admin_pw" >"$pwfile"
  chmod 644 "$pwfile"
  as_owner "$bindir/initdb" -D "$data" -U hall_admin --pwfile="$pwfile" \
    --auth-local=scram-sha-256 --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null
  rm -f "$pwfile"
  {
    echo "listen_addresses = '127.0.0.1'"
    echo "port = $port"
    echo "unix_socket_directories = '$data'"
    echo "max_connections = ${HALL_PG_MAX_CONNECTIONS:-200}"
    echo "shared_buffers = 256MB"
    echo "logging_collector = on"
    echo "log_directory = 'log'"
    if [ "${HALL_PG_FAST:-0}" = 1 ]; then
      echo "fsync = off"
      echo "synchronous_commit = off"
      echo "full_page_writes = off"
    fi
  } | as_owner tee -a "$data/postgresql.conf" >/dev/null
}

create_roles() {
  export PGPASSWORD
  PGPASSWORD=$(password_of hall_admin)
  local exists
  exists=$(psql_admin -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$dbname'")
  [ "$exists" = 1 ] || psql_admin -d postgres -c "CREATE DATABASE \"$dbname\""
  psql_admin -d "$dbname" -c "REVOKE ALL ON DATABASE \"$dbname\" FROM PUBLIC" \
    -c "REVOKE ALL ON SCHEMA public FROM PUBLIC"
  for s in "${services[@]}"; do
    local role="hall_$s" pw
    pw=$(password_of "$role")
    psql_admin -d "$dbname" <<SQL
SET client_min_messages = warning;
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$role') THEN
    CREATE ROLE $role LOGIN PASSWORD '$pw';
  ELSE
    ALTER ROLE $role LOGIN PASSWORD '$pw';
  END IF;
END \$\$;
GRANT CONNECT, TEMPORARY ON DATABASE "$dbname" TO $role;
CREATE SCHEMA IF NOT EXISTS $s AUTHORIZATION $role;
ALTER ROLE $role IN DATABASE "$dbname" SET search_path = $s;
SQL
  done
}

is_running() {
  [ -f "$data/postmaster.pid" ] && as_owner "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1
}

start() {
  ensure_installed
  ensure_owner_user
  [ -f "$data/PG_VERSION" ] || create_cluster
  if [ -n "${HALL_PG_TLS_CERT:-}" ] && [ -n "${HALL_PG_TLS_KEY:-}" ]; then
    install -m 600 "$HALL_PG_TLS_CERT" "$data/server.crt"
    install -m 600 "$HALL_PG_TLS_KEY" "$data/server.key"
    [ "$(id -u)" = 0 ] && chown postgres "$data/server.crt" "$data/server.key"
    grep -q "^ssl = on" "$data/postgresql.conf" || echo "ssl = on" | as_owner tee -a "$data/postgresql.conf" >/dev/null
    is_running && as_owner "$bindir/pg_ctl" -D "$data" reload >/dev/null
  fi
  if is_running; then
    log "already running on 127.0.0.1:$port"
  else
    as_owner "$bindir/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 start >/dev/null
    log "started on 127.0.0.1:$port (data in $data)"
  fi
  create_roles
}

stop() {
  bindir=$(find_bindir) || return 0
  if is_running; then
    as_owner "$bindir/pg_ctl" -D "$data" -m fast -w stop >/dev/null
    log "stopped"
  fi
}

print_env() {
  echo "HALL_DB_HOST=127.0.0.1"
  echo "HALL_DB_PORT=$port"
  echo "HALL_DB_NAME=$dbname"
  echo "HALL_DB_SECRETS=$secrets"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  restart)
    ensure_installed
    as_owner "$bindir/pg_ctl" -D "$data" -m "${2:-fast}" -l "$dir/server.log" -w -t 60 restart \
      >/dev/null
    ;;
  status)
    bindir=$(find_bindir) || { echo "not installed"; exit 1; }
    if is_running; then echo "running on 127.0.0.1:$port"; else echo "stopped"; exit 1; fi
    ;;
  env) print_env ;;
  destroy) stop; rm -rf "$dir"; log "deleted $dir" ;;
  *) sed -n '2,16p' "$0" >&2; exit 2 ;;
esac
