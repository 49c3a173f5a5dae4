#!/usr/bin/env bash
# The fault suite (REL-1 to REL-4, #14): the built executables as processes on a throw-away
# cluster, driven by a Python client generated from proto/, through what a real hall meets:
# PostgreSQL restarted (fast, then immediate) and intake killed with SIGKILL under a load of
# window acceptances, SIGTERM after a database restart, overflowing and oversized input, and
# a property-based fuzz of request fields. Every phase is bounded in time.
#
#   Tests/faults/run.sh [PYTEST ARGS]   (after `swift build`; deploy/test.sh runs it;
#                                        e.g. -k traces for one test)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
deployment=fault-test
# Durable commits: an immediate restart must keep every acknowledged case.
HALL_PG_FAST=0
source "$root/Tests/python/harness.sh"
if ! "$venv/bin/python" -c 'import hypothesis' 2>/dev/null; then
  "$venv/bin/pip" install -q --disable-pip-version-check hypothesis
fi
mint catalog_admin admin-1 >"$keys/admin.token"
mint clerk clerk-01 --hall hl-hall --region 410902 >"$keys/clerk.token"
mint clerk clerk-99 --hall other-hall --region 410902 >"$keys/other-clerk.token"
mint approver approver-scjg --department ft-scjg >"$keys/approver.token"
mint supervisor supervisor-1 >"$keys/supervisor.token"

# The Python side starts, kills and restarts the services itself, the way `start` does.
HALL_STUBS=$stubs HALL_KEYS=$keys HALL_BIN=$bin HALL_WORK=$work HALL_PG_PORT=$pg_port \
  HALL_PG_DIR="$work/pg" HALL_SECRETS=$secrets HALL_DEPLOYMENT=$deployment \
  HALL_PORT_CATALOG=${ports[catalog]} HALL_PORT_INTAKE=${ports[intake]} \
  HALL_PORT_RATING=${ports[rating]} HALL_PORT_SUPERVISION=${ports[supervision]} \
  HALL_METRICS_PORT_CATALOG=${metrics_ports[catalog]} \
  HALL_METRICS_PORT_INTAKE=${metrics_ports[intake]} \
  HALL_METRICS_PORT_RATING=${metrics_ports[rating]} \
  HALL_METRICS_PORT_SUPERVISION=${metrics_ports[supervision]} \
  HALL_DRAIN_SECONDS=5 \
  timeout 900 "$venv/bin/pytest" -q -s -p no:cacheprovider Tests/faults "$@"
