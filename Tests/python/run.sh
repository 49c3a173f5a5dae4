#!/usr/bin/env bash
# The independent client: Python stubs generated from proto/ alone (grpcio-tools, from PyPI,
# test-only) drive the built executables, started as separate processes on a throw-away
# PostgreSQL cluster. Proof that an integrator needs nothing but proto/.
#
#   Tests/python/run.sh        (after `swift build --build-tests`; deploy/test.sh runs it)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
bin=$(swift build --show-bin-path)
for product in hall-catalog hall-intake hallctl; do
  [ -x "$bin/$product" ] || { echo "missing $bin/$product: run swift build first" >&2; exit 1; }
done

venv="$root/.build/python-venv"
if [ ! -x "$venv/bin/pytest" ] || ! "$venv/bin/python" -c 'import grpc_tools' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check grpcio grpcio-tools pytest
fi

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  HALL_PG_DIR="$work/pg" deploy/local-postgres.sh destroy >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { "$venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
pg_port=$(free_port)
HALL_PG_DIR="$work/pg" HALL_PG_PORT=$pg_port HALL_PG_FAST=1 deploy/local-postgres.sh start 2>/dev/null
secrets="$work/pg/secrets"

deployment=python-client-test
keys="$work/keys"
"$bin/hallctl" keys generate --out "$keys" >/dev/null
mint() { # role subject [extra options]
  "$bin/hallctl" token mint --key "$keys/signing.key" --deployment "$deployment" \
    --role "$1" --subject "$2" "${@:3}"
}
mint service hall-catalog >"$keys/catalog.token"
mint service hall-intake >"$keys/intake.token"
mint catalog_admin admin-1 >"$keys/admin.token"
mint clerk clerk-01 --hall hl-hall --region 410902 >"$keys/clerk.token"
mint approver approver-scjg --department py-scjg >"$keys/approver.token"
mint applicant 410102199003071230 >"$keys/applicant.token"

catalog_port=$(free_port)
intake_port=$(free_port)
start() { # name port
  HALL_DEPLOYMENT=$deployment HALL_LISTEN_PORT=$2 HALL_DB_PORT=$pg_port \
    HALL_DB_PASSWORD_FILE="$secrets/hall_$1.password" \
    HALL_TOKEN_PUBLIC_KEY_FILE="$keys/signing.pub" HALL_SERVICE_TOKEN_FILE="$keys/$1.token" \
    HALL_CATALOG_ADDR=127.0.0.1:$catalog_port HALL_DB_MAX_CONNECTIONS=5 \
    "$bin/hall-$1" >"$work/$1.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 150); do
    (exec 3<>"/dev/tcp/127.0.0.1/$2") 2>/dev/null && return 0
    sleep 0.2
  done
  echo "hall-$1 did not start:" >&2
  tail -n 20 "$work/$1.log" >&2
  exit 1
}
start catalog "$catalog_port"
start intake "$intake_port"

stubs="$work/stubs"
mkdir -p "$stubs"
"$venv/bin/python" -m grpc_tools.protoc -I proto --python_out="$stubs" --grpc_python_out="$stubs" \
  $(cd proto && find . -name '*.proto' | sed 's|^\./||' | sort)

HALL_STUBS=$stubs HALL_KEYS=$keys HALL_CATALOG_ADDR=127.0.0.1:$catalog_port \
  HALL_INTAKE_ADDR=127.0.0.1:$intake_port \
  "$venv/bin/pytest" -q -p no:cacheprovider Tests/python
