"""The network of halls with the built executables as processes (FED-1 to FED-4, SEC-4):
Puyang city above Hualong district and Qingfeng county, each deployment with its four
services, its own database, key, link token and certificates from the city's authority, and
every service requiring client certificates. The links between deployments run through TCP
proxies this module controls (`Proxy`): the city's supervision to each district's intake and
rating and the city's intake to each district's intake (the cases passed up, FED-4), each
district's catalog and intake to the city's catalog and intake (the city's replies). Cutting a
district closes its proxied connections and refuses new ones; healing accepts them again.

The fixtures are module-scoped and reusable by further tests: `network` (the deployments,
their tokens and clients, the proxies), `city_catalog` (the demonstration catalog loaded into the
city and taken by both districts) and `cases` (a scripted day and window cases in each
district). Every wait is bounded; the figures of each phase are printed. The last tests pass
cases up from Hualong to the city and back (FED-4), across cut links, and one the city cannot
take."""

import asyncio
import datetime
import glob
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

import grpc
import pytest

sys.path.insert(0, os.environ["HALL_STUBS"])
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../python"))

from hall.catalog.v1 import catalog_service_pb2 as catalog_api  # noqa: E402
from hall.catalog.v1 import catalog_service_pb2_grpc as catalog_grpc  # noqa: E402
from hall.catalog.v1 import resources_pb2 as catalog  # noqa: E402
from hall.common.v1 import common_pb2 as common  # noqa: E402
from hall.events.v1 import events_pb2 as events  # noqa: E402
from hall.events.v1 import events_pb2_grpc as events_grpc  # noqa: E402
from hall.intake.v1 import intake_service_pb2 as intake_api  # noqa: E402
from hall.intake.v1 import intake_service_pb2_grpc as intake_grpc  # noqa: E402
from hall.intake.v1 import resources_pb2 as intake  # noqa: E402
from hall.rating.v1 import rating_service_pb2_grpc as rating_grpc  # noqa: E402
from hall.supervision.v1 import resources_pb2 as supervision  # noqa: E402
from hall.supervision.v1 import supervision_service_pb2 as supervision_api  # noqa: E402
from hall.supervision.v1 import supervision_service_pb2_grpc as supervision_grpc  # noqa: E402
from hall_client import free_ports, rid  # noqa: E402

ENV = os.environ
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "../.."))
NET = ENV["HALL_NET"]
SERVICES = ["catalog", "intake", "rating", "supervision"]
STUBS = {"catalog": catalog_grpc.CatalogServiceStub, "intake": intake_grpc.IntakeServiceStub,
         "rating": rating_grpc.RatingServiceStub,
         "supervision": supervision_grpc.SupervisionServiceStub}
CITY = "puyang-city"
HUALONG = "hualong-district"
QINGFENG = "qingfeng-county"
DISTRICTS = [HUALONG, QINGFENG]
# The item the window cases are for (branch registration, promised), the one the city adjusts
# while a district is cut off, and the one it cancels; none of the last two is used by cases.
WINDOW_ITEM = "HL-SCJG-002"
ADJUSTED_ITEM = "HL-SCJG-006"
CANCELLED_ITEM = "HL-YJGL-003"
COMPANY = intake.Applicant(kind=intake.APPLICANT_KIND_LEGAL_PERSON, id_number="91410100317421623M",
                           name="濮阳市好味餐饮管理有限公司", phone="13903930001", contact_name="王经理")
# The figures a district's own supervision and its city's must agree on, for the district.
FIGURES = ["accepted_cases", "completed_cases", "completed_on_time", "on_the_spot_completed",
           "on_the_spot_same_day", "warned_cases", "red_carded_cases", "ratings", "good_ratings"]


def read(path, mode="r"):
    with open(path, mode) as f:
        return f.read()


def credentials(authority=None, certificate=None, key=None):
    """TLS trusting `authority` (the network's by default), presenting `certificate` (the
    network client's by default; "none" for no certificate)."""
    authority = authority or ENV["HALL_CA_FILE"]
    if certificate == "none":
        return grpc.ssl_channel_credentials(root_certificates=read(authority, "rb"))
    certificate = certificate or os.path.join(NET, "network-client.pem")
    key = key or os.path.join(NET, "network-client.key")
    return grpc.ssl_channel_credentials(root_certificates=read(authority, "rb"),
                                        private_key=read(key, "rb"),
                                        certificate_chain=read(certificate, "rb"))


def bearer(token_text):
    return (("authorization", "Bearer " + token_text.strip()),)


def hall_today():
    """Today on the hall's clock (HALL_CLOCK_OFFSET_SECONDS, set by the harness), in China."""
    now = time.time() + int(ENV.get("HALL_CLOCK_OFFSET_SECONDS", "0"))
    return datetime.datetime.fromtimestamp(
        now, datetime.timezone(datetime.timedelta(hours=8))).date()


def civil(day):
    return common.CivilDate(year=day.year, month=day.month, day=day.day)


def wait_for(what, condition, timeout, interval=0.5):
    """Polls `condition` until it returns something true; that value, and the seconds it
    took. Fails naming `what` (and the last value) past `timeout`."""
    started = time.time()
    last = None
    while True:
        try:
            last = condition()
        except grpc.RpcError as error:
            last = f"{error.code()}: {error.details()}"
        else:
            if last:
                return last, time.time() - started
        if time.time() - started > timeout:
            raise AssertionError(f"{what}: not within {timeout} s (last: {last})")
        time.sleep(interval)


def refusal(call):
    """The status code a call is refused with (None when it answers)."""
    try:
        call()
        return None
    except grpc.RpcError as error:
        return error.code(), error.details()


class Proxy:
    """A TCP relay between two deployments' services, on a loop of its own. TLS passes
    through byte for byte. `cut()` closes every relayed connection and refuses new ones
    (accepted and closed at once); `heal()` relays again."""

    def __init__(self, loop, name, target_port):
        self.loop = loop
        self.name = name
        self.target_port = target_port
        self.is_cut = False
        self.transports = set()
        self.relayed = 0
        self.refused = 0
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0))
        self.port = listener.getsockname()[1]
        self.server = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._connection, sock=listener), loop).result(10)

    @property
    def address(self):
        return f"127.0.0.1:{self.port}"

    async def _connection(self, reader, writer):
        if self.is_cut:
            self.refused += 1
            writer.transport.abort()
            return
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(
                "127.0.0.1", self.target_port)
        except OSError:
            writer.transport.abort()
            return
        self.relayed += 1
        pair = {writer.transport, upstream_writer.transport}
        self.transports |= pair

        async def pipe(source, sink):
            try:
                while data := await source.read(65536):
                    sink.write(data)
                    await sink.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                for transport in pair:
                    transport.abort()

        await asyncio.gather(pipe(reader, upstream_writer), pipe(upstream_reader, writer))
        self.transports -= pair

    def _run(self, function):
        async def call():
            function()
        asyncio.run_coroutine_threadsafe(call(), self.loop).result(10)

    def cut(self):
        def cut():
            self.is_cut = True
            for transport in list(self.transports):
                transport.abort()
        self._run(cut)

    def heal(self):
        def heal():
            self.is_cut = False
        self._run(heal)

    def close(self):
        self.cut()
        self.server.close()


class Deployment:
    """One hall of the network: its four services as processes, its tokens (made by run.sh
    in $HALL_NET/<name>/) and a client of each of its services."""

    def __init__(self, name, level, region, ports, metrics_ports, hall=""):
        self.name = name
        self.level = level
        self.region = region
        self.hall = hall
        self.ports = ports
        self.metrics_ports = metrics_ports
        self.dir = os.path.join(NET, name)
        self.processes = {}
        self._channels = {}
        self._stubs = {}

    def address(self, service):
        return f"127.0.0.1:{self.ports[service]}"

    def token(self, name):
        """Metadata carrying the token `name` (admin, supervisor, clerk, approver, link…)."""
        return bearer(read(os.path.join(self.dir, f"{name}.token")))

    @property
    def public_key(self):
        return read(os.path.join(self.dir, "signing.pub")).strip()

    def channel(self, service):
        """The network client's channel to one of its services (mutual TLS)."""
        if service not in self._channels:
            self._channels[service] = grpc.secure_channel(self.address(service), credentials())
        return self._channels[service]

    def stub(self, service):
        if service not in self._stubs:
            self._stubs[service] = STUBS[service](self.channel(service))
        return self._stubs[service]

    @property
    def catalog(self):
        return self.stub("catalog")

    @property
    def intake(self):
        return self.stub("intake")

    @property
    def supervision(self):
        return self.stub("supervision")

    def tool_env(self, **extra):
        """hallctl's and the demo's environment: this deployment's addresses, the network
        client's certificate."""
        env = dict(ENV)
        env.update({f"HALL_{s.upper()}_ADDR": self.address(s) for s in SERVICES})
        env.update(HALL_CERT_FILE=os.path.join(NET, "network-client.pem"),
                   HALL_KEY_FILE=os.path.join(NET, "network-client.key"))
        env.update(extra)
        return env

    def log_path(self, service):
        return os.path.join(ENV["HALL_WORK"], f"{self.name}-{service}.log")

    def start(self, service):
        connections = 24 if (self.level, service) == ("city", "supervision") else 10
        env = dict(ENV)
        env.update({f"HALL_{s.upper()}_ADDR": self.address(s) for s in SERVICES})
        env.update({
            "HALL_DEPLOYMENT": self.name, "HALL_LEVEL": self.level,
            "HALL_REGION_CODE": self.region,
            "HALL_NETWORK_FILE": os.path.join(self.dir, "network.json"),
            "HALL_LINK_TOKEN_FILE": os.path.join(self.dir, "link.token"),
            "HALL_SERVICE_TOKEN_FILE": os.path.join(self.dir, f"{service}.token"),
            "HALL_TOKEN_PUBLIC_KEY_FILE": os.path.join(self.dir, "signing.pub"),
            "HALL_LISTEN_PORT": str(self.ports[service]),
            "HALL_METRICS_PORT": str(self.metrics_ports[service]),
            "HALL_DB_PORT": ENV["HALL_PG_PORT"], "HALL_DB_NAME": "hall_" + self.name.replace("-", "_"),
            "HALL_DB_PASSWORD_FILE": os.path.join(ENV["HALL_SECRETS"], f"hall_{service}.password"),
            "HALL_DB_MAX_CONNECTIONS": str(connections),
            "HALL_TLS_CERT_FILE": os.path.join(self.dir, f"{self.name}-{service}.pem"),
            "HALL_TLS_KEY_FILE": os.path.join(self.dir, f"{self.name}-{service}.key"),
            "HALL_TLS_CLIENT_CERTIFICATES": "require",
        })
        log = open(self.log_path(service), "ab")
        process = subprocess.Popen([os.path.join(ENV["HALL_BIN"], f"hall-{service}")],
                                   env=env, stdout=log, stderr=log)
        log.close()
        # run.sh stops whatever is still listed here when the run ends, however it ends.
        with open(self.pid_path(service), "w") as f:
            f.write(str(process.pid))
        self.processes[service] = process

    def pid_path(self, service):
        return os.path.join(ENV["HALL_WORK"], "pids", f"{self.name}-{service}.pid")

    def wait_ready(self, deadline):
        for service in SERVICES:
            while True:
                if self.processes[service].poll() is not None:
                    tail = read(self.log_path(service))[-2000:]
                    raise AssertionError(f"hall-{service} of {self.name} exited at start:\n{tail}")
                try:
                    grpc.channel_ready_future(self.channel(service)).result(timeout=0.5)
                    break
                except grpc.FutureTimeoutError:
                    assert time.time() < deadline, f"hall-{service} of {self.name} did not start"

    def stop(self):
        for channel in self._channels.values():
            channel.close()
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for service, process in self.processes.items():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
            os.unlink(self.pid_path(service))


# The links between the deployments, each through a proxy: the district services the city
# calls (its supervision follows their feeds, FED-3; its intake follows a district's intake
# for the cases passed up, FED-4) and the city services a district calls (its catalog follows
# the city's, FED-2; its intake follows the city's for the replies, FED-4). The network files
# name the proxies' addresses.
CITY_CALLS = ["intake", "rating"]
DISTRICT_CALLS = ["catalog", "intake"]


class Network:
    """The city and its two districts, with a proxy on every link between them:
    `proxies[district]` maps each district service the city calls ("intake", "rating") and
    each city service the district calls ("city-catalog", "city-intake") to its proxy."""

    def __init__(self):
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        names = [(CITY, "city", "410900", "py-hall"), (HUALONG, "district", "410902", "hl-hall"),
                 (QINGFENG, "district", "410922", "qf-hall")]
        free = free_ports(2 * len(names) * len(SERVICES))
        self.deployments = {}
        for i, (name, level, region, hall) in enumerate(names):
            ports = dict(zip(SERVICES, free[8 * i:8 * i + 4]))
            metrics = dict(zip(SERVICES, free[8 * i + 4:8 * i + 8]))
            self.deployments[name] = Deployment(name, level, region, ports, metrics, hall)
        self.city = self.deployments[CITY]
        self.proxies = {}
        for district in DISTRICTS:
            d = self.deployments[district]
            self.proxies[district] = {
                service: Proxy(self.loop, f"{CITY}->{district}/{service}", d.ports[service])
                for service in CITY_CALLS}
            self.proxies[district].update({
                f"city-{service}": Proxy(self.loop, f"{district}->{CITY}/{service}",
                                         self.city.ports[service])
                for service in DISTRICT_CALLS})
        self._write_network_files()

    def __getitem__(self, name):
        return self.deployments[name]

    def _neighbour(self, deployment, addresses):
        return {"name": deployment.name, "level": deployment.level,
                "region_code": deployment.region, "public_key": deployment.public_key,
                "addresses": addresses}

    def _write_network_files(self):
        children = [self._neighbour(self[d], {s: self.proxies[d][s].address for s in CITY_CALLS})
                    for d in DISTRICTS]
        with open(os.path.join(self.city.dir, "network.json"), "w") as f:
            json.dump({"children": children}, f)
        for d in DISTRICTS:
            parent = self._neighbour(
                self.city, {s: self.proxies[d][f"city-{s}"].address for s in DISTRICT_CALLS})
            with open(os.path.join(self[d].dir, "network.json"), "w") as f:
                json.dump({"parent": parent}, f)

    def start(self):
        for deployment in self.deployments.values():
            for service in SERVICES:
                deployment.start(service)
        deadline = time.time() + 90
        for deployment in self.deployments.values():
            deployment.wait_ready(deadline)

    def cut(self, district):
        for proxy in self.proxies[district].values():
            proxy.cut()

    def heal(self, district):
        for proxy in self.proxies[district].values():
            proxy.heal()

    def stop(self):
        for deployment in self.deployments.values():
            deployment.stop()
        # The services' logs outlive the run's folder when HALL_NETWORK_LOGS names a folder.
        if ENV.get("HALL_NETWORK_LOGS"):
            os.makedirs(ENV["HALL_NETWORK_LOGS"], exist_ok=True)
            for log in glob.glob(os.path.join(ENV["HALL_WORK"], "*.log")):
                shutil.copy(log, ENV["HALL_NETWORK_LOGS"])
        for links in self.proxies.values():
            for proxy in links.values():
                proxy.close()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)


# — fixtures —

@pytest.fixture(scope="module")
def network():
    net = Network()
    try:
        net.start()
        yield net
    finally:
        net.stop()


def items_in_force(deployment):
    return deployment.catalog.GetIndicators(catalog_api.GetIndicatorsRequest(), timeout=5).item_count


@pytest.fixture(scope="module")
def city_catalog(network):
    """The demonstration catalog loaded into the city (`hall-demo load-catalog`), and taken by
    both districts' catalogs; the number of items in force."""
    city = network.city
    load = subprocess.run([os.path.join(ENV["HALL_BIN"], "hall-demo"), "load-catalog",
                           "--file", os.path.join(ROOT, "deploy/demo/catalog.json")],
                          env=city.tool_env(HALL_TOKEN_FILE=os.path.join(city.dir, "admin.token")),
                          timeout=120, capture_output=True, text=True)
    assert load.returncode == 0, load.stdout[-2000:] + load.stderr[-2000:]
    count = items_in_force(city)
    assert count == 17
    for district in DISTRICTS:
        _, took = wait_for(f"{district}'s catalog takes the city's",
                           lambda: items_in_force(network[district]) == count, timeout=90)
        print(f"\n{district} took the city's {count} items in {took:.1f} s")
    return count


def form(spec):
    """The guide's form filled with plausible values (as the demonstration day fills it)."""
    values = {}
    for field in spec.form_fields:
        key = field.key
        if "credit_code" in key:
            values[key] = COMPANY.id_number
        elif "phone" in key:
            values[key] = "13903930001"
        elif "capital" in key:
            values[key] = "500000"
        elif "sqm" in key or "count" in key:
            values[key] = "120"
        elif "address" in key:
            values[key] = "濮阳市华龙区胜利路 88 号"
        elif "name" in key:
            values[key] = COMPANY.name
        else:
            values[key] = f"{field.label}（示例）" if field.label else "示例"
    return values


def window_case(deployment, item=WINDOW_ITEM, timeout=10):
    """A case received and accepted at the district's window in one call, by its clerk."""
    spec = deployment.catalog.GetGuide(catalog_api.GetGuideRequest(item_code=item),
                                       timeout=timeout).version.spec
    return deployment.intake.SubmitCase(
        intake_api.SubmitCaseRequest(
            request_id=rid(), item_code=item, channel=common.CHANNEL_WINDOW, window_id="W01",
            applicant=COMPANY, provided_material_ids=[m.id for m in spec.materials],
            form=form(spec), delivery=intake.Delivery(method=intake.DELIVERY_METHOD_WINDOW_PICKUP),
            decision=intake_api.AcceptanceDecision()),
        metadata=deployment.token("clerk"), timeout=timeout)


def play_day(deployment, part):
    """`hall-demo day --part PART` in the district, as a process; the process."""
    return subprocess.Popen(
        [os.path.join(ENV["HALL_BIN"], "hall-demo"), "day",
         "--key", os.path.join(deployment.dir, "signing.key"), "--deployment", deployment.name,
         "--region", deployment.region, "--hall", deployment.hall, "--part", part],
        env=deployment.tool_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def finish(process, timeout=180):
    output, _ = process.communicate(timeout=timeout)
    assert process.returncode == 0, output.decode(errors="replace")[-3000:]
    return output.decode(errors="replace")


@pytest.fixture(scope="module")
def cases(network, city_catalog):
    """In each district: the window's first case once its intake has the city's item, a
    scripted day (morning and afternoon, both districts at once) and three more window
    cases. The window cases' numbers, by district."""
    numbers = {}
    for district in DISTRICTS:
        deployment = network[district]

        def first():
            try:
                return window_case(deployment).case_number
            except grpc.RpcError as error:
                if error.code() != grpc.StatusCode.NOT_FOUND:
                    raise
                return None
        number, took = wait_for(f"{district}'s intake takes the city's items", first, timeout=60)
        numbers[district] = [number]
        print(f"{district}'s intake accepted its first case of the city's items after {took:.1f} s")
    for part in ["morning", "afternoon"]:
        days = [play_day(network[d], part) for d in DISTRICTS]
        for day in days:
            finish(day)
    for district in DISTRICTS:
        numbers[district] += [window_case(network[district]).case_number for _ in range(3)]
    for district, listed in numbers.items():
        prefix = network[district].region + "-"
        assert all(n.startswith(prefix) for n in listed), \
            f"a district's case numbers begin with its region: {listed}"
    return numbers


# — what each side recorded —

def paged(call, request, field, **kwargs):
    results, token = [], ""
    while True:
        request.page_token = token
        response = call(request, timeout=10, **kwargs)
        results += list(getattr(response, field))
        token = response.next_page_token
        if not token:
            return results


def intake_cases(deployment):
    """case number → state, as the district's intake has them."""
    listed = paged(deployment.intake.ListCases, intake_api.ListCasesRequest(page_size=200), "cases",
                   metadata=deployment.token("supervisor"))
    numbers = [c.case_number for c in listed]
    assert len(numbers) == len(set(numbers))
    return {c.case_number: c.state for c in listed}


def supervised_cases(supervision_stub, metadata, **filters):
    """case number → (state, the rule codes of its counted anomalies), as a supervision has
    them; a case listed twice fails."""
    listed, anomalies, token = [], {}, ""
    while True:
        response = supervision_stub.QueryCases(
            supervision_api.QueryCasesRequest(page_size=200, page_token=token, **filters),
            metadata=metadata, timeout=10)
        listed += list(response.cases)
        anomalies.update({a.id: a.rule_code for a in response.anomalies})
        token = response.next_page_token
        if not token:
            break
    numbers = [c.case_number for c in listed]
    assert len(numbers) == len(set(numbers)), "a case listed twice"
    return {c.case_number: (c.state, tuple(sorted(anomalies[i] for i in c.anomaly_ids if i in anomalies)))
            for c in listed}


def figures(supervision_stub, metadata, grouping, **filters):
    today = hall_today()
    request = supervision_api.GetFiguresRequest(
        grouping=grouping, to=civil(today + datetime.timedelta(days=1)), **filters)
    getattr(request, "from").CopyFrom(civil(today))
    return list(supervision_stub.GetFigures(request, metadata=metadata, timeout=10).rows)


def counts(row):
    return {name: getattr(row, name) for name in FIGURES} if row else {name: 0 for name in FIGURES}


def district_view(network, district):
    """What the district recorded and what its city has of it."""
    d, city = network[district], network.city
    own = supervised_cases(d.supervision, d.token("supervisor"), source=supervision.CASE_SOURCE_FEED)
    at_city = supervised_cases(city.supervision, city.token("supervisor"), region_code=d.region)
    # Everything the district recorded (its deployment's figures), and the same by region:
    # its own cases and ratings count in its own region in its own supervision, whatever
    # region the city's department names (FED-4), as in the city's row for it.
    own_rows = figures(d.supervision, d.token("supervisor"), supervision_api.GROUPING_DEPLOYMENT)
    by_region = figures(d.supervision, d.token("supervisor"), supervision_api.GROUPING_REGION)
    city_rows = [r for r in figures(city.supervision, city.token("supervisor"),
                                    supervision_api.GROUPING_REGION) if r.key == d.region]
    return {"region": d.region, "intake": intake_cases(d), "own": own, "city": at_city,
            "own_figures": counts(own_rows[0] if own_rows else None),
            "own_by_region": {r.key: counts(r) for r in by_region},
            "city_figures": counts(city_rows[0] if city_rows else None)}


def caught_up(view):
    """Whether the city has exactly what the district recorded: the same cases in the same
    states with the same anomalies, and the same figures."""
    intake_states = view["intake"]
    return (intake_states == {n: s for n, (s, _) in view["own"].items()}
            and view["own"] == view["city"] and view["own_figures"] == view["city_figures"])


def assert_own_figures_of_its_region(view):
    """The district's own figures by region: one row, its region's, with the city's numbers
    for it."""
    assert view["own_by_region"] == {view["region"]: view["city_figures"]}, \
        (f"the district's own figures by region {view['own_by_region']}, the city's row for "
         f"{view['region']} {view['city_figures']}")


def difference(view):
    own, city = view["own"], view["city"]
    return {"intake": len(view["intake"]), "district supervision": len(own), "city": len(city),
            "missing at the city": sorted(set(own) - set(city))[:5],
            "differing": [(n, own[n], city[n]) for n in own if n in city and own[n] != city[n]][:5],
            "own figures by region": view["own_by_region"],
            "figures": (view["own_figures"], view["city_figures"])}


def wait_caught_up(network, district, timeout):
    """The district's view once the city has caught up with it, and the seconds it took."""
    last = {}

    def check():
        last["view"] = district_view(network, district)
        return last["view"] if caught_up(last["view"]) else None
    try:
        return wait_for(f"the city catches up with {district}", check, timeout=timeout)
    except AssertionError as error:
        raise AssertionError(f"{error}: {difference(last.get('view', {}))}") from None


def lags(network):
    city = network.city
    return {lag.subscription: lag for lag in city.supervision.ListFeedLags(
        supervision_api.ListFeedLagsRequest(), metadata=city.token("supervisor"), timeout=10).lags}


def silent_seconds(network, subscription):
    """How long the city's supervision has not heard from the producer of `subscription`
    (None when it never has)."""
    lag = lags(network).get(subscription)
    return lag.seconds_silent if lag is not None and lag.HasField("seconds_silent") else None


def heard_within(network, subscription, seconds):
    silent = silent_seconds(network, subscription)
    return silent is not None and silent < seconds


def latest_version(deployment, code):
    return deployment.catalog.ListItemVersions(
        catalog_api.ListItemVersionsRequest(code=code, page_size=1), timeout=10).versions[0]


def summary(view):
    f = view["own_figures"]
    return (f"{len(view['intake'])} cases in intake, {len(view['own'])} at its supervision, "
            f"{len(view['city'])} at the city; accepted today {f['accepted_cases']} (city "
            f"{view['city_figures']['accepted_cases']}), ratings {f['ratings']} (city "
            f"{view['city_figures']['ratings']}), anomalies on its cases "
            f"{sum(len(rules) for _, rules in view['own'].values())} (city "
            f"{sum(len(rules) for _, rules in view['city'].values())})")


# — the tests —

def demo_item_codes():
    return [item["code"] for item in json.loads(read(os.path.join(ROOT, "deploy/demo/catalog.json")))["items"]]


def departments(deployment):
    return {d.id: (d.name, d.region_code) for d in paged(
        deployment.catalog.ListDepartments, catalog_api.ListDepartmentsRequest(page_size=100),
        "departments")}


def test_districts_take_the_city_catalog(network, city_catalog):
    city = network.city
    for district in DISTRICTS:
        d = network[district]
        assert items_in_force(d) == city_catalog
        assert departments(d) == departments(city)
        for code in demo_item_codes():
            ours, theirs = latest_version(city, code), latest_version(d, code)
            assert (theirs.version, theirs.spec) == (ours.version, ours.spec), \
                f"{district} has {code} as the city published it"
        # The city's items are the standard: the district cannot change them.
        code, details = refusal(lambda: d.catalog.UpdateItemDraft(
            catalog_api.UpdateItemDraftRequest(code=WINDOW_ITEM, spec=latest_version(d, WINDOW_ITEM).spec),
            metadata=d.token("admin"), timeout=10))
        assert code == grpc.StatusCode.FAILED_PRECONDITION and CITY in details, details


def test_both_districts_cases_reach_the_city(network, cases):
    for district in DISTRICTS:
        view, took = wait_caught_up(network, district, timeout=90)
        print(f"{district}: {summary(view)} (caught up within {took:.1f} s)")
        assert set(cases[district]) <= set(view["city"])
        assert view["own_figures"]["accepted_cases"] >= len(cases[district])
    now = lags(network)
    for district in DISTRICTS:
        for feed in ["intake", "rating"]:
            lag = now[f"{feed}@{district}"]
            assert (lag.deployment, lag.region_code) == (district, network[district].region)
            assert lag.events_behind == 0 and lag.parked_events == 0, lag
    for district in DISTRICTS:
        assert_own_figures_of_its_region(district_view(network, district))


def adjust_item(city, code, today):
    """A new version of a city item: one more condition, published as an adjustment."""
    spec = city.catalog.GetItem(catalog_api.GetItemRequest(code=code), metadata=city.token("admin"),
                                timeout=10).latest_version.spec
    spec.conditions.append("从业人员须参加年度药品安全知识培训")
    city.catalog.UpdateItemDraft(catalog_api.UpdateItemDraftRequest(code=code, spec=spec),
                                 metadata=city.token("admin"), timeout=10)
    return city.catalog.PublishItem(catalog_api.PublishItemRequest(
        request_id=rid(), code=code, reason=catalog.CHANGE_REASON_ADJUST,
        reason_note="增加年度培训条件", effective_date=civil(today)),
        metadata=city.token("admin"), timeout=10)


def has_city_changes(deployment, adjusted, cancelled):
    a, c = latest_version(deployment, ADJUSTED_ITEM), latest_version(deployment, CANCELLED_ITEM)
    return (a.version, a.spec) == (adjusted.version, adjusted.spec) and \
        (c.version, c.cancels) == (cancelled.version, True)


class LagWatch:
    """The most events behind (and seconds silent) the city's ListFeedLags showed for each
    subscription, polled every 0.2 s from a thread until `stop()`."""

    def __init__(self, network):
        self.network = network
        self.most = {}
        self.most_silent = {}
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)
        self.thread.start()

    def _watch(self):
        while not self.done.is_set():
            try:
                for name, lag in lags(self.network).items():
                    self.most[name] = max(self.most.get(name, 0), lag.events_behind)
                    if lag.HasField("seconds_silent"):
                        self.most_silent[name] = max(self.most_silent.get(name, 0), lag.seconds_silent)
            except grpc.RpcError:
                pass
            self.done.wait(0.2)

    def stop(self):
        self.done.set()
        self.thread.join(timeout=10)
        return self.most


def test_a_district_cut_off_catches_up_after_healing(network, cases):
    city, cut, connected = network.city, network[QINGFENG], network[HUALONG]
    for district in DISTRICTS:
        wait_caught_up(network, district, timeout=90)
    before = district_view(network, QINGFENG)
    versions_before = {code: latest_version(cut, code).version for code in [ADJUSTED_ITEM, CANCELLED_ITEM]}

    network.cut(QINGFENG)
    cut_at = time.time()
    try:
        # While cut: the county's hall goes on (a morning, window cases, a decision on an
        # earlier case), Hualong's too, and the city changes its catalog.
        morning = play_day(cut, "morning")
        during = [window_case(cut).case_number for _ in range(10)]
        approver = cut.token("approver")
        decided = cases[QINGFENG][1]
        cut.intake.StartReview(intake_api.StartReviewRequest(request_id=rid(), case_number=decided),
                               metadata=approver, timeout=10)
        cut.intake.DecideCase(intake_api.DecideCaseRequest(
            request_id=rid(), case_number=decided, approve=True), metadata=approver, timeout=10)
        hualong_during = [window_case(connected).case_number for _ in range(3)]
        today = hall_today()
        adjusted = adjust_item(city, ADJUSTED_ITEM, today)
        cancelled = city.catalog.CancelItem(catalog_api.CancelItemRequest(
            request_id=rid(), code=CANCELLED_ITEM, reason_note="事项取消", effective_date=civil(today)),
            metadata=city.token("admin"), timeout=10)
        finish(morning)

        # The connected district takes the change and reaches the city; the cut one cannot.
        _, took = wait_for(f"{HUALONG} takes the city's change",
                           lambda: has_city_changes(connected, adjusted, cancelled), timeout=60)
        print(f"\nwhile {QINGFENG} is cut: {HUALONG} took the city's catalog change in {took:.1f} s")
        view, _ = wait_caught_up(network, HUALONG, timeout=60)
        assert set(hualong_during) <= set(view["city"])
        time.sleep(max(0.0, 10 - (time.time() - cut_at)))  # the links try again meanwhile
        cut_view = district_view(network, QINGFENG)
        assert cut_view["city"] == before["city"], "nothing of the cut county reached the city"
        assert len(cut_view["intake"]) >= len(before["intake"]) + len(during)
        assert {code: latest_version(cut, code).version for code in versions_before} == versions_before, \
            "the cut county has not seen the city's change"
        # A district's lag is as of the last message the city received from it; how long the
        # city has not heard from it (an idle feed heartbeats every second) grows while cut,
        # and the connected district's stays fresh.
        silent_feed = f"intake@{QINGFENG}"
        first_silence = silent_seconds(network, silent_feed)
        assert first_silence is not None and first_silence > 3, \
            f"{silent_feed} silent {first_silence} s after {time.time() - cut_at:.1f} s cut"
        time.sleep(1.5)
        later_silence = silent_seconds(network, silent_feed)
        assert later_silence > first_silence + 1, (first_silence, later_silence)
        wait_for(f"the city hears from {HUALONG} while {QINGFENG} is cut",
                 lambda: all(heard_within(network, f"{feed}@{HUALONG}", 3)
                             for feed in ["intake", "rating"]), timeout=15)
        lags_cut = {name: lag for name, lag in lags(network).items() if name.endswith("@" + QINGFENG)}
        print(f"{QINGFENG} cut for {time.time() - cut_at:.1f} s: {len(cut_view['intake'])} cases in its "
              f"intake, {len(cut_view['city'])} at the city; the city's ListFeedLags for it: " +
              ", ".join(f"{n} {lag.events_behind} events behind ({lag.seconds_behind:.0f} s), "
                        f"silent {lag.seconds_silent:.1f} s" for n, lag in lags_cut.items()))
        refused = {name: proxy.refused for name, proxy in network.proxies[QINGFENG].items()}
        print(f"connections refused while cut: {refused}")
        assert all(refused.values()), f"every link tries again while cut: {refused}"
    finally:
        network.heal(QINGFENG)
    healed_at = time.time()
    watch = LagWatch(network)
    try:
        _, heard_took = wait_for(f"the city hears from {QINGFENG} again after healing",
                                 lambda: heard_within(network, silent_feed, 3),
                                 timeout=60, interval=0.2)
        _, catalog_took = wait_for(f"{QINGFENG} takes the city's change after healing",
                                   lambda: has_city_changes(cut, adjusted, cancelled), timeout=90,
                                   interval=0.2)
        view, _ = wait_caught_up(network, QINGFENG, timeout=120)
        took = time.time() - healed_at
    finally:
        most = watch.stop()
    print(f"healed: the city heard from {QINGFENG} again (silent < 3 s) {heard_took:.1f} s after "
          f"healing (most seen: {watch.most_silent.get(silent_feed, 0):.1f} s); "
          f"{QINGFENG} took the city's catalog change {catalog_took:.1f} s after healing; "
          f"the city caught up with it {took:.1f} s after healing (most events behind seen: "
          + ", ".join(f"{n} {most.get(n, 0)}" for n in sorted(most) if n.endswith("@" + QINGFENG))
          + f"): {summary(view)}")
    assert set(during) <= set(view["city"])
    assert view["city"][decided][0] == intake.CASE_STATE_APPROVED
    # Nothing counted twice on the connected side either.
    hualong_view, _ = wait_caught_up(network, HUALONG, timeout=30)
    print(f"{HUALONG}: {summary(hualong_view)}")
    for name, lag in lags(network).items():
        assert lag.parked_events == 0, f"{name} parked events: {lag}"
    # The county's own figures by region are its region's, as the city's row for it.
    assert_own_figures_of_its_region(view)


def test_a_foreign_certificate_is_refused(network):
    city = network.city
    foreign = os.path.join(NET, "foreign", "tls")
    request = catalog_api.GetIndicatorsRequest()

    def call(creds, service="catalog"):
        with grpc.secure_channel(city.address(service), creds) as channel:
            if service == "catalog":
                return catalog_grpc.CatalogServiceStub(channel).GetIndicators(request, timeout=5)
            return supervision_grpc.SupervisionServiceStub(channel).ListFeedLags(
                supervision_api.ListFeedLagsRequest(), metadata=city.token("supervisor"), timeout=5)

    assert call(credentials()).item_count >= 0, "the network's own certificate is taken"
    intruder = credentials(certificate=os.path.join(foreign, "intruder.pem"),
                           key=os.path.join(foreign, "intruder.key"))
    for service in ["catalog", "supervision"]:
        code, details = refusal(lambda: call(intruder, service))
        assert code == grpc.StatusCode.UNAVAILABLE, f"{service}: {code} {details}"
    code, _ = refusal(lambda: call(credentials(certificate="none")))
    assert code == grpc.StatusCode.UNAVAILABLE, "a client without a certificate is refused"
    code, _ = refusal(lambda: call(credentials(
        authority=os.path.join(foreign, "ca.pem"), certificate=os.path.join(foreign, "intruder.pem"),
        key=os.path.join(foreign, "intruder.key"))))
    assert code == grpc.StatusCode.UNAVAILABLE, "the city's certificate is not the stranger's"


def test_a_link_token_signed_by_a_foreign_key_is_unauthenticated(network, cases):
    city = network.city
    forged = bearer(read(os.path.join(NET, "foreign", "forged-link.token")))
    stranger = bearer(read(os.path.join(NET, "foreign", "stranger-link.token")))
    for metadata in [forged, stranger]:
        code, details = refusal(lambda: city.supervision.QueryCases(
            supervision_api.QueryCasesRequest(), metadata=metadata, timeout=10))
        assert code == grpc.StatusCode.UNAUTHENTICATED, details
        code, details = refusal(lambda: next(iter(events_grpc.EventFeedStub(city.channel("catalog")).Subscribe(
            events.SubscribeRequest(), metadata=metadata, timeout=5))))
        assert code == grpc.StatusCode.UNAUTHENTICATED, details
    # A district's key signs its link tokens only: its supervisor's token means nothing here.
    code, details = refusal(lambda: city.supervision.QueryCases(
        supervision_api.QueryCasesRequest(), metadata=network[HUALONG].token("supervisor"), timeout=10))
    assert code == grpc.StatusCode.UNAUTHENTICATED, details


def test_a_district_link_reads_its_own_region_only(network, cases):
    city = network.city
    for district, other in [(HUALONG, QINGFENG), (QINGFENG, HUALONG)]:
        d, o = network[district], network[other]
        link = d.token("link")
        wait_caught_up(network, district, timeout=90)
        own = supervised_cases(city.supervision, link)
        assert own == supervised_cases(city.supervision, city.token("supervisor"), region_code=d.region)
        assert own and all(n.startswith(d.region + "-") for n in own)
        assert own == supervised_cases(city.supervision, link, region_code=d.region)
        rows = figures(city.supervision, link, supervision_api.GROUPING_REGION)
        assert [r.key for r in rows] == [d.region], "figures of its own region only"
        for call in [
            lambda: supervised_cases(city.supervision, link, region_code=o.region),
            lambda: figures(city.supervision, link, supervision_api.GROUPING_REGION, region_code=o.region),
            lambda: city.supervision.GetCase(supervision_api.GetCaseRequest(
                case_number=cases[other][0]), metadata=link, timeout=10),
            lambda: city.supervision.ListFeedLags(supervision_api.ListFeedLagsRequest(),
                                                  metadata=link, timeout=10),
        ]:
            code, details = refusal(call)
            assert code == grpc.StatusCode.PERMISSION_DENIED, details


# — cases passed up to the city and its replies (FED-4) —

# The item the case passed up is for (food business licence, of the market regulation
# department whose approvers every deployment has), and the district's own item no city
# catalog has, copied from it.
PASSED_ITEM = "HL-SCJG-004"
LOCAL_ITEM = "HL-SCJG-901"
CITY_AUTHORITY = "濮阳市市场监督管理局"


def get_case(deployment, number, token="supervisor"):
    return deployment.intake.GetCase(intake_api.GetCaseRequest(case_number=number),
                                     metadata=deployment.token(token), timeout=10)


def passed_from(city, district, number, item=""):
    """The city's cases taken from `district`'s case `number` (of `item`, when given)."""
    listed = paged(city.intake.ListCases, intake_api.ListCasesRequest(item_code=item, page_size=200),
                   "cases", metadata=city.token("supervisor"))
    return [c for c in listed if c.HasField("passed_from")
            and (c.passed_from.deployment, c.passed_from.case_number) == (district, number)]


def case_in(deployment, number, state):
    """The case once the deployment's intake has it in `state` (None before)."""
    kase = get_case(deployment, number)
    return kase if kase.state == state else None


def pass_up(deployment, number, reason):
    return deployment.intake.EscalateCase(intake_api.EscalateCaseRequest(
        request_id=rid(), case_number=number, to_level=common.ADMINISTRATIVE_LEVEL_CITY,
        to_authority=CITY_AUTHORITY, reason=reason), metadata=deployment.token("approver"), timeout=10)


def actions(kase, action):
    return [entry for entry in kase.timeline if entry.action == action]


def supervised(deployment, number):
    """The case as the deployment's supervision has it."""
    return deployment.supervision.GetCase(supervision_api.GetCaseRequest(case_number=number),
                                          metadata=deployment.token("supervisor"), timeout=10)


def supervised_in(deployment, number, state):
    """The supervised case once its supervision has it in `state` (None before)."""
    try:
        kase = supervised(deployment, number)
    except grpc.RpcError as error:
        if error.code() == grpc.StatusCode.NOT_FOUND:
            return None
        raise
    return kase if kase.state == state else None


def test_a_case_passed_up_and_its_reply_cross_cut_links(network, cases):
    city, d = network.city, network[HUALONG]
    number = window_case(d, PASSED_ITEM).case_number
    assert get_case(d, number).state == intake.CASE_STATE_ACCEPTED

    # Passed up while the district is cut off: answered at once, and the case waits here.
    network.cut(HUALONG)
    try:
        passed = pass_up(d, number, "涉及跨区经营，报市局审批")
        assert passed.state == intake.CASE_STATE_PASSED_UP
        assert (passed.passed_to.deployment, passed.passed_to.region_code,
                passed.passed_to.case_number) == (CITY, city.region, "")
        assert passed.deadline.budget_working_days == 3
        assert [e.action for e in passed.timeline][-1] == "passed_up"
        # The district's own supervision watches the leg: open, passed up.
        held, _ = wait_for(f"{HUALONG}'s supervision has the case passed up",
                           lambda: supervised_in(d, number, intake.CASE_STATE_PASSED_UP), timeout=30)
        assert held.open and held.region_code == d.region
        time.sleep(3)  # the city's intake and supervision try the cut link meanwhile
        assert passed_from(city, HUALONG, number) == [], "the city cannot have it yet"
        assert supervised_in(city, number, intake.CASE_STATE_PASSED_UP) is None
        assert get_case(d, number).state == intake.CASE_STATE_PASSED_UP
    finally:
        network.heal(HUALONG)
    taken, took_up = wait_for(f"the city takes {number} after healing",
                              lambda: passed_from(city, HUALONG, number), timeout=60, interval=0.2)
    assert len(taken) == 1, [c.case_number for c in taken]
    city_number = taken[0].case_number
    at_city = get_case(city, city_number)
    print(f"\nthe city took {HUALONG}'s {number} as {city_number} {took_up:.1f} s after healing")
    # The city's own case: its number (no region), accepted, the district's materials and
    # history, the reply's limit, the city item's department.
    assert city_number.startswith(PASSED_ITEM + "-") and not city_number.startswith(d.region)
    assert at_city.state == intake.CASE_STATE_ACCEPTED
    assert (at_city.passed_from.deployment, at_city.passed_from.region_code,
            at_city.passed_from.case_number) == (HUALONG, d.region, number)
    assert list(at_city.materials) == list(passed.materials)
    assert list(at_city.timeline[:-1]) == list(passed.timeline)
    assert at_city.timeline[-1].action == "received_from_below"
    assert at_city.deadline.budget_working_days == 3
    city_spec = city.catalog.GetGuide(catalog_api.GetGuideRequest(item_code=PASSED_ITEM),
                                      timeout=10).version.spec
    assert at_city.department_id == city_spec.department_id
    assert at_city.applicant.id_number == COMPANY.id_number
    # The city's supervision sees the district's case passed up, over the same link.
    wait_for(f"the city's supervision has {number} passed up",
             lambda: supervised_in(city, number, intake.CASE_STATE_PASSED_UP), timeout=60)

    # Decided at the city while the district is cut off again: the reply waits for the link.
    network.cut(HUALONG)
    try:
        approver = city.token("approver")
        city.intake.StartReview(intake_api.StartReviewRequest(request_id=rid(), case_number=city_number),
                                metadata=approver, timeout=10)
        replied = city.intake.DecideCase(intake_api.DecideCaseRequest(
            request_id=rid(), case_number=city_number, approve=True), metadata=approver, timeout=10)
        assert replied.state == intake.CASE_STATE_REPLIED
        # The city's supervision has its own case decided; the district's case waits.
        wait_for(f"the city's supervision has {city_number} replied",
                 lambda: supervised_in(city, city_number, intake.CASE_STATE_REPLIED), timeout=30)
        time.sleep(3)  # the district's intake tries the cut link meanwhile
        waiting = get_case(d, number)
        assert waiting.state == intake.CASE_STATE_PASSED_UP and not actions(waiting, "replied")
        assert supervised_in(d, number, intake.CASE_STATE_PASSED_UP) is not None
    finally:
        network.heal(HUALONG)
    approved, took_down = wait_for(
        f"{HUALONG} has the city's reply after healing",
        lambda: case_in(d, number, intake.CASE_STATE_APPROVED),
        timeout=60, interval=0.2)
    print(f"{HUALONG} had the city's approval of {number} {took_down:.1f} s after healing")
    assert approved.passed_to.case_number == city_number
    assert approved.decision.approved
    assert approved.decision.decided_by == f"{CITY}:{CITY}-approver-scjg"
    assert approved.deadline.budget_working_days == 2
    assert approved.timeline[-1].action == "replied"

    # Issued and delivered at the district's own window.
    d.intake.IssueLicence(intake_api.IssueLicenceRequest(
        request_id=rid(), case_number=number, licence_name="食品经营许可证"),
        metadata=d.token("approver"), timeout=10)
    delivered = d.intake.DeliverResult(intake_api.DeliverResultRequest(
        request_id=rid(), case_number=number), metadata=d.token("clerk"), timeout=10)
    assert delivered.state == intake.CASE_STATE_DELIVERED

    # Nothing doubled: one city case, one pass and one reply on the district's case.
    time.sleep(2)
    assert [c.case_number for c in passed_from(city, HUALONG, number)] == [city_number]
    final = get_case(d, number)
    assert final.state == intake.CASE_STATE_DELIVERED
    assert (len(actions(final, "passed_up")), len(actions(final, "replied"))) == (1, 1)
    assert get_case(city, city_number).state == intake.CASE_STATE_REPLIED

    # Both supervisions see the leg: the district's case in its own and the city's, the city's
    # case in the city's.
    own, _ = wait_for(f"{HUALONG}'s supervision has {number} delivered",
                      lambda: supervised_in(d, number, intake.CASE_STATE_DELIVERED), timeout=30)
    above, _ = wait_for(f"the city's supervision has {number} delivered",
                        lambda: supervised_in(city, number, intake.CASE_STATE_DELIVERED), timeout=30)
    theirs, _ = wait_for(f"the city's supervision has {city_number} replied",
                         lambda: supervised_in(city, city_number, intake.CASE_STATE_REPLIED), timeout=30)
    assert not own.open and not above.open and not theirs.open
    assert own.region_code == above.region_code == d.region
    assert [e.action for e in own.timeline] == [e.action for e in above.timeline]
    print(f"supervision: {number} in {HUALONG}'s ({own.region_code}) and the city's "
          f"({above.region_code}); {city_number} in the city's (region {theirs.region_code}, "
          f"department {theirs.department_id})")
    for name, lag in lags(network).items():
        assert lag.parked_events == 0, f"{name} parked events: {lag}"
    # Shown, not asserted: where the city counts its own case (by its department's region).
    after = district_view(network, HUALONG)
    print(f"after the round trip: the city lists {len(after['city'])} cases under {d.region} and "
          f"counts {after['city_figures']['accepted_cases']} accepted there; {HUALONG} has "
          f"{len(after['own'])} and {after['own_figures']['accepted_cases']}")
    # The city's case is of the item it was passed up for: its intake finds it by the item, and
    # its supervision counts it under the item.
    assert (at_city.item_code, at_city.item_name) == (PASSED_ITEM, city_spec.name)
    assert [c.case_number for c in passed_from(city, HUALONG, number, PASSED_ITEM)] == [city_number]
    assert theirs.item_code == PASSED_ITEM


def test_a_case_the_city_cannot_take_comes_back(network, cases):
    """The district's own item, which the city's catalog lacks: the city stores nothing and
    answers why, and the case is the district's to review again."""
    city, d = network.city, network[HUALONG]
    spec = latest_version(d, PASSED_ITEM).spec
    spec.name = "食品经营许可核发（区级自设）"
    d.catalog.CreateItem(catalog_api.CreateItemRequest(request_id=rid(), code=LOCAL_ITEM, spec=spec),
                         metadata=d.token("admin"), timeout=10)
    d.catalog.PublishItem(catalog_api.PublishItemRequest(
        request_id=rid(), code=LOCAL_ITEM, reason=catalog.CHANGE_REASON_NEW,
        reason_note="区级自设事项", effective_date=civil(hall_today())),
        metadata=d.token("admin"), timeout=10)

    def accepted():
        try:
            return window_case(d, LOCAL_ITEM).case_number
        except grpc.RpcError as error:
            if error.code() != grpc.StatusCode.NOT_FOUND:
                raise
            return None
    number, _ = wait_for(f"{HUALONG}'s intake takes its own item", accepted, timeout=30)
    code, _ = refusal(lambda: city.catalog.GetGuide(
        catalog_api.GetGuideRequest(item_code=LOCAL_ITEM), timeout=10))
    assert code == grpc.StatusCode.NOT_FOUND, "the city's catalog has no such item"

    passed = pass_up(d, number, "报市局审批")
    assert passed.state == intake.CASE_STATE_PASSED_UP
    back, took = wait_for(
        f"{HUALONG}'s case {number} comes back from the city",
        lambda: case_in(d, number, intake.CASE_STATE_IN_REVIEW),
        timeout=60, interval=0.2)
    note = back.timeline[-1].note
    print(f"\nthe city's refusal of {number} came back in {took:.1f} s: {note!r}")
    assert back.timeline[-1].action == "replied"
    assert CITY in note and LOCAL_ITEM in note, note
    assert (len(actions(back, "passed_up")), len(actions(back, "replied"))) == (1, 1)
    assert passed_from(city, HUALONG, number) == [], "the city stored nothing"
    # Back in review, the district's approver decides it here.
    decided = d.intake.DecideCase(intake_api.DecideCaseRequest(
        request_id=rid(), case_number=number, approve=True), metadata=d.token("approver"), timeout=10)
    assert decided.state == intake.CASE_STATE_APPROVED
    for name, lag in lags(network).items():
        assert lag.parked_events == 0, f"{name} parked events: {lag}"
