"""Checks rendered Kubernetes manifests of the hall, offline; one line per check.

Run by deploy/check-deploy-files.sh in a venv with kubernetes-validate (JSON schemas of
every Kubernetes release, bundled), PyYAML and promql-parser:

    python check-manifests.py --secrets SECRETS.yaml \
        --overlay city=puyang-city:410900:city:RENDERED.yaml … [--base RENDERED.yaml]

Built-in kinds are validated strictly (no unknown field) against the oldest and the newest
Kubernetes release the files are meant for; custom resources (CloudNativePG's Cluster,
prometheus-operator's ServiceMonitor and PrometheusRule) have no bundled schema and are
checked here for what the hall needs of them, as are the telemetry settings (hall-telemetry)
and the way to the OpenTelemetry collector. An overlay's network file (ConfigMap hall-network)
says which deployments it links to: the check then expects exactly those links, in its
NetworkPolicies, its services' settings and their pools, and the overlays checked together
to name each other alike. Exits 1 when any check fails.
"""

import argparse
import base64
import json
import re
import sys
import urllib.parse

import kubernetes_validate
import promql_parser
import yaml

KUBERNETES = ["1.30.0", "1.37.0"]
CUSTOM_KINDS = {"Cluster", "ServiceMonitor", "PrometheusRule"}
CLUSTER_SCOPED = {"Namespace"}

SERVICES = {"catalog": (50051, 9151), "intake": (50052, 9152), "rating": (50053, 9153),
            "supervision": (50054, 9154)}
# Who follows whose feed (ARCHITECTURE.md, and the FeedConsumers of each service).
FOLLOWS = {"catalog": [], "intake": ["catalog"], "rating": ["intake", "catalog", "supervision"],
           "supervision": ["catalog", "intake", "rating"]}
# A network of halls (deploy/README.md, "Linking a city and its districts"): what a service
# follows of a neighbour, by the neighbour's relation to this deployment (Catalog.swift,
# Intake.swift and Supervision.swift of each service). A district's catalog and intake follow
# the city's; a city's intake follows each district's intake, its supervision each district's
# intake and rating.
LINKS = {"parent": {"catalog": ["catalog"], "intake": ["intake"]},
         "child": {"intake": ["intake"], "supervision": ["intake", "rating"]}}
MIRROR = {"parent": "child", "child": "parent"}
LEVELS = ["province", "city", "district", "township"]  # higher first (DeploymentIdentity)
# What an overlay's network.json holds until a key is filled in (create-secrets.sh --network).
KEY_PLACEHOLDER = "FILL-ME: signing.pub of "
NETWORK_CONFIGMAP = ("hall-network", "network.json")
LINK_TOKEN_SECRET = ("hall-link-token", "token")
# The probes of every hall container: plain HTTP on the metrics port, since the gRPC listener
# speaks only TLS (deploy/README.md, "Probes"). probe -> (path, settings it must have).
PROBES = {"startupProbe": ("/readyz", {"periodSeconds": 5, "failureThreshold": 60}),
          "readinessProbe": ("/readyz", {"periodSeconds": 5, "failureThreshold": 2}),
          "livenessProbe": ("/healthz", {"periodSeconds": 20, "timeoutSeconds": 5,
                                         "failureThreshold": 3})}
# The OpenTelemetry collector the service containers export traces to (deploy/README.md,
# "Traces"): the namespace of its pods, their labels, and the samplers that keep a trace whole
# (a caller's sampled flag, and the one an event or a case kept, decide for every service).
COLLECTOR_NAMESPACE = "observability"
COLLECTOR_LABELS = {"app.kubernetes.io/name": "opentelemetry-collector"}
OTLP_GRPC_PORT = 4317
SAMPLERS = {"parentbased_always_on", "parentbased_always_off", "parentbased_traceidratio"}
# The metrics the alert rules must cover (deploy/README.md).
ALERTED_METRICS = ["hall_feed_lag_events", "hall_feed_lag_seconds", "grpc_server_handled_total",
                   "hall_supervision_cards_total"]

failures = 0


def report(ok, what, why=""):
    global failures
    if ok:
        print(f"ok    {what}")
    else:
        failures += 1
        print(f"FAIL  {what}: {why}")


def load(path):
    with open(path, encoding="utf-8") as f:
        return [doc for doc in yaml.safe_load_all(f) if doc is not None]


def key(doc):
    return f"{doc.get('kind')}/{doc.get('metadata', {}).get('name')}"


def check_parse(label, docs):
    bad = [str(i) for i, d in enumerate(docs)
           if not (isinstance(d, dict) and d.get("apiVersion") and d.get("kind")
                   and isinstance(d.get("metadata"), dict) and d["metadata"].get("name"))]
    report(not bad and docs, f"{label}: {len(docs)} objects, each with apiVersion, kind and "
           "metadata.name", f"documents {', '.join(bad) or '(none)'}")


def check_schema(label, docs, versions):
    errors, custom = [], set()
    for doc in docs:
        if doc["kind"] in CUSTOM_KINDS:
            custom.add(doc["kind"])
            continue
        for version in versions:
            try:
                kubernetes_validate.validate(doc, version, strict=True)
            except kubernetes_validate.ValidationError as e:
                path = ".".join(str(p) for p in e.path)
                errors.append(f"{key(doc)} against {version}: {path}: {e.message}")
            except kubernetes_validate.SchemaNotFoundError:
                errors.append(f"{key(doc)}: no schema for {doc['apiVersion']} in {version}")
    built_in = len(docs) - sum(1 for d in docs if d["kind"] in CUSTOM_KINDS)
    names = " and ".join(v.rsplit(".", 1)[0] for v in versions)
    report(not errors, f"{label}: {built_in} built-in objects valid against Kubernetes {names} "
           f"(strict); custom resources checked below ({', '.join(sorted(custom)) or 'none'})",
           "; ".join(errors[:5]))


def by_kind(docs, kind):
    return {d["metadata"]["name"]: d for d in docs if d["kind"] == kind}


def matches(selector, labels):
    """A LabelSelector (matchLabels, matchExpressions with In/NotIn/Exists) against labels."""
    if selector is None:
        return False
    for k, v in (selector.get("matchLabels") or {}).items():
        if labels.get(k) != v:
            return False
    for e in selector.get("matchExpressions") or []:
        op, k = e["operator"], e["key"]
        if op == "In" and labels.get(k) not in e["values"]:
            return False
        if op == "NotIn" and labels.get(k) in e["values"]:
            return False
        if op == "Exists" and k not in labels:
            return False
        if op == "DoesNotExist" and k in labels:
            return False
    return True


def volume_sources(volume):
    """(kind, source) for each Secret and ConfigMap a volume holds, projected or not."""
    sources = []
    for s in volume.get("projected", {}).get("sources", []):
        sources += [(kind, s[field]) for kind, field in (("Secret", "secret"),
                                                          ("ConfigMap", "configMap")) if field in s]
    if "secret" in volume:
        sources.append(("Secret", {"name": volume["secret"]["secretName"], **volume["secret"]}))
    if "configMap" in volume:
        sources.append(("ConfigMap", volume["configMap"]))
    return sources


def mounted_files(pod, container):
    """Path in the container -> (name, key, kind), for the Secrets and ConfigMaps its volumes
    hold."""
    volumes = {v["name"]: v for v in pod.get("volumes", [])}
    files = {}
    for mount in container.get("volumeMounts", []):
        for kind, src in volume_sources(volumes.get(mount["name"], {})):
            for item in src.get("items", []):
                files[f"{mount['mountPath']}/{item['path']}"] = (src["name"], item["key"], kind)
    return files


def env_of(container):
    return {e["name"]: e.get("value") for e in container.get("env") or []}


def region_contains(outer, inner):
    """RegionCode.contains: a division strictly inside another (a city's code ends in 00)."""
    def stem(code):
        if len(code) != 6:
            return code
        return code[:2] if code.endswith("0000") else code[:4] if code.endswith("00") else code
    return inner != outer and inner.startswith(stem(outer)) and len(stem(inner)) > len(stem(outer))


class Network:
    """What an overlay's network file says: its neighbours and the links they make."""

    def __init__(self):
        self.neighbours = []  # (relation, entry, namespace)
        self.egress = set()   # (service here, namespace there, service there)
        self.ingress = set()  # (namespace there, service there, service here)
        self.placeholders = []

    def namespaces(self):
        return sorted({ns for _, _, ns in self.neighbours})

    def follows(self, service):
        return len([1 for f, _, _ in self.egress if f == service])

    def readers(self):
        """The services that read the file: those that follow a neighbour, and those a
        neighbour follows (they check its token against the key the file gives)."""
        return {f for f, _, _ in self.egress} | {p for _, _, p in self.ingress}


def check_network(label, docs, namespace, level, region):
    """The network file (ConfigMap hall-network, key network.json), as NetworkFile.swift reads
    it, and what each neighbour's links need of it. None when the overlay links nothing."""
    name, file_key = NETWORK_CONFIGMAP
    maps = [c for n, c in by_kind(docs, "ConfigMap").items() if n.startswith(name)]
    if not maps:
        return None
    network, problems = Network(), []
    try:
        data = json.loads(maps[0].get("data", {}).get(file_key, ""))
        if not isinstance(data, dict) or set(data) - {"parent", "children"}:
            raise ValueError("not an object of parent and children")
        entries = ([("parent", data["parent"])] if data.get("parent") is not None else []) + \
            [("child", c) for c in data.get("children") or []]
    except ValueError as e:
        report(False, f"{label}: network file ({name}, {file_key})", str(e))
        return network
    if len(maps) != 1:
        problems.append(f"{len(maps)} {name} ConfigMaps")
    if not entries:
        problems.append("no neighbour")
    own = LEVELS.index(level) if level in LEVELS else -1
    for relation, e in entries:
        what = f"{relation} {e.get('name') if isinstance(e, dict) else e}"
        missing = [k for k in ("name", "level", "region_code", "public_key")
                   if not isinstance(e, dict) or not isinstance(e.get(k), str)]
        if missing:
            problems.append(f"{what} lacks {', '.join(missing)}")
            continue
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,62}", e["name"]) or e["name"] == namespace:
            problems.append(f"{what}: not another deployment's name")
        theirs = LEVELS.index(e["level"]) if e["level"] in LEVELS else -1
        if theirs < 0 or (theirs >= own if relation == "parent" else theirs <= own):
            problems.append(f"{what}: a {e['level']} cannot be the {relation} of a {level}")
        outer, inner = (e["region_code"], region) if relation == "parent" else \
            (region, e["region_code"])
        if not re.fullmatch(r"\d{6}|\d{9}", e["region_code"]) or not region_contains(outer, inner):
            problems.append(f"{what}: region {e['region_code']} is not "
                            f"{'around' if relation == 'parent' else 'inside'} {region}")
        key_text = e["public_key"]
        if key_text == KEY_PLACEHOLDER + e["name"]:
            network.placeholders.append(e["name"])
        else:
            try:
                if len(base64.b64decode(key_text, validate=True)) != 32:
                    raise ValueError
            except ValueError:
                problems.append(f"{what}: public_key is neither an Ed25519 key (base64) nor "
                                f"the placeholder \"{KEY_PLACEHOLDER}{e['name']}\"")
        # Its addresses: exactly the services this deployment follows there, each by its
        # Service in the neighbour's namespace, on the service's gRPC port.
        wanted = sorted({p for ps in LINKS[relation].values() for p in ps})
        addresses = e.get("addresses") or {}
        if sorted(addresses) != wanted:
            problems.append(f"{what}: addresses of {sorted(addresses)}, not {wanted}")
        spaces = set()
        for service, address in addresses.items():
            m = re.fullmatch(r"([a-z]+)\.([a-z0-9-]+)\.svc(?:\.cluster\.local)?:(\d+)", address)
            if not m or m[1] != service or service not in SERVICES \
                    or int(m[3]) != SERVICES[service][0]:
                problems.append(f"{what}: {service} at {address}, not "
                                f"{service}.<namespace>.svc:{SERVICES.get(service, ('?',))[0]}")
                continue
            spaces.add(m[2])
        if len(spaces) > 1:
            problems.append(f"{what}: addresses in several namespaces {sorted(spaces)}")
        there = next(iter(spaces), e["name"])
        network.neighbours.append((relation, e, there))
        for f, producers in LINKS[relation].items():
            network.egress |= {(f, there, p) for p in producers}
        for f, producers in LINKS[MIRROR[relation]].items():
            network.ingress |= {(there, f, p) for p in producers}
    names = [e.get("name") for _, e, _ in network.neighbours]
    if len(set(names)) != len(names):
        problems.append("a neighbour named twice")
    said = "; ".join(f"{r} {e['name']} ({e['level']}, {e['region_code']}, in {ns}: "
                     f"{', '.join(sorted(e.get('addresses') or {}))})"
                     for r, e, ns in network.neighbours)
    keys = (f"{len(network.placeholders)} public key(s) to fill before applying "
            "(create-secrets.sh --network)") if network.placeholders else "public keys filled"
    report(not problems, f"{label}: network file ({name}, {file_key}): {said}; {keys}",
           "; ".join(problems[:5]))
    return network


def check_links(label, docs, network, data):
    """HALL_NETWORK_FILE and HALL_LINK_TOKEN_FILE on exactly the services that link, from the
    ConfigMap and the Secret; each pool big enough for the feeds its service follows, and the
    pools of every pod a rollout may run within the database's max_connections."""
    deployments = by_kind(docs, "Deployment")
    readers = network.readers() if network else set()
    linkers = {f for f, _, _ in network.egress} if network else set()
    problems, pools = [], {}
    for s in SERVICES:
        d = deployments.get(f"hall-{s}")
        if d is None:
            continue
        pod = d["spec"]["template"]["spec"]
        for c in pod.get("containers", []) + pod.get("initContainers", []):
            main = c["name"] == s
            env, files = env_of(c), mounted_files(pod, c)
            for var, want, (source, key_) in (
                    ("HALL_NETWORK_FILE", main and s in readers, NETWORK_CONFIGMAP),
                    ("HALL_LINK_TOKEN_FILE", main and s in linkers, LINK_TOKEN_SECRET)):
                value = env.get(var, data.get(var))
                if not want:
                    if value is not None:
                        problems.append(f"hall-{s}/{c['name']} sets {var}, which it does not use")
                    continue
                mounted = files.get(value)
                if value is None:
                    problems.append(f"hall-{s}: no {var}")
                elif mounted is None or not mounted[0].startswith(source) or mounted[1] != key_:
                    problems.append(f"hall-{s}: {var}={value} is not {key_} of {source}")
            if main:
                try:
                    pools[s] = int(env.get("HALL_DB_MAX_CONNECTIONS",
                                           data.get("HALL_DB_MAX_CONNECTIONS", "20")))
                except ValueError:
                    problems.append(f"hall-{s}: HALL_DB_MAX_CONNECTIONS is not a number")
    # ServiceApp.checkPoolSize: each feed consumer holds a connection and applies with another.
    needs = {s: 2 * (len(FOLLOWS[s]) + (network.follows(s) if network else 0)) + 3
             for s in SERVICES}
    problems += [f"hall-{s}: HALL_DB_MAX_CONNECTIONS {pools[s]} < {needs[s]} (2 x feeds + 3)"
                 for s in pools if pools[s] < needs[s]]
    clusters = list(by_kind(docs, "Cluster").values())
    limit = int(((clusters[0]["spec"].get("postgresql") or {}).get("parameters") or {})
                .get("max_connections", "100")) if clusters else 0
    total = 0
    for s, pool in pools.items():
        spec = deployments[f"hall-{s}"]["spec"]
        surge = spec.get("strategy", {}).get("rollingUpdate", {}).get("maxSurge", 1)
        total += pool * (spec.get("replicas", 1) + (surge if isinstance(surge, int) else 1))
    if total > limit:
        problems.append(f"the pools of the pods a rollout may run hold {total} connections, "
                        f"above max_connections {limit}")
    sized = ", ".join(f"{s} {pools.get(s)} >= {needs[s]}" for s in SERVICES)
    report(not problems, f"{label}: HALL_NETWORK_FILE on {', '.join(sorted(readers)) or 'none'} "
           f"({NETWORK_CONFIGMAP[0]}), HALL_LINK_TOKEN_FILE on {', '.join(sorted(linkers)) or 'none'}"
           f" ({LINK_TOKEN_SECRET[0]}), nowhere else; pools hold their feeds ({sized}) and, "
           f"in a rollout, {total} of max_connections {limit}", "; ".join(problems[:5]))


def check_overlay(label, docs, namespace, deployment, region, level, secrets, network):
    configmaps = by_kind(docs, "ConfigMap")
    deployments = by_kind(docs, "Deployment")
    services = by_kind(docs, "Service")
    pdbs = by_kind(docs, "PodDisruptionBudget")
    policies = by_kind(docs, "NetworkPolicy")

    # Namespace.
    wrong = [key(d) for d in docs if d["kind"] not in CLUSTER_SCOPED
             and d["metadata"].get("namespace") != namespace]
    has_ns = any(d["kind"] == "Namespace" and d["metadata"]["name"] == namespace for d in docs)
    report(not wrong and has_ns, f"{label}: every object in the namespace {namespace}, which it "
           "creates", f"outside: {', '.join(wrong[:5])}" if wrong else "no Namespace object")

    # Settings.
    config = next((c for n, c in configmaps.items() if n.startswith("hall-config")), None)
    data = (config or {}).get("data", {})
    problems = []
    if data.get("HALL_DEPLOYMENT") != deployment:
        problems.append(f"HALL_DEPLOYMENT={data.get('HALL_DEPLOYMENT')}")
    if data.get("HALL_REGION_CODE") != region:
        problems.append(f"HALL_REGION_CODE={data.get('HALL_REGION_CODE')}")
    if data.get("HALL_LEVEL") != level:
        problems.append(f"HALL_LEVEL={data.get('HALL_LEVEL')}")
    problems += [f"{k} is a placeholder" for k, v in data.items() if "CHANGE-ME" in str(v)]
    report(config is not None and not problems,
           f"{label}: hall-config says HALL_DEPLOYMENT={deployment}, HALL_REGION_CODE={region}, "
           f"HALL_LEVEL={level}",
           "; ".join(problems) or "no hall-config ConfigMap")
    drain = int(data.get("HALL_DRAIN_SECONDS", "10"))
    # Made by CloudNativePG for its cluster, not by create-secrets.sh: name -> keys.
    operator_secrets = {f"{n}-ca": {"ca.crt"} for n in by_kind(docs, "Cluster")}

    # The database: the CloudNativePG cluster and what the services are told of it.
    clusters = by_kind(docs, "Cluster")
    problems = []
    cluster = next(iter(clusters.values()), None)
    if cluster is None or len(clusters) != 1:
        problems.append(f"{len(clusters)} Cluster objects")
    else:
        name, spec = cluster["metadata"]["name"], cluster["spec"]
        if not cluster["apiVersion"].startswith("postgresql.cnpg.io/"):
            problems.append(f"apiVersion {cluster['apiVersion']}")
        if spec.get("instances") != 3:
            problems.append(f"instances {spec.get('instances')}")
        initdb = spec.get("bootstrap", {}).get("initdb", {})
        if initdb.get("database") != data.get("HALL_DB_NAME", "hall"):
            problems.append(f"bootstrap database {initdb.get('database')}")
        sql = "\n".join(initdb.get("postInitApplicationSQL") or [])
        roles = {r["name"]: r for r in spec.get("managed", {}).get("roles") or []}
        for s in SERVICES:
            role = roles.get(f"hall_{s}")
            if not role or not role.get("login") or role.get("ensure", "present") != "present":
                problems.append(f"managed role hall_{s} missing or without login")
            elif role.get("passwordSecret", {}).get("name") not in secrets:
                problems.append(f"hall_{s}'s passwordSecret is not made by create-secrets.sh")
            if not re.search(rf"CREATE SCHEMA {s} AUTHORIZATION hall_{s}\b", sql):
                problems.append(f"no schema {s} owned by hall_{s}")
            if not re.search(rf"ALTER ROLE hall_{s} .*SET search_path = {s}\b", sql):
                problems.append(f"no search_path for hall_{s}")
        if data.get("HALL_DB_HOST") != f"{name}-rw":
            problems.append(f"HALL_DB_HOST={data.get('HALL_DB_HOST')}, not {name}-rw")
        if data.get("HALL_DB_TLS") != "verify-full":
            problems.append(f"HALL_DB_TLS={data.get('HALL_DB_TLS')}")
    report(not problems, f"{label}: PostgreSQL is a CloudNativePG cluster of 3 with the database "
           "hall and a login role owning each schema; services use <cluster>-rw, verify-full",
           "; ".join(problems))

    # The Deployments.
    images = set()
    for s, (grpc, metrics) in SERVICES.items():
        name = f"hall-{s}"
        d = deployments.get(name)
        problems = []
        if d is None:
            report(False, f"{label}: Deployment {name}", "missing")
            continue
        spec, pod = d["spec"], d["spec"]["template"]["spec"]
        if spec.get("replicas") != 2:
            problems.append(f"replicas {spec.get('replicas')}")
        containers = pod.get("containers", [])
        inits = pod.get("initContainers", [])
        main = next((c for c in containers if c["name"] == s), None)
        if main is None:
            report(False, f"{label}: Deployment {name}", f"no container named {s}")
            continue
        if main.get("command") != [f"/usr/local/bin/{name}"]:
            problems.append(f"command {main.get('command')}")
        if not any(c.get("command") == [f"/usr/local/bin/{name}", "--migrate-only"]
                   for c in inits):
            problems.append("no initContainer running --migrate-only")
        ports = {p["name"]: p["containerPort"] for p in main.get("ports", [])}
        if ports != {"grpc": grpc, "metrics": metrics}:
            problems.append(f"ports {ports}")
        env = env_of(main)
        if env.get("HALL_LISTEN_PORT") != str(grpc) or env.get("HALL_METRICS_PORT") != str(metrics):
            problems.append("HALL_LISTEN_PORT/HALL_METRICS_PORT differ from the ports")
        if bool(FOLLOWS[s]) != ("HALL_SERVICE_TOKEN_FILE" in env):
            problems.append("HALL_SERVICE_TOKEN_FILE set for a service that follows no feed, or "
                            "missing for one that does")
        # Every HALL_*_FILE setting names a file a mounted Secret provides; the database's
        # authority is the one CloudNativePG made for the cluster.
        files = mounted_files(pod, main)
        settings = {**data, **env}
        for k, v in settings.items():
            if k.endswith("_FILE") and v not in files:
                problems.append(f"{k}={v} is not a mounted Secret's or ConfigMap's file")
        if files.get(settings.get("HALL_DB_CA_FILE"), ("",))[0] not in operator_secrets:
            problems.append("HALL_DB_CA_FILE is not the CloudNativePG cluster's ca.crt")
        pod_security = pod.get("securityContext", {})
        if not pod_security.get("runAsNonRoot"):
            problems.append("pod not runAsNonRoot")
        for c in containers + inits:
            images.add(c.get("image"))
            sc = c.get("securityContext", {})
            seccomp = sc.get("seccompProfile", pod_security.get("seccompProfile", {}))
            if not (sc.get("readOnlyRootFilesystem") and sc.get("allowPrivilegeEscalation") is False
                    and sc.get("capabilities", {}).get("drop") == ["ALL"]
                    and seccomp.get("type") == "RuntimeDefault"):
                problems.append(f"container {c['name']}: securityContext not locked down")
            resources = c.get("resources", {})
            if not (resources.get("requests", {}).get("memory")
                    and resources.get("requests", {}).get("cpu")
                    and resources.get("limits", {}).get("memory")):
                problems.append(f"container {c['name']}: no cpu/memory requests or memory limit")
        pre_stop = main.get("lifecycle", {}).get("preStop", {}).get("exec", {}).get("command", [])
        pause = int(pre_stop[-1]) if pre_stop and pre_stop[-1].isdigit() else 0
        grace = pod.get("terminationGracePeriodSeconds", 30)
        if grace <= pause + drain + 5:
            problems.append(f"terminationGracePeriodSeconds {grace} <= preStop {pause} + drain "
                            f"{drain} + 5")
        if pod.get("automountServiceAccountToken") is not False:
            problems.append("service account token mounted")
        report(not problems, f"{label}: Deployment {name}: 2 replicas, migrations first, "
               f"resources, locked-down securityContext, every HALL_*_FILE mounted, grace {grace}s > {pause}+{drain}+5 s",
               "; ".join(problems))

        # Its Service and PDB select its pods and carry both ports.
        labels = d["spec"]["template"]["metadata"]["labels"]
        svc = services.get(s)
        problems = []
        if svc is None:
            problems.append(f"no Service {s}")
        else:
            if not matches({"matchLabels": svc["spec"].get("selector")}, labels):
                problems.append("Service selector misses the pods")
            sp = {p["name"]: (p["port"], p.get("targetPort")) for p in svc["spec"]["ports"]}
            if sp != {"grpc": (grpc, "grpc"), "metrics": (metrics, "metrics")}:
                problems.append(f"Service ports {sp}")
        pdb = pdbs.get(name)
        if pdb is None or pdb["spec"].get("minAvailable") != 1 \
                or not matches(pdb["spec"].get("selector"), labels):
            problems.append("no PodDisruptionBudget with minAvailable 1 over the pods")
        report(not problems, f"{label}: Service {s} (grpc {grpc}, metrics {metrics}) and "
               f"PodDisruptionBudget {name} select its pods", "; ".join(problems))

    # One image for every container, set by the overlay.
    report(len(images) == 1 and "hall:latest" not in images,
           f"{label}: every container runs one image, set by the overlay ({', '.join(images)})",
           f"images {sorted(map(str, images))}")

    # Every Secret and ConfigMap a pod or the cluster names exists.
    missing = set()
    for d in deployments.values():
        pod = d["spec"]["template"]["spec"]
        for c in pod.get("containers", []) + pod.get("initContainers", []):
            for ref in c.get("envFrom", []):
                if "configMapRef" in ref and ref["configMapRef"]["name"] not in configmaps:
                    missing.add(f"ConfigMap {ref['configMapRef']['name']}")
        for v in pod.get("volumes", []):
            for kind, src in volume_sources(v):
                if kind == "ConfigMap":
                    keys = set(configmaps.get(src["name"], {}).get("data", {})) \
                        if src["name"] in configmaps else None
                else:
                    keys = secrets.get(src["name"], operator_secrets.get(src["name"]))
                if keys is None:
                    missing.add(f"{kind} {src['name']}")
                    continue
                for item in src.get("items", []):
                    if item["key"] not in keys:
                        missing.add(f"key {item['key']} of {kind} {src['name']}")
    report(not missing, f"{label}: every Secret and ConfigMap the pods mount exists "
           "(create-secrets.sh, the render, or CloudNativePG)", ", ".join(sorted(missing)))

    # Network policies: exactly the feed links, clients and Prometheus in, DNS and PostgreSQL out.
    pods = {s: deployments[f"hall-{s}"]["spec"]["template"]["metadata"]["labels"]
            for s in SERVICES if f"hall-{s}" in deployments}
    db_labels = {"cnpg.io/cluster": (cluster or {}).get("metadata", {}).get("name", "")}
    covering = lambda labels, kind: [p for p in policies.values()  # noqa: E731
                                     if kind in p["spec"].get("policyTypes", [])
                                     and matches(p["spec"]["podSelector"], labels)]

    def port_ok(rule_ports, number, name):
        return not rule_ports or any(p.get("port") in (number, name) for p in rule_ports)

    def ingress_allows(dst_labels, src_labels, number, name, namespace_label=None):
        for p in covering(dst_labels, "Ingress"):
            for rule in p["spec"].get("ingress", []):
                if not port_ok(rule.get("ports"), number, name):
                    continue
                for peer in rule.get("from", []):
                    if namespace_label is not None:
                        if "namespaceSelector" in peer and "podSelector" not in peer \
                                and matches(peer["namespaceSelector"], namespace_label):
                            return True
                    elif "namespaceSelector" not in peer and "ipBlock" not in peer \
                            and matches(peer.get("podSelector"), src_labels):
                        return True
        return False

    def egress_allows(src, dst_labels, number):
        for p in covering(pods[src], "Egress"):
            for rule in p["spec"].get("egress", []):
                if not port_ok(rule.get("ports"), number, None):
                    continue
                for peer in rule.get("to", []):
                    if "namespaceSelector" not in peer and "ipBlock" not in peer \
                            and matches(peer.get("podSelector"), dst_labels):
                        return True
        return False

    # Across namespaces: a peer with a namespaceSelector, and a podSelector or none (every pod
    # there). Tried against the neighbours' namespaces and one no policy should admit.
    def across(peer, ns, labels):
        return "namespaceSelector" in peer and "ipBlock" not in peer \
            and matches(peer["namespaceSelector"], {"kubernetes.io/metadata.name": ns}) \
            and ("podSelector" not in peer or matches(peer["podSelector"], labels))

    def ingress_across(dst_labels, ns, src_labels, number):
        return any(port_ok(rule.get("ports"), number, "grpc")
                   and any(across(peer, ns, src_labels) for peer in rule.get("from", []))
                   for p in covering(dst_labels, "Ingress") for rule in p["spec"].get("ingress", []))

    def egress_across(src, ns, dst_labels, number):
        return any(port_ok(rule.get("ports"), number, None)
                   and any(across(peer, ns, dst_labels) for peer in rule.get("to", []))
                   for p in covering(pods[src], "Egress") for rule in p["spec"].get("egress", []))

    there = (network.namespaces() if network else []) + ["elsewhere"]
    remote = lambda s, ns: {**pods[s], "app.kubernetes.io/instance": ns}  # noqa: E731
    got_in = {(ns, f, p) for ns in there for f in pods for p in pods
              if ingress_across(pods[p], ns, remote(f, ns), SERVICES[p][0])}
    got_out = {(f, ns, p) for ns in there for f in pods for p in pods
               if egress_across(f, ns, remote(p, ns), SERVICES[p][0])}
    expected_in = network.ingress if network else set()
    expected_out = network.egress if network else set()

    expected = {(f, p) for f, ps in FOLLOWS.items() for p in ps}
    allowed_in = {(f, p) for f in pods for p in pods if f != p
                  and ingress_allows(pods[p], pods[f], SERVICES[p][0], "grpc")}
    allowed_out = {(f, p) for f in pods for p in pods if f != p
                   and egress_allows(f, pods[p], SERVICES[p][0])}
    problems = []
    for what, got in (("ingress", allowed_in), ("egress", allowed_out)):
        if got != expected:
            extra = sorted(f"{a}->{b}" for a, b in got - expected)
            lack = sorted(f"{a}->{b}" for a, b in expected - got)
            problems.append(f"{what}: extra {extra}, missing {lack}")
    for what, got, want, show in (
            ("ingress from the network", got_in, expected_in, lambda t: f"{t[0]}/{t[1]}->{t[2]}"),
            ("egress to the network", got_out, expected_out, lambda t: f"{t[0]}->{t[1]}/{t[2]}")):
        if got != want:
            problems.append(f"{what}: extra {sorted(map(show, got - want))}, "
                            f"missing {sorted(map(show, want - got))}")
    for s in pods:
        if not covering(pods[s], "Egress"):
            problems.append(f"{s}: egress not restricted")
        elif not egress_allows(s, db_labels, 5432):
            problems.append(f"{s}: no egress to PostgreSQL")
        if not ingress_allows(pods[s], {}, SERVICES[s][0], "grpc", {"hall-client": "true"}):
            problems.append(f"{s}: clients (namespace hall-client=true) cannot reach gRPC")
        if not ingress_allows(pods[s], {}, SERVICES[s][1], "metrics",
                              {"kubernetes.io/metadata.name": "monitoring"}):
            problems.append(f"{s}: Prometheus (namespace monitoring) cannot reach /metrics")
        if ingress_allows(pods[s], {}, SERVICES[s][1], "metrics", {"hall-client": "true"}):
            problems.append(f"{s}: clients can reach /metrics")
        dns = any(any(("namespaceSelector" in peer) for peer in r.get("to", []))
                  and any(p.get("port") == 53 for p in r.get("ports", []))
                  for p in covering(pods[s], "Egress") for r in p["spec"].get("egress", []))
        if not dns:
            problems.append(f"{s}: no egress to DNS")
    if not any(p["spec"]["podSelector"] == {} and "Ingress" in p["spec"].get("policyTypes", [])
               for p in policies.values()):
        problems.append("no default-deny ingress policy")
    if not all(ingress_allows(db_labels, pods[s], 5432, None) for s in pods):
        problems.append("PostgreSQL does not admit every service")
    links = ", ".join(f"{f}->{p}" for f, p in sorted(expected))
    outside = ", ".join([f"{f}->{ns}/{p}" for f, ns, p in sorted(expected_out)]
                        + [f"{ns}/{f}->{p}" for ns, f, p in sorted(expected_in)]) or "none"
    report(not problems, f"{label}: NetworkPolicies allow exactly the feed links ({links}), "
           f"the network's links ({outside}), clients and Prometheus in, DNS and PostgreSQL out",
           "; ".join(problems))

    # Monitoring.
    monitors = by_kind(docs, "ServiceMonitor")
    problems = []
    scraped = set()
    for m in monitors.values():
        if not m["apiVersion"].startswith("monitoring.coreos.com/"):
            problems.append(f"ServiceMonitor apiVersion {m['apiVersion']}")
        ports = {e.get("port") for e in m["spec"].get("endpoints", [])}
        for s, svc in services.items():
            if matches(m["spec"].get("selector"), svc["metadata"].get("labels", {})) and \
                    any(p["name"] in ports for p in svc["spec"]["ports"]):
                scraped.add(s)
    if scraped != set(SERVICES):
        problems.append(f"scraped: {sorted(scraped)}")
    report(not problems, f"{label}: ServiceMonitor scrapes the metrics port of the four Services",
           "; ".join(problems))


def check_rules(label, docs):
    problems, alerts, text = [], 0, ""
    for rule_doc in by_kind(docs, "PrometheusRule").values():
        if not rule_doc["apiVersion"].startswith("monitoring.coreos.com/"):
            problems.append(f"apiVersion {rule_doc['apiVersion']}")
        for group in rule_doc["spec"].get("groups", []):
            for rule in group.get("rules", []):
                name = rule.get("alert") or rule.get("record")
                try:
                    promql_parser.parse(rule["expr"])
                except Exception as e:  # the parser raises ValueError with the reason
                    problems.append(f"{name}: {e}")
                text += rule["expr"]
                if "alert" in rule:
                    alerts += 1
                    if not rule.get("labels", {}).get("severity") or \
                            not rule.get("annotations", {}).get("summary"):
                        problems.append(f"{name}: no severity label or summary")
    for metric in ALERTED_METRICS:
        if metric not in text:
            problems.append(f"no alert on {metric}")
    report(alerts and not problems, f"{label}: PrometheusRule: {alerts} alerts, every expression "
           f"parses as PromQL, covering {', '.join(ALERTED_METRICS)}", "; ".join(problems))


def check_probes(label, docs):
    """Every hall container probes /readyz and /healthz over plain HTTP on its metrics port."""
    config = next((c for n, c in by_kind(docs, "ConfigMap").items()
                   if n.startswith("hall-config")), {})
    drain = int(config.get("data", {}).get("HALL_DRAIN_SECONDS", "10"))
    deployments = by_kind(docs, "Deployment")
    problems = []
    for s, (_, metrics) in SERVICES.items():
        d = deployments.get(f"hall-{s}")
        if d is None:
            problems.append(f"no Deployment hall-{s}")
            continue
        for c in d["spec"]["template"]["spec"].get("containers", []):
            where = f"hall-{s}/{c['name']}"
            ports = {p.get("name"): p.get("containerPort") for p in c.get("ports", [])}
            if ports.get("metrics") != metrics:
                problems.append(f"{where}: no port metrics ({metrics}) to probe")
            for probe, (path, settings) in PROBES.items():
                p = c.get(probe)
                if p is None:
                    problems.append(f"{where}: no {probe}")
                    continue
                handlers = sorted(k for k in ("httpGet", "tcpSocket", "grpc", "exec") if k in p)
                get = p.get("httpGet", {})
                if handlers != ["httpGet"]:
                    problems.append(f"{where} {probe}: handlers {handlers}, not httpGet alone")
                if get.get("port") != "metrics" or get.get("path") != path \
                        or get.get("scheme", "HTTP") != "HTTP" or "host" in get:
                    problems.append(f"{where} {probe}: httpGet {get}, not {path} on port metrics "
                                    "(HTTP, the pod's own address)")
                wrong = {k: p.get(k) for k, v in settings.items() if p.get(k) != v}
                if wrong:
                    problems.append(f"{where} {probe}: {wrong}, not {settings}")
            # Readiness must turn false while the pod drains, not after.
            r = c.get("readinessProbe", {})
            seen = r.get("periodSeconds", 10) * r.get("failureThreshold", 3)
            if seen > drain:
                problems.append(f"{where} readinessProbe sees a drain after {seen} s, past "
                                f"HALL_DRAIN_SECONDS {drain}")
    paths = ", ".join(f"{k[:-5]} {v[0]}" for k, v in PROBES.items())
    report(not problems, f"{label}: every hall container probes over HTTP on its port metrics "
           f"({paths}); readiness sees a drain within HALL_DRAIN_SECONDS {drain}",
           "; ".join(problems[:5]))

    # The kubelet probes from the node, which a NetworkPolicy always admits: the probes need no
    # rule, and the metrics port stays open to Prometheus' namespace alone (no ipBlock for the
    # nodes, no rule open to every source).
    problems = []
    policies = by_kind(docs, "NetworkPolicy")
    for s, (_, metrics) in SERVICES.items():
        d = deployments.get(f"hall-{s}")
        if d is None:
            continue
        labels = d["spec"]["template"]["metadata"]["labels"]
        for name, pol in policies.items():
            spec = pol["spec"]
            if "Ingress" not in spec.get("policyTypes", []) \
                    or not matches(spec["podSelector"], labels):
                continue
            for rule in spec.get("ingress", []):
                rule_ports = rule.get("ports")
                if rule_ports and not any(p.get("port") in (metrics, "metrics")
                                          for p in rule_ports):
                    continue
                peers = rule.get("from") or []
                if not peers:
                    problems.append(f"{name}: admits every source on hall-{s}'s metrics port")
                for peer in peers:
                    selector = peer.get("namespaceSelector")
                    if set(peer) != {"namespaceSelector"} \
                            or not matches(selector, {"kubernetes.io/metadata.name": "monitoring"}) \
                            or matches(selector, {"kubernetes.io/metadata.name": "elsewhere"}):
                        problems.append(f"{name}: admits {peer} on hall-{s}'s metrics port")
    report(not problems, f"{label}: NetworkPolicies need no rule for the probes (the kubelet's "
           "node is always admitted): the metrics port admits the namespace monitoring alone, "
           "no ipBlock", "; ".join(problems[:5]))


def check_telemetry(label, docs, network=None):
    """The ConfigMap hall-telemetry reaches every service container and no migration; its
    endpoint is a collector the NetworkPolicies let each service reach, and nothing wider."""
    configmaps = by_kind(docs, "ConfigMap")
    deployments = by_kind(docs, "Deployment")
    policies = by_kind(docs, "NetworkPolicy")
    names = [n for n in configmaps if n.startswith("hall-telemetry")]
    data = configmaps[names[0]].get("data", {}) if len(names) == 1 else {}
    problems = [] if len(names) == 1 else [f"{len(names)} hall-telemetry ConfigMaps"]

    # The settings: OpenTelemetry's variables only, as the services can use them.
    problems += [f"{k} in hall-telemetry is not an OTEL_ variable" for k in data
                 if not k.startswith("OTEL_")]
    problems += [f"{k} belongs in hall-telemetry, not {n}" for n, c in configmaps.items()
                 if not n.startswith("hall-telemetry") for k in c.get("data", {})
                 if k.startswith("OTEL_")]
    for k in ("OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"):
        if data.get(k, "grpc") != "grpc":
            problems.append(f"{k}={data[k]}: only the gRPC exporter is built in")
    if data.get("OTEL_TRACES_EXPORTER", "otlp") not in ("otlp", "none"):
        problems.append(f"OTEL_TRACES_EXPORTER={data['OTEL_TRACES_EXPORTER']}, not otlp or none")
    sampler = data.get("OTEL_TRACES_SAMPLER", "parentbased_always_on")
    if sampler not in SAMPLERS:
        problems.append(f"OTEL_TRACES_SAMPLER={sampler}, not one of {sorted(SAMPLERS)}")
    if sampler.endswith("traceidratio"):
        try:
            ratio = float(data.get("OTEL_TRACES_SAMPLER_ARG", "1"))
        except ValueError:
            ratio = -1
        if not 0 <= ratio <= 1:
            problems.append(f"OTEL_TRACES_SAMPLER_ARG={data.get('OTEL_TRACES_SAMPLER_ARG')}, "
                            "not a ratio in [0, 1]")
    endpoint = data.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
                        data.get("OTEL_EXPORTER_OTLP_ENDPOINT"))
    port = OTLP_GRPC_PORT
    if endpoint is not None:
        url = urllib.parse.urlsplit(endpoint)
        host = url.hostname or ""
        try:
            port = url.port
        except ValueError:
            port = None
        if url.scheme not in ("http", "https") or port is None or url.path not in ("", "/"):
            problems.append(f"endpoint {endpoint} is not http(s)://host:port")
            port = port or OTLP_GRPC_PORT
        if not re.fullmatch(rf"[a-z0-9-]+\.{COLLECTOR_NAMESPACE}\.svc(\.cluster\.local)?", host):
            problems.append(f"endpoint {endpoint} is not a Service of the namespace "
                            f"{COLLECTOR_NAMESPACE} (<name>.{COLLECTOR_NAMESPACE}.svc)")

    # Who reads it: every service container, and no migration.
    for s in SERVICES:
        d = deployments.get(f"hall-{s}")
        if d is None:
            problems.append(f"no Deployment hall-{s}")
            continue
        pod = d["spec"]["template"]["spec"]
        for c, main in [(c, True) for c in pod.get("containers", [])] + \
                [(c, False) for c in pod.get("initContainers", [])]:
            refs = {r["configMapRef"]["name"] for r in c.get("envFrom", []) if "configMapRef" in r}
            if main and not refs & set(names):
                problems.append(f"hall-{s}/{c['name']} does not read hall-telemetry (envFrom)")
            if not main and refs & set(names):
                problems.append(f"hall-{s}/{c['name']}: a migration traces nothing, it does not "
                                "read hall-telemetry")
            certificate = data.get("OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE",
                                   data.get("OTEL_EXPORTER_OTLP_CERTIFICATE"))
            if main and certificate and certificate not in mounted_files(pod, c):
                problems.append(f"hall-{s}/{c['name']}: OTEL_EXPORTER_OTLP_CERTIFICATE="
                                f"{certificate} is not a mounted Secret's file")
    where = f"exports to {endpoint}" if endpoint else "tracing off (no endpoint)"
    report(not problems, f"{label}: every service container, no migration, reads hall-telemetry: "
           f"{where}, OTLP/gRPC, sampler {sampler}", "; ".join(problems[:5]))

    # The way out: the collector's pods on the endpoint's port, and beyond the namespace
    # nothing else but DNS. The feed links and PostgreSQL are the check above.
    destinations = {"DNS": ({"kubernetes.io/metadata.name": "kube-system"},
                            {"k8s-app": "kube-dns"}, {53}),
                    "collector": ({"kubernetes.io/metadata.name": COLLECTOR_NAMESPACE},
                                  COLLECTOR_LABELS, {port})}
    for _, _, ns in (network.neighbours if network else []):
        for s, (grpc, _) in SERVICES.items():
            destinations[f"{ns}/{s}"] = ({"kubernetes.io/metadata.name": ns},
                                         {"app.kubernetes.io/name": f"hall-{s}"}, {grpc})
    problems = []
    for s in SERVICES:
        d = deployments.get(f"hall-{s}")
        if d is None:
            continue
        labels = d["spec"]["template"]["metadata"]["labels"]
        reaches_collector = False
        for name, pol in policies.items():
            spec = pol["spec"]
            if "Egress" not in spec.get("policyTypes", []) \
                    or not matches(spec["podSelector"], labels):
                continue
            for rule in spec.get("egress", []):
                peers, ports = rule.get("to") or [], rule.get("ports") or []
                if not peers or not ports:
                    problems.append(f"{name}: an egress rule open to every "
                                    f"{'destination' if not peers else 'port'}")
                    continue
                numbers = {p.get("port") for p in ports}
                if any("endPort" in p for p in ports):
                    problems.append(f"{name}: an egress rule to a range of ports")
                for peer in peers:
                    if "ipBlock" in peer:
                        problems.append(f"{name}: egress to an ipBlock")
                    if "namespaceSelector" not in peer:
                        continue  # this namespace's pods: the feed links' check
                    fits = [what for what, (ns, pods, allowed) in destinations.items()
                            if matches(peer["namespaceSelector"], ns)
                            and not matches(peer["namespaceSelector"],
                                            {"kubernetes.io/metadata.name": "elsewhere"})
                            and matches(peer.get("podSelector"), pods)
                            and not matches(peer.get("podSelector"), {})
                            and numbers <= allowed]
                    if not fits:
                        problems.append(f"{name}: egress to {peer} on {sorted(map(str, numbers))}"
                                        ", neither DNS, the collector nor a neighbour's service")
                    elif fits == ["collector"] and all(p.get("protocol", "TCP") == "TCP"
                                                      for p in ports):
                        reaches_collector = True
        if endpoint and not reaches_collector:
            problems.append(f"hall-{s}: no egress to the collector's pods ({COLLECTOR_NAMESPACE}, "
                            f"{COLLECTOR_LABELS}) on TCP {port}")
    pods = ", ".join(f"{k}={v}" for k, v in COLLECTOR_LABELS.items())
    report(not problems, f"{label}: NetworkPolicies let every service reach the collector "
           f"(namespace {COLLECTOR_NAMESPACE}, pods {pods}, TCP {port}); outside the namespace "
           "nothing else but DNS and the neighbours' services, no ipBlock, no open rule",
           "; ".join(problems[:5]))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--secrets", required=True)
    parser.add_argument("--overlay", action="append", default=[])
    parser.add_argument("--base")
    args = parser.parse_args()

    secret_docs = load(args.secrets)
    check_parse("create-secrets.sh --dry-run", secret_docs)
    check_schema("create-secrets.sh --dry-run", secret_docs, KUBERNETES)
    secrets = {d["metadata"]["name"]: set((d.get("data") or {}).keys()) for d in secret_docs}

    if args.base:
        docs = load(args.base)
        check_parse("base", docs)
        check_schema("base", docs, KUBERNETES)
    checked = {}
    for spec in args.overlay:
        name, rest = spec.split("=", 1)
        namespace, region, level, path = rest.split(":", 3)
        docs = load(path)
        label = f"overlays/{name}"
        check_parse(label, docs)
        check_schema(label, docs, KUBERNETES)
        network = check_network(label, docs, namespace, level, region)
        check_overlay(label, docs, namespace, namespace, region, level, secrets, network)
        config = next((c for n, c in by_kind(docs, "ConfigMap").items()
                       if n.startswith("hall-config")), {})
        check_links(label, docs, network, config.get("data", {}))
        check_probes(label, docs)
        check_telemetry(label, docs, network)
        check_rules(label, docs)
        checked[namespace] = (level, region, network)
    check_mutual(checked)
    sys.exit(1 if failures else 0)


def check_mutual(checked):
    """The overlays checked together name each other as they are: a neighbour's level and
    region as its own overlay says, and each link in both files, one side's parent the other's
    child."""
    problems, pairs = [], []
    for namespace, (level, region, network) in checked.items():
        for relation, e, ns in (network.neighbours if network else []):
            if ns not in checked:
                continue
            their_level, their_region, theirs = checked[ns]
            pairs.append(f"{namespace}->{ns}")
            if (e.get("name"), e.get("level"), e.get("region_code")) != \
                    (ns, their_level, their_region):
                problems.append(f"{namespace} names {ns} {e.get('name')}, {e.get('level')}, "
                                f"{e.get('region_code')}; it is {ns}, {their_level}, {their_region}")
            if not theirs or not any(r == MIRROR[relation] and n == namespace
                                     for r, _, n in theirs.neighbours):
                problems.append(f"{namespace} has {ns} as its {relation}, but {ns} has not "
                                f"{namespace} as its {MIRROR[relation]}")
    if pairs or problems:
        report(not problems, f"overlays: their network files name each other alike "
               f"({', '.join(pairs)})", "; ".join(problems))


if __name__ == "__main__":
    main()
