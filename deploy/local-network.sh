#!/usr/bin/env bash
# A local network of halls (FED-1 to FED-3), beside the single hall of run-local.sh: Puyang
# city (410900) with Hualong district (410902) and Qingfeng county (410922), each a
# deployment of its own (four services, its own database, signing key, link token and
# certificates from the city's authority). The city's catalog (the demonstration catalog)
# flows down to both districts; a scripted day is played in each district and flows up to
# the city's supervision, whose figures by district are printed at the end. One of
# Hualong's cases is passed up to the city, which approves it (FED-4); each district sets its
# own details of one of the city's items (FED-2).
#
#   deploy/run-local.sh network          build, start the three deployments, play, keep running
#   deploy/run-local.sh network stop     stop them and their database
#
# State lives in .hall/network/ (ignored by git). HALL_BUILD_CONFIG=debug uses a debug build.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
state="$root/.hall/network"
config=${HALL_BUILD_CONFIG:-release}
export HALL_PG_PORT=${HALL_NETWORK_PG_PORT:-55433} HALL_PG_DIR="$state/postgres"
services=(catalog intake rating supervision)
deployments=(puyang-city hualong-district qingfeng-county)
declare -A level=([puyang-city]=city [hualong-district]=district [qingfeng-county]=district)
declare -A region=([puyang-city]=410900 [hualong-district]=410902 [qingfeng-county]=410922)
# Listeners at <base>1 … <base>4 in the order of `services`; metrics at 9161 … 9184, below
# the ephemeral ports (32768 and up) that outgoing connections take.
declare -A base=([puyang-city]=5006 [hualong-district]=5007 [qingfeng-county]=5008)
port() { # deployment service
  local i
  for i in "${!services[@]}"; do
    if [ "${services[$i]}" = "$2" ]; then echo "${base[$1]}$((i + 1))"; fi
  done
}

source "$root/deploy/processes.sh"
stop_services() { stop_pids "$state/run"; }

if [ "${1:-}" = stop ]; then
  stop_services
  deploy/local-postgres.sh stop
  exit 0
fi

"$root/deploy/install-toolchain-deps.sh"
mkdir -p "$state/run" "$state/logs"
echo "== building ($config; a first release build takes several minutes)"
for product in "${services[@]/#/hall-}" hallctl hall-demo; do
  swift build -c "$config" --product "$product"
done
bin=$(swift build -c "$config" --show-bin-path)

# One authority for the network, which the city holds; every service of every deployment
# (and the database) gets a certificate from it, issued again at each start.
tls="$state/tls"
[ -f "$tls/ca.pem" ] || "$bin/hallctl" keys authority --out "$tls" --name "Puyang network CA" >/dev/null
for d in "${deployments[@]}"; do
  for s in "${services[@]}"; do
    "$bin/hallctl" keys certificate --authority "$tls" --name "$d-$s" \
      --host localhost --host 127.0.0.1 >/dev/null
  done
done
"$bin/hallctl" keys certificate --authority "$tls" --name postgres \
  --host localhost --host 127.0.0.1 >/dev/null
export HALL_CA_FILE="$tls/ca.pem"

echo "== databases: one per deployment"
for d in "${deployments[@]}"; do
  HALL_DB_NAME="hall_${d//-/_}" HALL_PG_TLS_CERT="$tls/postgres.pem" \
    HALL_PG_TLS_KEY="$tls/postgres.key" deploy/local-postgres.sh start
done
secrets="$state/postgres/secrets"

echo "== keys and tokens: each deployment signs its own"
mint() { # deployment role subject [options]
  "$bin/hallctl" token mint --key "$state/$1/keys/signing.key" --deployment "$1" \
    --role "$2" --subject "$3" --hours 720 "${@:4}"
}
for d in "${deployments[@]}"; do
  keys="$state/$d/keys"
  mkdir -p "$keys"
  [ -f "$keys/signing.key" ] || "$bin/hallctl" keys generate --out "$keys" >/dev/null
  mint "$d" catalog_admin "$d-admin" --region "${region[$d]}" >"$keys/admin.token"
  mint "$d" supervisor "$d-supervisor" --region "${region[$d]}" >"$keys/supervisor.token"
  mint "$d" district_link "$d" >"$keys/link.token"
  for s in "${services[@]}"; do mint "$d" service "hall-$s" >"$keys/$s.token"; done
done

# Each deployment's neighbours: the districts know the city's catalog and intake (for the
# replies to the cases they pass up); the city knows the districts' intake and rating.
neighbour() { # deployment, then service=port pairs
  local d=$1 addresses="" pair
  shift
  for pair in "$@"; do addresses+="${addresses:+, }\"${pair%%=*}\": \"127.0.0.1:${pair#*=}\""; done
  printf '{"name": "%s", "level": "%s", "region_code": "%s", "public_key": "%s", "addresses": {%s}}' \
    "$d" "${level[$d]}" "${region[$d]}" "$(cat "$state/$d/keys/signing.pub")" "$addresses"
}
children=""
for d in hualong-district qingfeng-county; do
  children+="${children:+, }$(neighbour "$d" "intake=$(port "$d" intake)" "rating=$(port "$d" rating)")"
  printf '{"parent": %s}\n' "$(neighbour puyang-city "catalog=$(port puyang-city catalog)" \
    "intake=$(port puyang-city intake)")" \
    >"$state/$d/network.json"
done
printf '{"children": [%s]}\n' "$children" >"$state/puyang-city/network.json"

stop_services
start_service() { # deployment service
  local d=$1 s=$2 p
  p=$(port "$d" "$s")
  local connections=10
  if [ "${level[$d]}/$s" = city/supervision ]; then connections=24; fi
  HALL_DEPLOYMENT=$d HALL_LEVEL=${level[$d]} HALL_REGION_CODE=${region[$d]} \
    HALL_NETWORK_FILE="$state/$d/network.json" HALL_LINK_TOKEN_FILE="$state/$d/keys/link.token" \
    HALL_SERVICE_TOKEN_FILE="$state/$d/keys/$s.token" \
    HALL_TOKEN_PUBLIC_KEY_FILE="$state/$d/keys/signing.pub" \
    HALL_CATALOG_ADDR=127.0.0.1:$(port "$d" catalog) HALL_INTAKE_ADDR=127.0.0.1:$(port "$d" intake) \
    HALL_RATING_ADDR=127.0.0.1:$(port "$d" rating) \
    HALL_SUPERVISION_ADDR=127.0.0.1:$(port "$d" supervision) \
    HALL_LISTEN_PORT=$p HALL_METRICS_PORT=$((p - 50000 + 9100)) \
    HALL_DB_PORT=$HALL_PG_PORT HALL_DB_NAME="hall_${d//-/_}" \
    HALL_DB_PASSWORD_FILE="$secrets/hall_$s.password" HALL_DB_MAX_CONNECTIONS=$connections \
    HALL_TLS_CERT_FILE="$tls/$d-$s.pem" HALL_TLS_KEY_FILE="$tls/$d-$s.key" \
    HALL_TLS_CA_FILE="$tls/ca.pem" HALL_DB_CA_FILE="$tls/ca.pem" \
    nohup "$bin/hall-$s" >>"$state/logs/$d-$s.log" 2>&1 &
  echo $! >"$state/run/$d-$s.pid"
  wait_listening "$p" "$state/run/$d-$s.pid" "$state/logs/$d-$s.log" "hall-$s of $d"
}
echo "== services"
for d in "${deployments[@]}"; do
  for s in "${services[@]}"; do start_service "$d" "$s"; done
done

at() { # deployment: the addresses of its services for hallctl and the demo
  echo "HALL_CATALOG_ADDR=127.0.0.1:$(port "$1" catalog) HALL_INTAKE_ADDR=127.0.0.1:$(port "$1" intake)" \
    "HALL_RATING_ADDR=127.0.0.1:$(port "$1" rating) HALL_SUPERVISION_ADDR=127.0.0.1:$(port "$1" supervision)"
}
echo "== the city's catalog (the demonstration catalog)"
env $(at puyang-city) HALL_TOKEN_FILE="$state/puyang-city/keys/admin.token" \
  "$bin/hall-demo" load-catalog --file deploy/demo/catalog.json

for d in hualong-district qingfeng-county; do
  echo "== $d takes the city's catalog"
  for _ in $(seq 1 150); do
    env $(at "$d") "$bin/hallctl" catalog indicators 2>/dev/null | grep -q "items in force *17" && break
    sleep 0.2
  done
  env $(at "$d") "$bin/hallctl" catalog indicators | head -3
  # What is the district's to say of the city's items (FED-2): Hualong's window for food
  # licences; Qingfeng leaves changes of hazardous-chemicals licences to the city.
  if [ "$d" = hualong-district ]; then
    details=(HL-SCJG-004 --window "华龙区政务服务中心 一楼 5号窗口" --phone 0393-8991234)
  else
    details=(HL-YJGL-003 --not-handled)
  fi
  env $(at "$d") HALL_TOKEN_FILE="$state/$d/keys/admin.token" "$bin/hallctl" catalog \
    local-details "${details[@]}"
  sleep 2  # its intake's replica follows its catalog
  echo "== a day in $d"
  env $(at "$d") "$bin/hall-demo" day --key "$state/$d/keys/signing.key" --deployment "$d"
done

echo "== a case passed up from hualong-district to the city, and the city's reply (FED-4)"
hallctl_at() { # deployment token [hallctl arguments]: hallctl against the deployment's services
  env $(at "$1") HALL_TOKEN="$2" "$bin/hallctl" "${@:3}"
}
first_case() { grep -o '"case_number":"[^"]*"' | head -1 | cut -d'"' -f4; }
# An approver of the food-licence department in each deployment: the district's passes the
# case up, the city's decides it (the city's catalog names the same department).
district_approver=$(mint hualong-district approver hl-approver-scjgj --department hl-scjgj \
  --region 410902)
city_approver=$(mint puyang-city approver py-approver-scjgj --department hl-scjgj \
  --region 410900)
district_case=$(hallctl_at hualong-district "$district_approver" intake case list --json \
  --state accepted --item HL-SCJG-002 | first_case || true)
if [ -z "$district_case" ]; then
  echo "the day left no accepted HL-SCJG-002 case in hualong-district to pass up" >&2
  exit 1
fi
hallctl_at hualong-district "$district_approver" intake review escalate "$district_case" \
  --to-level city --to-authority 濮阳市市场监管局 --reason 跨区经营须市级审批 | head -3
city_case=""
for _ in $(seq 1 150); do
  city_case=$(hallctl_at puyang-city "$city_approver" intake case list --json --state accepted \
    --item HL-SCJG-002 | first_case || true)
  [ -n "$city_case" ] && break
  sleep 0.2
done
[ -n "$city_case" ] || { echo "the city did not take $district_case" >&2; exit 1; }
echo "the city took it as $city_case"
hallctl_at puyang-city "$city_approver" intake review start "$city_case" >/dev/null
hallctl_at puyang-city "$city_approver" intake review decide "$city_case" --approve | head -3
for _ in $(seq 1 150); do
  hallctl_at hualong-district "$district_approver" intake case get "$district_case" --json \
    | grep -q '"state": *"CASE_STATE_APPROVED"' && break
  sleep 0.2
done
hallctl_at hualong-district "$district_approver" intake case get "$district_case" | tail -6

echo "== the city's supervision, by district"
city_supervisor() { env $(at puyang-city) HALL_TOKEN_FILE="$state/puyang-city/keys/supervisor.token" "$bin/hallctl" supervision "$@"; }
# Caught up: both districts' feeds known, none behind.
for _ in $(seq 1 150); do
  lags=$(city_supervisor lags --json)
  if grep -q 'intake@hualong-district' <<<"$lags" && grep -q 'intake@qingfeng-county' <<<"$lags" \
    && ! grep -q '"eventsBehind"' <<<"$lags"; then break; fi
  sleep 0.2
done
city_supervisor lags
tomorrow=$(TZ=Asia/Shanghai date -d tomorrow +%Y-%m-%d)
city_supervisor figures --by region --from "$(TZ=Asia/Shanghai date -d '30 days ago' +%Y-%m-%d)" \
  --to "$tomorrow"

cat <<TXT

The network is running, on TLS from the city's authority $tls/ca.pem:
TXT
for d in "${deployments[@]}"; do
  printf '  %-17s %-8s %s  catalog %s, intake %s, rating %s, supervision %s\n' "$d" \
    "${level[$d]}" "${region[$d]}" "$(port "$d" catalog)" "$(port "$d" intake)" \
    "$(port "$d" rating)" "$(port "$d" supervision)"
done
cat <<TXT
  tokens      $state/<deployment>/keys/ (admin.token, supervisor.token, link.token)
  logs        $state/logs/
Try:  export HALL_CA_FILE=$tls/ca.pem
      $(at puyang-city) HALL_TOKEN_FILE=$state/puyang-city/keys/supervisor.token \\
        $bin/hallctl supervision lags
Stop: deploy/run-local.sh network stop
TXT
