#!/usr/bin/env bash
# Regenerates the Swift code for every contract in proto/ into Shared/Contracts/Generated.
# The generated code is committed, so ordinary builds never run protoc (building the
# plugins takes minutes). Run this after changing a .proto file.
#
# Uses protoc from Debian's protobuf-compiler (installed when missing) and the plugins
# built from the swift-protobuf and grpc-swift-protobuf versions pinned in Package.swift.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

if ! command -v protoc >/dev/null 2>&1; then
  echo "protoc missing: installing Debian's protobuf-compiler" >&2
  sudo_cmd=""; [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq && $sudo_cmd apt-get install -y -qq protobuf-compiler
fi
include_dir=/usr/include
[ -f "$include_dir/google/protobuf/timestamp.proto" ] || {
  echo "google/protobuf well-known types not found under $include_dir" >&2; exit 1; }

scratch="$root/.build"
swift build -c release --scratch-path "$scratch" --product protoc-gen-swift >&2
swift build -c release --scratch-path "$scratch" --product protoc-gen-grpc-swift-2 >&2
bin=$(swift build -c release --scratch-path "$scratch" --show-bin-path)

out="$root/Shared/Contracts/Generated"
rm -rf "$out"
mkdir -p "$out"
mapfile -t protos < <(cd proto && find . -name '*.proto' | sed 's|^\./||' | sort)
protoc \
  --proto_path=proto --proto_path="$include_dir" \
  --plugin=protoc-gen-swift="$bin/protoc-gen-swift" \
  --plugin=protoc-gen-grpc-swift-2="$bin/protoc-gen-grpc-swift-2" \
  --swift_out="$out" \
  --swift_opt=Visibility=Public,FileNaming=PathToUnderscores \
  --grpc-swift-2_out="$out" \
  --grpc-swift-2_opt=Visibility=Public,FileNaming=PathToUnderscores,Server=true,Client=true \
  "${protos[@]}"
echo "generated $(ls "$out" | wc -l) files into Shared/Contracts/Generated" >&2
