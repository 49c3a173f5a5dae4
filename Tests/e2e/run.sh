#!/usr/bin/env bash
# End to end (OPS-1, REL-2, REL-4): the four built executables as separate processes on a
# throw-away cluster, the demonstration catalog, the morning of the scripted day; then
# supervision is killed (SIGKILL, no goodbye), the afternoon is played without it, it is
# started again, and its figures must equal a hand count made from intake's and rating's
# own records through the contracts.
#
#   Tests/e2e/run.sh        (after `swift build`; deploy/test.sh runs it)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
deployment=e2e-test
source "$root/Tests/python/harness.sh"
[ -x "$bin/hall-demo" ] || { echo "missing $bin/hall-demo: run swift build first" >&2; exit 1; }
mint catalog_admin admin-1 >"$keys/admin.token"
mint supervisor e2e-supervisor --region 410902 >"$keys/supervisor.token"

for service in catalog intake rating supervision; do start "$service"; done
HALL_TOKEN_FILE="$keys/admin.token" "$bin/hall-demo" load-catalog >/dev/null
day() { "$bin/hall-demo" day --key "$keys/signing.key" --deployment "$deployment" "$@"; }

day --part morning
echo "— supervision killed (SIGKILL) before the afternoon"
kill -KILL "${pids[supervision]}"
wait "${pids[supervision]}" 2>/dev/null || true
day --part afternoon
echo "— supervision started again"
start supervision
day --part figures --wait 90

# promtool, to check what each service serves as Prometheus checks it (OPS-3): from Debian's
# prometheus package, unpacked rather than installed, since only its checker is wanted.
promtool=$(command -v promtool || true)
if [ -z "$promtool" ]; then
  tools="$root/.build/tools"
  promtool="$tools/usr/bin/promtool"
  if [ ! -x "$promtool" ]; then
    mkdir -p "$tools/deb"
    # A machine whose package lists were never fetched (or were cleaned) knows no
    # prometheus package until they are.
    sudo_cmd=""
    [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
    (cd "$tools/deb" && apt-get download -q prometheus 2>/dev/null) \
      || { $sudo_cmd apt-get update -qq && (cd "$tools/deb" && apt-get download -q prometheus); } \
      || { echo "cannot download Debian's prometheus package for promtool" >&2; exit 1; }
    dpkg-deb -x "$tools"/deb/prometheus_*.deb "$tools"
  fi
fi

HALL_PROMTOOL=$promtool HALL_STUBS=$stubs HALL_KEYS=$keys HALL_METRICS_CATALOG=${metrics_ports[catalog]} \
  HALL_METRICS_INTAKE=${metrics_ports[intake]} HALL_METRICS_RATING=${metrics_ports[rating]} \
  HALL_METRICS_SUPERVISION=${metrics_ports[supervision]} \
  "$venv/bin/pytest" -q -p no:cacheprovider Tests/e2e
