#!/usr/bin/env bash
# Creates (or updates) the Secrets one deployment's services read, in its namespace, from
# the operator's files, and fills the neighbours' public keys into the overlay's network
# file. Nothing secret is kept in the repository: the manifests only name these Secrets
# (deploy/README.md, "Kubernetes").
#
#   deploy/kubernetes/create-secrets.sh --namespace hualong-district --from DIR \
#     [--network deploy/kubernetes/overlays/district/network.json] [--dry-run]
#
# DIR holds what `hallctl keys …` and `hallctl token mint` wrote (the authority's ca.key
# and the signing.key stay off the cluster, and need not be in DIR):
#   ca.pem                        the network's certificate authority (the    -> hall-ca
#                                   city's, which issues every deployment's certificates)
#   signing.pub                   the deployment's token public key         -> hall-token-public-key
#   catalog.pem, catalog.key      each service's certificate and key,       -> hall-<service>-tls
#   intake.pem, …                   issued for <service> and <service>.<namespace>.svc
#   intake.token, rating.token,   the `service` tokens of the services that -> hall-<service>-token
#   supervision.token               follow feeds
#   link.token                    the deployment's `district_link` token,   -> hall-link-token
#                                   which its links show its neighbours
#   hall_<service>.password       each service's database password          -> hall-<service>-db
#                                   (made here, random, when missing; CloudNativePG sets the
#                                   role's password from the same Secret)
#   <neighbour>.pub               with --network: each neighbour's signing.pub, e.g.
#                                   puyang-city.pub in a district's DIR
#
# --network FILE replaces, in FILE (the overlay's network.json, applied with it), each
# placeholder "FILL-ME: signing.pub of <neighbour>" with DIR/<neighbour>.pub; a key already
# filled is left alone. It writes FILE even with --dry-run: the file is the overlay's, not
# the cluster's.
#
# --dry-run prints the Secrets as YAML instead of applying them. Applied with server-side
# apply, so no copy of a value lands in a last-applied annotation.
set -euo pipefail

namespace="" dir="" network="" dry_run=false
while [ $# -gt 0 ]; do
  case "$1" in
    --namespace) namespace=${2:?}; shift 2 ;;
    --from) dir=${2:?}; shift 2 ;;
    --network) network=${2:?}; shift 2 ;;
    --dry-run) dry_run=true; shift ;;
    -h | --help) sed -n '2,35p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
[ -n "$namespace" ] && [ -n "$dir" ] ||
  { echo "usage: $0 --namespace NS --from DIR [--network FILE] [--dry-run]" >&2; exit 2; }

services=(catalog intake rating supervision)
followers=(intake rating supervision) # the services that hold a service token

missing=()
need() { [ -r "$dir/$1" ] || missing+=("$1"); }
need ca.pem
need signing.pub
for s in "${services[@]}"; do need "$s.pem"; need "$s.key"; done
for s in "${followers[@]}"; do need "$s.token"; done
need link.token # the overlays link every deployment to its neighbours
# The neighbours whose keys FILE still lacks: "FILL-ME: signing.pub of <name>".
placeholder="FILL-ME: signing.pub of "
neighbours=()
if [ -n "$network" ]; then
  [ -w "$network" ] || { echo "--network $network: no such file, or not writable" >&2; exit 1; }
  while read -r n; do neighbours+=("$n"); done < <(grep -o "\"$placeholder[a-z0-9-]*\"" \
    "$network" | sed "s/^\"$placeholder//; s/\"\$//" | sort -u)
  for n in ${neighbours[@]+"${neighbours[@]}"}; do need "$n.pub"; done
fi
if [ "${#missing[@]}" -gt 0 ]; then
  echo "missing in $dir: ${missing[*]} (deploy/README.md says how to make them)" >&2
  exit 1
fi

# A consumer checks its producer's certificate against the name it dials (HALL_<S>_ADDR =
# <service>:<port>): a certificate without that name would be refused at the first call.
if command -v openssl >/dev/null; then
  for s in "${services[@]}"; do
    names=$(openssl x509 -in "$dir/$s.pem" -noout -ext subjectAltName 2>/dev/null || true)
    for host in "$s" "$s.$namespace.svc"; do
      grep -Eq "DNS:$host(,|\$)" <<<"$names" || {
        echo "$dir/$s.pem does not name $host: issue it with" \
          "hallctl keys certificate --authority … --name $s --host $s.$namespace.svc --host $s" >&2
        exit 1
      }
    done
  done
fi

# A neighbour's key as `hallctl keys generate` writes signing.pub: base64 of 32 bytes (Ed25519).
for n in ${neighbours[@]+"${neighbours[@]}"}; do
  key=$(tr -d ' \n\r' <"$dir/$n.pub")
  if ! [[ "$key" =~ ^[A-Za-z0-9+/]{43}=$ ]]; then
    echo "$dir/$n.pub is not a signing.pub (base64 of an Ed25519 key): ask $n for theirs" >&2
    exit 1
  fi
  sed "s|\"$placeholder$n\"|\"$key\"|" "$network" >"$network.filling"
  cat "$network.filling" >"$network" && rm "$network.filling"
  echo "filled the key of $n into $network" >&2
done

umask 077
for s in "${services[@]}"; do
  file="$dir/hall_$s.password"
  if [ ! -s "$file" ]; then
    head -c 30 /dev/urandom | base64 | tr '+/' '-_' | tr -d '\n' >"$file"
    echo "made $file" >&2
  fi
done

# One Secret as YAML, labelled; kubectl neither needs nor reads a cluster for this.
secret() { # [--label KEY=VALUE] kind name args…
  local labels=(app.kubernetes.io/part-of=hall)
  if [ "$1" = --label ]; then labels+=("$2"); shift 2; fi
  local kind=$1 name=$2
  shift 2
  echo "---"
  kubectl create secret "$kind" "$name" --namespace "$namespace" "$@" \
    --dry-run=client -o yaml |
    kubectl label --local -f - -o yaml "${labels[@]}"
}

render() {
  secret generic hall-ca --from-file=ca.crt="$dir/ca.pem"
  secret generic hall-token-public-key --from-file=signing.pub="$dir/signing.pub"
  for s in "${services[@]}"; do
    secret tls "hall-$s-tls" --cert="$dir/$s.pem" --key="$dir/$s.key"
    # basic-auth with the role's name, as CloudNativePG's managed roles want it; the label
    # makes the operator apply a changed password.
    secret --label cnpg.io/reload=true generic "hall-$s-db" --type=kubernetes.io/basic-auth \
      --from-literal=username="hall_$s" --from-file=password="$dir/hall_$s.password"
  done
  for s in "${followers[@]}"; do
    secret generic "hall-$s-token" --from-file=token="$dir/$s.token"
  done
  secret generic hall-link-token --from-file=token="$dir/link.token"
}

if $dry_run; then
  render
else
  render | kubectl apply --server-side --field-manager=hall-create-secrets --force-conflicts -f -
  echo "Secrets of $namespace are in place; pods read renewed certificates within" \
    "HALL_TLS_RELOAD_SECONDS, other changes at their next start (deploy/README.md)." >&2
fi
