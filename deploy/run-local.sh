#!/usr/bin/env bash
# One command for a complete local deployment: a private PostgreSQL cluster, the services as
# separate processes with their own roles and schemas, and the demonstration data.
#
#   deploy/run-local.sh          build, start everything, load the demo data, keep running
#   deploy/run-local.sh stop     stop the services and the database
#   deploy/run-local.sh network  a city and two districts instead (deploy/local-network.sh)
#
# State lives in .hall/ (ignored by git): the cluster, the signing key, tokens, logs.
# HALL_BUILD_CONFIG=debug uses a debug build.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
state="$root/.hall"
export HALL_PG_PORT=${HALL_PG_PORT:-55432}
catalog_port=${HALL_CATALOG_PORT:-50051}
intake_port=${HALL_INTAKE_PORT:-50052}
rating_port=${HALL_RATING_PORT:-50053}
supervision_port=${HALL_SUPERVISION_PORT:-50054}
deployment=${HALL_DEPLOYMENT:-hualong-district}

source "$root/deploy/processes.sh"
stop_services() { stop_pids "$state/run"; }

if [ "${1:-}" = network ]; then
  shift
  exec "$root/deploy/local-network.sh" "$@"
fi

if [ "${1:-}" = stop ]; then
  stop_services
  deploy/local-postgres.sh stop
  exit 0
fi

"$root/deploy/install-toolchain-deps.sh"
mkdir -p "$state/run" "$state/logs" "$state/keys"
config=${HALL_BUILD_CONFIG:-release}
echo "== building ($config; a first release build takes several minutes)"
for product in hall-catalog hall-intake hall-rating hall-supervision hallctl hall-demo; do
  swift build -c "$config" --product "$product"
done
bin=$(swift build -c "$config" --show-bin-path)

# TLS on every listener and link (SEC-4): the deployment's own certificate authority, made
# once; a certificate for each service and for the database, issued again at each start.
tls="$state/tls"
[ -f "$tls/ca.pem" ] || "$bin/hallctl" keys authority --out "$tls" \
  --name "$deployment local CA" >/dev/null
for name in catalog intake rating supervision postgres; do
  "$bin/hallctl" keys certificate --authority "$tls" --name "$name" \
    --host localhost --host 127.0.0.1 >/dev/null
done
export HALL_CA_FILE="$tls/ca.pem"

echo "== database"
HALL_PG_TLS_CERT="$tls/postgres.pem" HALL_PG_TLS_KEY="$tls/postgres.key" \
  deploy/local-postgres.sh start
secrets="$state/postgres/secrets"

[ -f "$state/keys/signing.key" ] || "$bin/hallctl" keys generate --out "$state/keys"
"$bin/hallctl" token mint --key "$state/keys/signing.key" --deployment "$deployment" \
  --role catalog_admin --subject demo-admin --region 410902 --hours 720 >"$state/keys/admin.token"
"$bin/hallctl" token mint --key "$state/keys/signing.key" --deployment "$deployment" \
  --role supervisor --subject demo-supervisor --region 410902 --hours 720 \
  >"$state/keys/supervisor.token"
# Each service's own identity for the feeds it consumes.
for name in catalog intake rating supervision; do
  "$bin/hallctl" token mint --key "$state/keys/signing.key" --deployment "$deployment" \
    --role service --subject "hall-$name" --hours 720 >"$state/keys/$name.token"
done

stop_services
start_service() { # name port
  local name=$1 port=$2
  HALL_SERVICE_TOKEN_FILE="$state/keys/$name.token" HALL_CATALOG_ADDR=127.0.0.1:$catalog_port \
  HALL_INTAKE_ADDR=127.0.0.1:$intake_port HALL_RATING_ADDR=127.0.0.1:$rating_port \
  HALL_SUPERVISION_ADDR=127.0.0.1:$supervision_port \
  HALL_REGION_CODE=410902 \
  HALL_DEPLOYMENT=$deployment HALL_LISTEN_PORT=$port HALL_DB_PORT=$HALL_PG_PORT \
    HALL_DB_PASSWORD_FILE="$secrets/hall_$name.password" \
    HALL_TOKEN_PUBLIC_KEY_FILE="$state/keys/signing.pub" \
    HALL_TLS_CERT_FILE="$tls/$name.pem" HALL_TLS_KEY_FILE="$tls/$name.key" \
    HALL_TLS_CA_FILE="$tls/ca.pem" HALL_DB_CA_FILE="$tls/ca.pem" \
    nohup "$bin/hall-$name" >>"$state/logs/$name.log" 2>&1 &
  echo $! >"$state/run/$name.pid"
  wait_listening "$port" "$state/run/$name.pid" "$state/logs/$name.log" "hall-$name"
}
echo "== services"
start_service catalog "$catalog_port"
start_service intake "$intake_port"
start_service rating "$rating_port"
start_service supervision "$supervision_port"

echo "== demonstration data"
HALL_CATALOG_ADDR=127.0.0.1:$catalog_port HALL_TOKEN_FILE="$state/keys/admin.token" \
  "$bin/hall-demo" load-catalog --file deploy/demo/catalog.json
HALL_CATALOG_ADDR=127.0.0.1:$catalog_port "$bin/hallctl" catalog indicators

echo "== a day of the hall, through the contracts"
HALL_CATALOG_ADDR=127.0.0.1:$catalog_port HALL_INTAKE_ADDR=127.0.0.1:$intake_port \
  HALL_RATING_ADDR=127.0.0.1:$rating_port HALL_SUPERVISION_ADDR=127.0.0.1:$supervision_port \
  "$bin/hall-demo" day --key "$state/keys/signing.key" --deployment "$deployment"

cat <<TXT

The hall is running (deployment "$deployment"), on TLS from its own authority $tls/ca.pem:
  catalog     127.0.0.1:$catalog_port   (gRPC, contract proto/hall/catalog/v1)
  intake      127.0.0.1:$intake_port   (gRPC, contract proto/hall/intake/v1)
  rating      127.0.0.1:$rating_port   (gRPC, contract proto/hall/rating/v1)
  supervision 127.0.0.1:$supervision_port   (gRPC, contract proto/hall/supervision/v1)
  PostgreSQL  127.0.0.1:$HALL_PG_PORT   (database hall, TLS; passwords in $secrets)
  logs        $state/logs/
  admin token $state/keys/admin.token   (catalog_admin)
  supervisor  $state/keys/supervisor.token

Try:  export HALL_CA_FILE=$tls/ca.pem
      export HALL_CATALOG_ADDR=127.0.0.1:$catalog_port HALL_TOKEN_FILE=$state/keys/admin.token
      $bin/hallctl catalog search 餐馆
      $bin/hallctl catalog bundles
      export HALL_SUPERVISION_ADDR=127.0.0.1:$supervision_port
      HALL_TOKEN_FILE=$state/keys/supervisor.token $bin/hallctl supervision rules list
Stop: deploy/run-local.sh stop
TXT
