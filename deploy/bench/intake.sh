#!/usr/bin/env bash
# Intake's benchmark (INT-3): acceptances through gRPC by many concurrent clients — at the
# window in one call (SubmitCase with the clerk's decision), and as SubmitCase then
# AcceptCase — then latency at 70 % of the window's peak in an open loop, then pgbench running
# the same rows (deploy/bench/intake-window-pgbench.sql, deploy/bench/intake-pgbench.sql) at
# the same concurrency, in the same run, with prepared statements as the services use (and
# the window's script once more unprepared). Builds in release mode, then runs against a
# throw-away PostgreSQL cluster of its own (never a running deployment). Extra arguments go
# to `hall-bench intake`.
#
#   deploy/bench/intake.sh [--clients N] [--seconds S] [--load 0.7] [--json]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
"$root/deploy/install-toolchain-deps.sh"
swift build -c release --product hall-bench >&2
bin=$(swift build -c release --show-bin-path)
exec "$bin/hall-bench" intake --clients 16 --seconds 20 "$@"
