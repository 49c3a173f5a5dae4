#!/usr/bin/env bash
# The offline check of the deployment files, one line per check; exits non-zero when any
# fails. deploy/test.sh runs it; it needs no cluster, no container engine and no build.
#
#   deploy/check-deploy-files.sh
#
# - Kubernetes: renders the base and each overlay with `kubectl kustomize` (kubectl from
#   Debian's kubernetes-client when there is none), renders the Secrets of create-secrets.sh
#   from throw-away files, and checks the lot with deploy/kubernetes/check-manifests.py:
#   Kubernetes' JSON schemas (kubernetes-validate, strict, 1.30 and 1.37), CloudNativePG's
#   Cluster, the ServiceMonitor, the alert rules' PromQL (promql-parser), references, ports,
#   the HTTP probes on the metrics port, security contexts, the network policies against
#   the feed graph and the links between the city and its district (each overlay's
#   network.json), the network file, link token and pools of the services that link, and
#   the telemetry ConfigMap (hall-telemetry) with the way to the OpenTelemetry collector.
#   create-secrets.sh --network is tried on a copy of the district's network.json.
# - systemd: `systemd-analyze verify` and `systemd-analyze security --offline` on
#   hall@<service> for each service, on copies in a temporary folder whose executables are
#   /bin/true (verify refuses a unit whose ExecStart= does not exist, and the services are
#   not installed here); any message from verify fails the check. The example env files.
# - Containerfile: the products it builds exist in Package.swift, and its Swift version is
#   the toolchain's.
#
# The Python tools live in a venv kept outside the repository
# ($HALL_DEPLOY_CHECK_VENV, default ~/.cache/hall/deploy-check-venv): made once (about a
# minute), reused after, thrown away and remade when its pinned versions change.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
deploy="$root/deploy"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
ok() { printf 'ok    %s\n' "$1"; }
fail() { printf 'FAIL  %s\n' "$1"; failures=$((failures + 1)); }
skip() { printf 'SKIP  %s\n' "$1"; }
loud() { # a step that cannot run here: said so, and counted neither way
  printf '\n!!!!!! SKIPPED: %s\n\n' "$1" >&2
  skip "$1"
}
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_install() { # package: install it from Debian's archive if it has a candidate
  local candidate
  candidate=$(apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ {print $2}')
  if [ -z "$candidate" ] || [ "$candidate" = "(none)" ]; then
    as_root apt-get update -qq >/dev/null 2>&1 || true
    candidate=$(apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ {print $2}')
  fi
  [ -n "$candidate" ] && [ "$candidate" != "(none)" ] || return 1
  echo "installing $1 $candidate from Debian's packages" >&2
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "$1" \
    >/dev/null
}

# ---------------------------------------------------------------- tools
if ! command -v kubectl >/dev/null; then
  apt_install kubernetes-client || true
fi
have_kubectl=false
if command -v kubectl >/dev/null; then
  have_kubectl=true
  ok "kubectl $(kubectl version --client 2>/dev/null | head -1 | sed 's/^Client Version: //;s/version.Info{Major:"\([0-9]*\)", Minor:"\([0-9]*\)".*/v\1.\2/')"
else
  loud "no kubectl and none in Debian's archive: the Kubernetes files are NOT checked"
fi

venv=${HALL_DEPLOY_CHECK_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/hall/deploy-check-venv}
requirements="kubernetes-validate==1.37.0 promql-parser==0.11.0"
have_python=false
if [ -x "$venv/bin/python" ] && [ "$(cat "$venv/requirements" 2>/dev/null)" = "$requirements" ]; then
  have_python=true
else
  rm -rf "$venv"
  if ! python3 -c "import ensurepip, venv" >/dev/null 2>&1; then
    apt_install python3-venv || true
  fi
  # shellcheck disable=SC2086 # the list is word-split on purpose
  if python3 -m venv "$venv" >"$tmp/venv.log" 2>&1 &&
    "$venv/bin/pip" install -q --disable-pip-version-check $requirements >>"$tmp/venv.log" 2>&1; then
    echo "$requirements" >"$venv/requirements"
    have_python=true
  else
    cat "$tmp/venv.log" >&2
    rm -rf "$venv"
    fail "a venv with $requirements (from PyPI)"
  fi
fi
$have_python && ok "python tools: $requirements ($venv)"

# ---------------------------------------------------------------- Kubernetes
k8s="$deploy/kubernetes"
render() { # label dir out
  if kubectl kustomize "$2" >"$3" 2>"$tmp/render.err"; then
    ok "render $1 ($(grep -c '^kind:' "$3") objects)"
  else
    fail "render $1: $(grep -v '^# Warning' "$tmp/render.err" | head -3)"
    return 1
  fi
}
if $have_kubectl; then
  args=()
  render base "$k8s/base" "$tmp/base.yaml" && args+=(--base "$tmp/base.yaml")
  for overlay in city:puyang-city:410900:city district:hualong-district:410902:district; do
    IFS=: read -r name namespace region level <<<"$overlay"
    render "overlays/$name" "$k8s/overlays/$name" "$tmp/$name.yaml" &&
      args+=(--overlay "$name=$namespace:$region:$level:$tmp/$name.yaml")
  done

  # The Secrets, from throw-away files shaped as hallctl makes them (openssl stands in for
  # `hallctl keys`, which is not built here).
  keys="$tmp/keys"
  mkdir -p "$keys"
  if command -v openssl >/dev/null &&
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 \
      -subj /CN=check-ca -keyout "$keys/ca.key" -out "$keys/ca.pem" >/dev/null 2>&1; then
    for s in catalog intake rating supervision; do
      openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$s" \
        -keyout "$keys/$s.key" -out "$keys/$s.csr" >/dev/null 2>&1
      printf 'subjectAltName=DNS:%s.hualong-district.svc,DNS:%s\n' "$s" "$s" >"$keys/$s.ext"
      openssl x509 -req -in "$keys/$s.csr" -CA "$keys/ca.pem" -CAkey "$keys/ca.key" \
        -CAcreateserial -days 1 -extfile "$keys/$s.ext" -out "$keys/$s.pem" >/dev/null 2>&1
      echo "token-of-$s" >"$keys/$s.token"
    done
    echo "cHVibGljLWtleQ==" >"$keys/signing.pub"
    echo "token-of-the-link" >"$keys/link.token"
    # The city's key, as `hallctl keys generate` writes signing.pub: base64 of 32 bytes.
    head -c 32 /dev/urandom | base64 >"$keys/puyang-city.pub"
    cp "$k8s/overlays/district/network.json" "$tmp/network.json"
    if "$k8s/create-secrets.sh" --namespace hualong-district --from "$keys" \
      --network "$tmp/network.json" --dry-run >"$tmp/secrets.yaml" 2>"$tmp/secrets.err"; then
      ok "create-secrets.sh --dry-run ($(grep -c '^kind: Secret' "$tmp/secrets.yaml") Secrets)"
      if ! grep -q 'FILL-ME' "$tmp/network.json" &&
        grep -qF "\"public_key\": \"$(cat "$keys/puyang-city.pub")\"" "$tmp/network.json"; then
        ok "create-secrets.sh --network fills the city's key into the district's network.json"
      else
        fail "create-secrets.sh --network left $(grep -o '"public_key": "[^"]*"' "$tmp/network.json")"
      fi
    else
      fail "create-secrets.sh --dry-run: $(head -3 "$tmp/secrets.err")"
    fi
  else
    fail "throw-away certificates for create-secrets.sh (openssl missing or failing)"
  fi

  if $have_python && [ -s "$tmp/secrets.yaml" ]; then
    "$venv/bin/python" "$k8s/check-manifests.py" --secrets "$tmp/secrets.yaml" "${args[@]}" \
      >"$tmp/manifests.out" 2>&1
    status=$?
    cat "$tmp/manifests.out"
    counted=$(grep -c '^FAIL' "$tmp/manifests.out")
    failures=$((failures + counted))
    if [ "$status" != 0 ] && [ "$counted" = 0 ]; then
      fail "check-manifests.py stopped (status $status) before its checks were done"
    fi
  elif ! $have_python; then
    fail "manifests not validated: no Python tools"
  fi
fi

# ---------------------------------------------------------------- systemd
systemd="$deploy/systemd"
if ! command -v systemd-analyze >/dev/null; then
  apt_install systemd || true
fi
if command -v systemd-analyze >/dev/null; then
  units="$tmp/units"
  mkdir -p "$units"
  sed 's|/usr/local/bin/hall-%i|/bin/true|g' "$systemd/hall@.service" >"$units/hall@.service"
  cp "$systemd/hall.target" "$units/"
  for s in catalog intake rating supervision; do
    ln -s hall@.service "$units/hall@$s.service"
  done
  for unit in hall@catalog.service hall@intake.service hall@rating.service \
    hall@supervision.service hall.target; do
    if (cd "$units" && systemd-analyze verify "$units/$unit") >"$tmp/verify.out" 2>&1 &&
      [ ! -s "$tmp/verify.out" ]; then
      ok "systemd-analyze verify $unit"
    else
      fail "systemd-analyze verify $unit: $(head -3 "$tmp/verify.out" | tr '\n' ' ')"
    fi
  done
  if systemd-analyze security --help 2>/dev/null | grep -q -- '--offline'; then
    for s in catalog intake rating supervision; do
      # The threshold is on systemd's 0-100 scale; it prints tenths (2.0 here).
      if (cd "$units" && systemd-analyze security --offline=true --threshold=20 \
        "$units/hall@$s.service") >"$tmp/security.out" 2>&1; then
        ok "systemd-analyze security hall@$s.service: $(grep -o 'exposure level.*' \
          "$tmp/security.out" | sed 's/ for [^:]*//')"
      else
        fail "systemd-analyze security hall@$s.service: $(tail -1 "$tmp/security.out")"
      fi
    done
  else
    skip "systemd-analyze security --offline (this systemd is older than 252)"
  fi
else
  loud "no systemd-analyze and no systemd in Debian's archive: the units are NOT verified"
fi
# The example env files: KEY=VALUE lines, the service's own ports, nothing the unit sets.
for s in catalog intake rating supervision; do
  file="$systemd/$s.env.example"
  problems=""
  [ -f "$file" ] || problems="missing"
  if [ -z "$problems" ]; then
    bad=$(grep -vnE '^(#.*|[A-Z][A-Z0-9_]*=.*|)$' "$file" | head -1)
    [ -z "$bad" ] || problems="not KEY=VALUE: $bad"
    grep -qE '^HALL_(DB_PASSWORD|TOKEN_PUBLIC_KEY)_FILE=' "$file" &&
      problems="$problems sets a file the unit sets"
    port=$(sed -n 's/^HALL_LISTEN_PORT=//p' "$file")
    case "$s" in catalog) want=50051 ;; intake) want=50052 ;; rating) want=50053 ;; *) want=50054 ;; esac
    [ "$port" = "$want" ] || problems="$problems HALL_LISTEN_PORT=$port, not $want"
    token=$(grep -c '^HALL_SERVICE_TOKEN_FILE=' "$file")
    [ "$s" = catalog ] && [ "$token" != 0 ] && problems="$problems catalog follows no feed"
    [ "$s" != catalog ] && [ "$token" = 0 ] && problems="$problems no HALL_SERVICE_TOKEN_FILE"
    # The network settings, commented (a hall outside a network needs none): the level on
    # every service, the link token, as a credential of the unit, on the services that
    # follow a neighbour (a district's catalog and intake, a city's intake and supervision).
    grep -qE '^#?HALL_LEVEL=(city|district)$' "$file" || problems="$problems no HALL_LEVEL"
    link=$(sed -nE 's/^#?HALL_LINK_TOKEN_FILE=//p' "$file")
    case "$s" in rating) want="" ;; *) want="/run/credentials/hall@$s.service/hall_link-token" ;; esac
    [ "$link" = "$want" ] || problems="$problems HALL_LINK_TOKEN_FILE=$link, not ${want:-unset}"
    [ "$s" = supervision ] || grep -qE '^#?HALL_NETWORK_FILE=/etc/hall/network.json$' "$file" ||
      problems="$problems no HALL_NETWORK_FILE"
  fi
  if [ -z "$problems" ]; then
    ok "systemd/$s.env.example"
  else
    fail "systemd/$s.env.example:$problems"
  fi
done

# The example network file: JSON of a parent and children, as the services read it.
if python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
assert set(d) <= {"parent", "children"} and (d.get("parent") or d.get("children"))
for e in [d.get("parent")] + d.get("children", []):
    assert e is None or {"name", "level", "region_code", "public_key", "addresses"} <= set(e)
' "$systemd/network.json.example" 2>/dev/null; then
  ok "systemd/network.json.example"
else
  fail "systemd/network.json.example: not a network file (parent, children; deploy/README.md)"
fi

# ---------------------------------------------------------------- Containerfile
containerfile="$deploy/container/Containerfile"
problems=""
for product in hall-catalog hall-intake hall-rating hall-supervision hallctl; do
  grep -q "\"$product\"" "$root/Package.swift" || problems="$problems $product is no product;"
  grep -q "$product" "$containerfile" || problems="$problems $product not built;"
done
[ -z "$problems" ] && ok "Containerfile builds hall-catalog, hall-intake, hall-rating, hall-supervision, hallctl" ||
  fail "Containerfile:$problems"
image_swift=$(sed -n 's/^ARG SWIFT_VERSION=//p' "$containerfile")
if command -v swift >/dev/null; then
  toolchain=$(swift --version 2>/dev/null | sed -n 's/.*Swift version \([0-9]*\.[0-9]*\).*/\1/p' | head -1)
  if [ -n "$image_swift" ] && [ "$image_swift" = "$toolchain" ]; then
    ok "Containerfile's builder is swift:$image_swift, the toolchain's version"
  else
    fail "Containerfile's builder is swift:$image_swift, the toolchain is $toolchain"
  fi
else
  skip "Containerfile's Swift version (no swift here to compare with)"
fi

if [ "$failures" -gt 0 ]; then
  echo "check-deploy-files: $failures check(s) failed" >&2
  exit 1
fi
echo "check-deploy-files: every check passed"
