#!/usr/bin/env bash
# The network of halls' benchmark (FED-3): a city's supervision catching up with a
# district's backlog of intake events (100 000 by default, the rules and figures doing their
# real work), then the district-to-city lag, commit to apply, under a steady load of cases
# in two districts (200 cases/s for 30 s by default). Everything runs in one process on a
# throw-away PostgreSQL cluster; builds in release mode first. Extra arguments go to
# `hall-bench network`.
#
#   deploy/bench/network.sh [--backlog N] [--rate CASES_PER_S] [--seconds S] [--json]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
"$root/deploy/install-toolchain-deps.sh"
swift build -c release --product hall-bench >&2
bin=$(swift build -c release --show-bin-path)
exec "$bin/hall-bench" network "$@"
