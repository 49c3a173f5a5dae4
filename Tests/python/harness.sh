# Shared by the scripts that run the built executables as separate processes: a Python
# virtual environment with grpcio (test-only), a throw-away PostgreSQL cluster, a key pair,
# and `start NAME PORT [VAR=VALUE…]` for a service. Source it after setting `root`. The
# executables are the debug build's, or those in HALL_BIN when it is set.
bin=${HALL_BIN:-$(swift build --show-bin-path)}
for product in hall-catalog hall-intake hall-rating hall-supervision hallctl; do
  [ -x "$bin/$product" ] || { echo "missing $bin/$product: run swift build first" >&2; exit 1; }
done

venv="$root/.build/python-venv"
if [ ! -x "$venv/bin/pytest" ] \
  || ! "$venv/bin/python" -c 'import grpc_tools, prometheus_client, opentelemetry.proto' \
    2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check grpcio grpcio-tools pytest \
    prometheus-client opentelemetry-proto
fi

# The hall's clock (services, hallctl and the tests alike) reads Tuesday 24 November 2026,
# 09:30 China time as the run starts, whatever the day and hour of the machine: what the
# tests expect then holds on any day they run.
export HALL_CLOCK_OFFSET_SECONDS=$((1795483800 - $(date +%s)))

work=$(mktemp -d)
declare -A pids=()
cleanup() {
  local status=$?
  if [ "$status" != 0 ]; then
    echo "— failed ($status); the services' last warnings and errors:" >&2
    for log in "$work"/*.log; do
      grep -h '"level":"\(warning\|error\|critical\)"' "$log" | tail -n 5 | cut -c1-600 >&2 || true
    done
  fi
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  HALL_PG_DIR="$work/pg" "$root/deploy/local-postgres.sh" destroy >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { "$venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# TLS everywhere, as in a real hall (SEC-4): the run's own certificate authority, a
# certificate for each service and for the database; the services, hallctl, the
# demonstration and the Python clients trust that authority alone.
tls="$work/tls"
"$bin/hallctl" keys authority --out "$tls" --name "test run CA" >/dev/null
for name in catalog intake rating supervision postgres; do
  "$bin/hallctl" keys certificate --authority "$tls" --name "$name" \
    --host localhost --host 127.0.0.1 >/dev/null
done
export HALL_CA_FILE="$tls/ca.pem" HALL_TLS_CA_FILE="$tls/ca.pem" HALL_DB_CA_FILE="$tls/ca.pem"
export HALL_TLS_DIR=$tls

pg_port=$(free_port)
# Commits are durable unless a script asks for speed (the fault suite restarts the server
# with -m immediate and counts what was acknowledged).
HALL_PG_DIR="$work/pg" HALL_PG_PORT=$pg_port HALL_PG_FAST=${HALL_PG_FAST:-1} \
  HALL_PG_TLS_CERT="$tls/postgres.pem" HALL_PG_TLS_KEY="$tls/postgres.key" \
  "$root/deploy/local-postgres.sh" start 2>/dev/null
secrets="$work/pg/secrets"

keys="$work/keys"
"$bin/hallctl" keys generate --out "$keys" >/dev/null
mint() { # role subject [extra options]
  "$bin/hallctl" token mint --key "$keys/signing.key" --deployment "$deployment" \
    --role "$1" --subject "$2" "${@:3}"
}
for service in catalog intake rating supervision; do mint service "hall-$service" >"$keys/$service.token"; done
declare -A ports=()
# Eight ports at once, all bound together, so that no two are the same.
declare -A metrics_ports=()
read -r -a eight < <("$venv/bin/python" -c '
import socket
sockets = [socket.socket() for _ in range(8)]
for s in sockets: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in sockets))')
i=0
for service in catalog intake rating supervision; do
  ports[$service]=${eight[$i]}
  metrics_ports[$service]=${eight[$((i + 1))]}
  i=$((i + 2))
done
export HALL_CATALOG_ADDR=127.0.0.1:${ports[catalog]} HALL_INTAKE_ADDR=127.0.0.1:${ports[intake]}
export HALL_RATING_ADDR=127.0.0.1:${ports[rating]} HALL_SUPERVISION_ADDR=127.0.0.1:${ports[supervision]}

start() { # name
  HALL_DEPLOYMENT=$deployment HALL_LISTEN_PORT=${ports[$1]} HALL_DB_PORT=$pg_port \
    HALL_DB_PASSWORD_FILE="$secrets/hall_$1.password" \
    HALL_TOKEN_PUBLIC_KEY_FILE="$keys/signing.pub" HALL_SERVICE_TOKEN_FILE="$keys/$1.token" \
    HALL_DB_MAX_CONNECTIONS=12 HALL_REGION_CODE=410902 \
    HALL_TLS_CERT_FILE="$tls/$1.pem" HALL_TLS_KEY_FILE="$tls/$1.key" \
    HALL_METRICS_PORT=${metrics_ports[$1]} \
    "$bin/hall-$1" >>"$work/$1.log" 2>&1 &
  pids[$1]=$!
  for _ in $(seq 1 150); do
    (exec 3<>"/dev/tcp/127.0.0.1/${ports[$1]}") 2>/dev/null && return 0
    sleep 0.2
  done
  echo "hall-$1 did not start:" >&2
  tail -n 20 "$work/$1.log" >&2
  exit 1
}

stubs="$work/stubs"
mkdir -p "$stubs"
"$venv/bin/python" -m grpc_tools.protoc -I "$root/proto" --python_out="$stubs" \
  --grpc_python_out="$stubs" $(cd "$root/proto" && find . -name '*.proto' | sed 's|^\./||' | sort)
