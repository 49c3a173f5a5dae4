#!/usr/bin/env bash
# The network of halls end to end (FED-1 to FED-4, SEC-4): Puyang city (410900) with Hualong
# district (410902) and Qingfeng county (410922), three deployments of the built executables
# as processes, each with its four services, its own database (one throw-away cluster), its
# own signing key and link token, and certificates from one network authority; every
# service requires client certificates, so each link between deployments is mutual TLS.
# Here the keys, tokens, certificates and databases are made; the Python side starts the
# services behind a TCP proxy it controls, cuts one district off and heals it, and checks
# that the city's figures and the district's catalog catch up, and that a case passed up to
# the city and the city's reply cross cut links once each. Bounded in time (10 min).
#
#   Tests/network/run.sh [PYTEST ARGS]   (after `swift build`, or with HALL_BIN naming a
#                                          folder of built executables; deploy/test.sh runs it)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
# The harness's own single deployment (its key, tokens and database) goes unused here.
deployment=network-test
source "$root/Tests/python/harness.sh"
[ -x "$bin/hall-demo" ] || { echo "missing $bin/hall-demo: run swift build first" >&2; exit 1; }

net="$work/net"
deployments=(puyang-city hualong-district qingfeng-county)
declare -A region=([puyang-city]=410900 [hualong-district]=410902 [qingfeng-county]=410922)
declare -A hall_of=([puyang-city]=py-hall [hualong-district]=hl-hall [qingfeng-county]=qf-hall)
mint_as() { # key-folder deployment role subject [options]
  "$bin/hallctl" token mint --key "$1/signing.key" --deployment "$2" --role "$3" \
    --subject "$4" "${@:5}"
}

# The services the Python side starts are stopped with the cluster, whatever ends the run
# (a failure, the time limit): each one's pid is in $work/pids until it has been reaped.
mkdir -p "$work/pids"
stop_network() {
  local pidfile pid
  for pidfile in "$work"/pids/*.pid; do
    [ -f "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pidfile in "$work"/pids/*.pid; do
    [ -f "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
}
# Then the harness's cleanup, which reads the run's status from $? (errexit off: a failed
# status must not end the trap before the cluster is gone).
trap 'status=$?; stop_network; set +e; (exit "$status"); cleanup' EXIT

for d in "${deployments[@]}"; do
  # A database of its own in the run's cluster (the same service roles, as on one server).
  HALL_PG_DIR="$work/pg" HALL_PG_PORT=$pg_port HALL_DB_NAME="hall_${d//-/_}" \
    "$root/deploy/local-postgres.sh" start 2>/dev/null
  dir="$net/$d"
  mkdir -p "$dir"
  "$bin/hallctl" keys generate --out "$dir" >/dev/null
  # Its link token, signed with its own key: what its links present to its neighbours.
  mint_as "$dir" "$d" district_link "$d" >"$dir/link.token"
  for service in catalog intake rating supervision; do
    mint_as "$dir" "$d" service "hall-$service" >"$dir/$service.token"
    # Certificates from the one authority the city holds (the harness's).
    "$bin/hallctl" keys certificate --authority "$tls" --name "$d-$service" \
      --host localhost --host 127.0.0.1 --out "$dir" >/dev/null
  done
  mint_as "$dir" "$d" catalog_admin "$d-admin" --region "${region[$d]}" >"$dir/admin.token"
  mint_as "$dir" "$d" supervisor "$d-supervisor" --region "${region[$d]}" >"$dir/supervisor.token"
  # Its window clerk, and an approver of the market regulation department (the city's
  # catalog, in every deployment: the district's passes cases up, the city's decides them).
  mint_as "$dir" "$d" clerk "$d-clerk" --hall "${hall_of[$d]}" --region "${region[$d]}" \
    >"$dir/clerk.token"
  mint_as "$dir" "$d" approver "$d-approver-scjg" --department hl-scjgj \
    --region "${region[$d]}" >"$dir/approver.token"
done
# The Python client's certificate (the services require one), and hallctl's and the demo's.
"$bin/hallctl" keys certificate --authority "$tls" --name network-client \
  --host localhost --host 127.0.0.1 --out "$net" >/dev/null

# Strangers: an authority the network does not know with a certificate of its own, and a key
# no neighbour has, signing a link token that claims to be Hualong's and one of a deployment
# no network file names.
foreign="$net/foreign"
mkdir -p "$foreign"
"$bin/hallctl" keys authority --out "$foreign/tls" --name "foreign CA" >/dev/null
"$bin/hallctl" keys certificate --authority "$foreign/tls" --name intruder \
  --host localhost --host 127.0.0.1 >/dev/null
"$bin/hallctl" keys generate --out "$foreign" >/dev/null
mint_as "$foreign" hualong-district district_link hualong-district >"$foreign/forged-link.token"
mint_as "$foreign" anyang-city district_link anyang-city >"$foreign/stranger-link.token"

HALL_STUBS=$stubs HALL_BIN=$bin HALL_WORK=$work HALL_NET=$net HALL_PG_PORT=$pg_port \
  HALL_SECRETS=$secrets HALL_DRAIN_SECONDS=5 \
  timeout 600 "$venv/bin/pytest" -q -s -p no:cacheprovider Tests/network "$@"
