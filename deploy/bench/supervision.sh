#!/usr/bin/env bash
# Supervision's benchmark (SUP-2, SUP-7, SUP-8): a month of a city's cases (10 million across
# 60 departments, 1 million still open) loaded into supervision's schema on a throw-away
# PostgreSQL cluster, then the monthly report and one department's figures through gRPC, and
# timer passes over the open cases: every 30 s from now, and at the 17:00 closing when the
# day's due times fall together. Builds in release mode first. Extra arguments go to
# `hall-bench supervision`.
#
#   deploy/bench/supervision.sh [--cases N] [--departments N] [--open N] [--runs N]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
"$root/deploy/install-toolchain-deps.sh"
swift build -c release --product hall-bench >&2
bin=$(swift build -c release --show-bin-path)
exec "$bin/hall-bench" supervision "$@"
