#!/usr/bin/env bash
# The event feed's benchmark (REL-2): the replay rate of a 100 000-event backlog into a new
# consumer, and the commit-to-applied lag (p50/p90/p99/max) under a steady 1 000 events/s of
# one-event transactions for 30 s. Builds in release mode, then runs against a throw-away
# PostgreSQL cluster of its own (never a running deployment). Extra arguments go to
# `hall-bench feed` (see --help), e.g. --seconds 60 --json.
#
#   deploy/bench/feed.sh [--backlog N] [--rate N] [--seconds S] [--writers N] [--json]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
swift build -c release --product hall-bench >&2
bin=$(swift build -c release --show-bin-path)
exec "$bin/hall-bench" feed --backlog 100000 --rate 1000 --seconds 30 "$@"
