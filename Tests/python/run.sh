#!/usr/bin/env bash
# The independent client: Python stubs generated from proto/ alone (grpcio-tools, from PyPI,
# test-only) drive the built executables, started as separate processes on a throw-away
# PostgreSQL cluster. Proof that an integrator needs nothing but proto/.
#
#   Tests/python/run.sh        (after `swift build`; deploy/test.sh runs it)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
deployment=python-client-test
source "$root/Tests/python/harness.sh"
mint catalog_admin admin-1 >"$keys/admin.token"
mint clerk clerk-01 --hall hl-hall --region 410902 >"$keys/clerk.token"
mint approver approver-scjg --department py-scjg >"$keys/approver.token"
mint applicant 410102199003071230 >"$keys/applicant.token"

start catalog
start intake

HALL_STUBS=$stubs HALL_KEYS=$keys "$venv/bin/pytest" -q -p no:cacheprovider Tests/python
