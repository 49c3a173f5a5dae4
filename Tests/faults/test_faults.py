"""Faults a real hall meets, from outside: a Python client generated from proto/ alone drives
the built executables, which this module starts, kills and restarts itself. Each phase is
bounded in time; the figures of each are printed (answered, lost, doubled)."""

import json
import os
import signal
import subprocess
import sys
import threading
import time

import grpc
import pytest

sys.path.insert(0, os.environ["HALL_STUBS"])
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../python"))

from hall.catalog.v1 import catalog_service_pb2_grpc as catalog_grpc  # noqa: E402
from hall.catalog.v1 import resources_pb2 as catalog  # noqa: E402
from hall.common.v1 import common_pb2 as common  # noqa: E402
from hall.intake.v1 import intake_service_pb2 as intake_api  # noqa: E402
from hall.intake.v1 import intake_service_pb2_grpc as intake_grpc  # noqa: E402
from hall.intake.v1 import resources_pb2 as intake  # noqa: E402
from hall_client import channel, free_ports, publish_item, rid, token  # noqa: E402

ENV = os.environ
ITEM = "FT-SCJG-001"
SERVICES = ["catalog", "intake", "rating", "supervision"]


def network_ports(keys):
    """Each instance's listener and metrics ports, all taken together, and the links every
    service follows, to the instance of each service named `<service>` or `<service>-b`
    (the one that survives, as a cluster's service name would name whichever is up)."""
    free = free_ports(2 * len(keys))
    ports = dict(zip(keys, free))
    metrics = dict(zip(keys, free[len(keys):]))
    links = {}
    for service in SERVICES:
        key = next(k for k in (f"{service}-b", service) if k in ports)
        links[f"HALL_{service.upper()}_ADDR"] = f"127.0.0.1:{ports[key]}"
    return ports, metrics, links


def address(name):
    return f"127.0.0.1:{ENV['HALL_PORT_' + name.upper()]}"


class Service:
    """One executable, started as Tests/python/harness.sh's `start` does; `port` and `env`
    make it another instance of the same service, or one linked to other peers."""

    def __init__(self, name, port=None, env=None, metrics_port=None):
        self.name = name
        self.port = port or ENV["HALL_PORT_" + name.upper()]
        # The harness's ports were taken together with the listeners', so none is another's.
        self.metrics_port = metrics_port or ENV["HALL_METRICS_PORT_" + name.upper()]
        self.extra = env or {}
        self.process = None

    @property
    def address(self):
        return f"127.0.0.1:{self.port}"

    @property
    def log_path(self):
        suffix = "" if self.port == ENV.get("HALL_PORT_" + self.name.upper()) else f"-{self.port}"
        return os.path.join(ENV["HALL_WORK"], f"fault-{self.name}{suffix}.log")

    def logged(self, message, **fields):
        """Whether the instance logged `message` with these fields (one JSON line each)."""
        with open(self.log_path) as log:
            return any(json.loads(line).get("msg") == message
                       and all(json.loads(line).get(k) == v for k, v in fields.items())
                       for line in log if line.startswith("{"))

    def start(self):
        env = dict(ENV)
        env.update({
            "HALL_LISTEN_PORT": str(self.port),
            "HALL_DB_PORT": ENV["HALL_PG_PORT"],
            "HALL_DB_PASSWORD_FILE": os.path.join(ENV["HALL_SECRETS"], f"hall_{self.name}.password"),
            "HALL_TOKEN_PUBLIC_KEY_FILE": os.path.join(ENV["HALL_KEYS"], "signing.pub"),
            "HALL_SERVICE_TOKEN_FILE": os.path.join(ENV["HALL_KEYS"], f"{self.name}.token"),
            "HALL_DB_MAX_CONNECTIONS": "12", "HALL_REGION_CODE": "410902",
            "HALL_TLS_CERT_FILE": os.path.join(ENV["HALL_TLS_DIR"], f"{self.name}.pem"),
            "HALL_TLS_KEY_FILE": os.path.join(ENV["HALL_TLS_DIR"], f"{self.name}.key"),
            "HALL_METRICS_PORT": str(self.metrics_port),
        })
        env.update(self.extra)
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [os.path.join(ENV["HALL_BIN"], f"hall-{self.name}")], env=env, stdout=log, stderr=log)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                grpc.channel_ready_future(channel(self.address)).result(timeout=0.5)
                return
            except grpc.FutureTimeoutError:
                assert self.process.poll() is None, f"hall-{self.name} exited at start"
        raise AssertionError(f"hall-{self.name} did not start in 30 s")

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def terminate(self, within):
        """SIGTERM; the seconds it took to exit, or None past `within`."""
        started = time.time()
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=within)
            return time.time() - started
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
            return None


def restart_postgres(mode):
    subprocess.run(
        [os.path.join(os.path.dirname(__file__), "../../deploy/local-postgres.sh"), "restart", mode],
        env=dict(ENV, HALL_PG_DIR=ENV["HALL_PG_DIR"], HALL_PG_PORT=ENV["HALL_PG_PORT"]),
        check=True, timeout=90, capture_output=True)


@pytest.fixture(scope="module")
def hall():
    services = {name: Service(name) for name in SERVICES}
    for service in services.values():
        service.start()
    yield services
    for service in services.values():
        if service.process and service.process.poll() is None:
            service.terminate(within=20)


@pytest.fixture(scope="module")
def stubs(hall):
    catalog_channel = channel(address("catalog"))
    intake_channel = channel(address("intake"))
    yield catalog_grpc.CatalogServiceStub(catalog_channel), intake_grpc.IntakeServiceStub(intake_channel)
    catalog_channel.close()
    intake_channel.close()


@pytest.fixture(scope="module")
def published(stubs):
    catalog_stub, intake_stub = stubs
    publish_item(catalog_stub, "ft", ITEM, fee=catalog.Fee(
        charged=True, name="工本费", legal_basis="《收费标准》", standard="每证 10 元", amount_fen=1000))
    deadline = time.time() + 30
    while True:
        try:
            window_case(intake_stub, rid())
            return ITEM
        except grpc.RpcError as error:
            if error.code() != grpc.StatusCode.NOT_FOUND or time.time() > deadline:
                raise
            time.sleep(0.2)


def window_case(intake_stub, request_id, metadata=None, timeout=5, item=ITEM):
    """A case received and accepted at the window in one call (the path of #14 point 1)."""
    return intake_stub.SubmitCase(
        intake_api.SubmitCaseRequest(
            request_id=request_id, item_code=item, channel=common.CHANNEL_WINDOW, window_id="W01",
            applicant=intake.Applicant(
                kind=intake.APPLICANT_KIND_CITIZEN, id_number="410102199003071230", name="张三"),
            provided_material_ids=["m1"],
            delivery=intake.Delivery(method=intake.DELIVERY_METHOD_WINDOW_PICKUP),
            decision=intake_api.AcceptanceDecision()),
        metadata=metadata or token("clerk"), timeout=timeout)


def load_with_fault(intake_stub, fault, seconds=8.0, clients=6, fault_at=2.0):
    """Window acceptances from `clients` threads for `seconds`; `fault()` runs at `fault_at`.
    Returns the answered calls (request id → case number) and the count of failed ones."""
    answered, failures, lock = {}, [0], threading.Lock()
    stop = time.time() + seconds

    def client():
        while time.time() < stop:
            request_id = rid()
            try:
                case = window_case(intake_stub, request_id, timeout=3)
                with lock:
                    answered[request_id] = case.case_number
            except grpc.RpcError as error:
                assert error.code() not in (grpc.StatusCode.INTERNAL, grpc.StatusCode.UNKNOWN), \
                    f"{error.code()}: {error.details()}"
                with lock:
                    failures[0] += 1
                time.sleep(0.05)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    time.sleep(fault_at)
    fault()
    for thread in threads:
        thread.join(timeout=seconds + 30)
    return answered, failures[0]


def audit(intake_stub, answered):
    """Every answered case is stored, and a retry of its request id answers the same case:
    (lost, doubled)."""
    deadline = time.time() + 30
    while True:  # the service may still be reconnecting
        try:
            intake_stub.ListCases(intake_api.ListCasesRequest(page_size=1), metadata=token("clerk"),
                                  timeout=3)
            break
        except grpc.RpcError:
            assert time.time() < deadline, "intake did not serve again within 30 s"
            time.sleep(0.5)
    lost = doubled = 0
    for request_id, number in answered.items():
        try:
            intake_stub.GetCase(intake_api.GetCaseRequest(case_number=number),
                                metadata=token("clerk"), timeout=5)
        except grpc.RpcError as error:
            assert error.code() == grpc.StatusCode.NOT_FOUND, error.details()
            lost += 1
        again = window_case(intake_stub, request_id)
        if again.case_number != number:
            doubled += 1
    return lost, doubled


@pytest.mark.parametrize("mode", ["fast", "immediate"])
def test_acknowledged_cases_survive_a_database_restart(stubs, published, mode):
    _, intake_stub = stubs
    answered, failed = load_with_fault(intake_stub, lambda: restart_postgres(mode))
    lost, doubled = audit(intake_stub, answered)
    print(f"\nPostgreSQL restart ({mode}): answered {len(answered)}, failed {failed}, "
          f"lost {lost}, doubled {doubled}")
    assert len(answered) > 0 and lost == 0 and doubled == 0


def test_acknowledged_cases_survive_kill_9_of_intake(hall, stubs, published):
    _, intake_stub = stubs

    def kill_and_restart():
        hall["intake"].kill()
        hall["intake"].start()

    answered, failed = load_with_fault(intake_stub, kill_and_restart)
    lost, doubled = audit(intake_stub, answered)
    print(f"\nintake killed (SIGKILL) and restarted: answered {len(answered)}, failed {failed}, "
          f"lost {lost}, doubled {doubled}")
    assert len(answered) > 0 and lost == 0 and doubled == 0


def test_another_callers_request_id_is_another_request(stubs, published):
    _, intake_stub = stubs
    request_id = rid()
    first = window_case(intake_stub, request_id)
    other = window_case(intake_stub, request_id, metadata=token("other-clerk"))
    assert other.case_number != first.case_number and other.hall_id == "other-hall"
    assert window_case(intake_stub, request_id).case_number == first.case_number


def refused(call, code):
    with pytest.raises(grpc.RpcError) as caught:
        call()
    assert caught.value.code() == code, f"{caught.value.code()}: {caught.value.details()}"
    return caught.value


def test_overflowing_numbers_are_refused_and_the_service_stays_up(stubs, published):
    _, intake_stub = stubs
    case = window_case(intake_stub, rid())
    approver, clerk = token("approver"), token("clerk")
    error = refused(lambda: intake_stub.ExtendDeadline(
        intake_api.ExtendDeadlineRequest(request_id=rid(), case_number=case.case_number,
                                         working_days=2**31 - 1, reason="延期"),
        metadata=approver), grpc.StatusCode.INVALID_ARGUMENT)
    assert dict(error.trailing_metadata()).get("hall-field") == "working_days"
    error = refused(lambda: intake_stub.RecordFee(
        intake_api.RecordFeeRequest(request_id=rid(), case_number=case.case_number,
                                    amount_fen=2**63 - 1, receipt_number="R-1"),
        metadata=clerk), grpc.StatusCode.INVALID_ARGUMENT)
    assert "amount_fen" in error.details()
    refused(lambda: intake_stub.AcceptCase(
        intake_api.AcceptCaseRequest(request_id=rid(), case_number=case.case_number,
                                     shortfall_working_days=-5),
        metadata=clerk), grpc.StatusCode.INVALID_ARGUMENT)
    refused(lambda: intake_stub.ListCases(intake_api.ListCasesRequest(state=99), metadata=clerk),
            grpc.StatusCode.INVALID_ARGUMENT)
    # Still serving, and the case unchanged.
    again = intake_stub.GetCase(intake_api.GetCaseRequest(case_number=case.case_number),
                                metadata=clerk)
    assert again.timeline == case.timeline and not again.fees


def test_long_input_is_quoted_briefly(stubs, published):
    _, intake_stub = stubs
    with pytest.raises(grpc.RpcError) as caught:
        intake_stub.GetCase(intake_api.GetCaseRequest(case_number="X" * 10_000),
                            metadata=token("clerk"))
    error = caught.value
    assert error.code() in (grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.NOT_FOUND)
    assert len(error.details().encode()) <= 1024, len(error.details())


# A property-based fuzz of request fields: whatever a caller sends, the answer is a precise
# status (never INTERNAL or UNKNOWN), the service stays up, and a refused call writes nothing.

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

INT32 = st.integers(min_value=-2**31, max_value=2**31 - 1)
INT64 = st.integers(min_value=-2**63, max_value=2**63 - 1)
ENUM = st.integers(min_value=-3, max_value=40)
TEXT = st.one_of(st.text(max_size=60), st.text(min_size=200, max_size=3000))


def count(sql):
    password = open(os.path.join(ENV["HALL_SECRETS"], "hall_intake.password")).read().strip()
    out = subprocess.run(
        ["psql", "-X", "-A", "-t", "-h", "127.0.0.1", "-p", ENV["HALL_PG_PORT"], "-U", "hall_intake",
         "-d", "hall", "-c", sql],
        env=dict(ENV, PGPASSWORD=password), check=True, capture_output=True, text=True, timeout=20)
    return int(out.stdout.strip())


def written():
    return count("SELECT (SELECT count(*) FROM intake.cases) + (SELECT count(*) FROM intake.request_log)"
                 " + (SELECT count(*) FROM intake.outbox)")


def call_and_check(call):
    before = written()
    try:
        call()
    except grpc.RpcError as error:
        assert error.code() not in (grpc.StatusCode.INTERNAL, grpc.StatusCode.UNKNOWN,
                                    grpc.StatusCode.CANCELLED), f"{error.code()}: {error.details()}"
        assert len(error.details().encode()) <= 1100
        assert written() == before, f"a refused call wrote: {error.code()} {error.details()}"


FUZZ = settings(max_examples=60, deadline=None, derandomize=True,
                suppress_health_check=list(HealthCheck))


@FUZZ
@given(item=st.one_of(st.just(ITEM), TEXT), channel=ENUM, kind=ENUM,
       id_number=st.one_of(st.just("410102199003071230"), TEXT), name=TEXT,
       materials=st.lists(TEXT, max_size=5), form=st.dictionaries(TEXT, TEXT, max_size=3),
       delivery=ENUM, window=TEXT, shortfall_days=st.one_of(st.none(), INT32),
       defect=st.one_of(st.none(), st.tuples(TEXT, TEXT)))
def test_fuzz_submit_case(stubs, published, item, channel, kind, id_number, name, materials, form,
                          delivery, window, shortfall_days, defect):
    _, intake_stub = stubs
    decision = None
    if shortfall_days is not None or defect is not None:
        decision = intake_api.AcceptanceDecision(shortfall_working_days=shortfall_days or 0)
        if defect:
            decision.defects.add(material_id=defect[0], reason=defect[1])
    request = intake_api.SubmitCaseRequest(
        request_id=rid(), item_code=item, channel=channel, window_id=window,
        applicant=intake.Applicant(kind=kind, id_number=id_number, name=name),
        provided_material_ids=materials, form=form,
        delivery=intake.Delivery(method=delivery), decision=decision)
    call_and_check(lambda: intake_stub.SubmitCase(request, metadata=token("clerk"), timeout=10))


@FUZZ
@given(days=INT32, amount=INT64, reason=TEXT, state=ENUM, page_size=INT32, page_token=TEXT)
def test_fuzz_back_office_and_listing(stubs, published, days, amount, reason, state, page_size,
                                      page_token):
    _, intake_stub = stubs
    number = window_case(intake_stub, "fuzz-case").case_number
    call_and_check(lambda: intake_stub.ExtendDeadline(
        intake_api.ExtendDeadlineRequest(request_id=rid(), case_number=number, working_days=days,
                                         reason=reason),
        metadata=token("approver"), timeout=10))
    call_and_check(lambda: intake_stub.RecordFee(
        intake_api.RecordFeeRequest(request_id=rid(), case_number=number, amount_fen=amount,
                                    receipt_number=reason),
        metadata=token("clerk"), timeout=10))
    call_and_check(lambda: intake_stub.ListCases(
        intake_api.ListCasesRequest(state=state, page_size=page_size, page_token=page_token),
        metadata=token("clerk"), timeout=10))


def test_oversized_request_and_token_are_refused_precisely(stubs, published):
    _, intake_stub = stubs
    request = intake_api.SubmitCaseRequest(
        request_id=rid(), item_code=ITEM, channel=common.CHANNEL_WINDOW, window_id="W01",
        applicant=intake.Applicant(
            kind=intake.APPLICANT_KIND_CITIZEN, id_number="410102199003071230", name="张三"),
        provided_material_ids=["m1"], form={"enterprise_name": "x" * (5 << 20)},
        delivery=intake.Delivery(method=intake.DELIVERY_METHOD_WINDOW_PICKUP))
    error = refused(lambda: intake_stub.SubmitCase(request, metadata=token("clerk"), timeout=30),
                    grpc.StatusCode.RESOURCE_EXHAUSTED)
    assert "at most" in error.details()
    long_token = (("authorization", "Bearer " + "a" * 9000 + ".b.c"),)
    error = refused(lambda: intake_stub.ListCases(intake_api.ListCasesRequest(), metadata=long_token),
                    grpc.StatusCode.UNAUTHENTICATED)
    assert "bytes long" in error.details()


# Last: it stops every service.
def test_sigterm_stops_every_service_after_a_database_restart(hall, published):
    restart_postgres("fast")
    time.sleep(2)
    took = {name: hall[name].terminate(within=15) for name in SERVICES}
    print(f"\nSIGTERM after a PostgreSQL restart: seconds to exit {took}")
    assert all(seconds is not None for seconds in took.values()), took
