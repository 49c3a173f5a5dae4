#!/usr/bin/env bash
# The test command: installs what a fresh machine lacks (PostgreSQL), then builds and runs
# every test. Tests start their own throw-away PostgreSQL cluster; nothing else is needed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
"$root/deploy/install-toolchain-deps.sh"
swift build --build-tests
swift test --skip-build "$@"
# The independent client: Python stubs generated from proto/ drive the built executables.
"$root/Tests/python/run.sh"
# End to end: the four executables as processes, the scripted day, a restart in the middle.
"$root/Tests/e2e/run.sh"
