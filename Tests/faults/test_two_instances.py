"""OPS-1, shown with processes: two instances each of intake, rating and supervision on the
same schemas while cases flow. Both intake instances take writes; each feed is applied by
one instance at a time; the instances that lead (started first) are killed with SIGKILL in
the middle, and the standbys take over: every acknowledged case is stored once, and
supervision's figures count each exactly once."""

import datetime
import os
import time

import grpc

from test_faults import Service, network_ports, window_case  # first: it puts the stubs on the path

from hall.catalog.v1 import catalog_service_pb2_grpc as catalog_grpc  # noqa: E402
from hall.common.v1 import common_pb2 as common  # noqa: E402
from hall.intake.v1 import intake_service_pb2 as intake_api  # noqa: E402
from hall.intake.v1 import intake_service_pb2_grpc as intake_grpc  # noqa: E402
from hall.supervision.v1 import supervision_service_pb2 as supervision_api  # noqa: E402
from hall.supervision.v1 import supervision_service_pb2_grpc as supervision_grpc  # noqa: E402
from hall_client import channel, publish_item, rid, token  # noqa: E402

ITEM = "TI-SCJG-001"
DEPARTMENT = "ti-scjg"


def start_network():
    """catalog once; intake, rating and supervision twice. Each link names the instance that
    survives (`b`), as a cluster's service name would name whichever is up."""
    keys = ["catalog", "intake-a", "intake-b", "rating-a", "rating-b",
            "supervision-a", "supervision-b"]
    ports, metrics, links = network_ports(keys)
    instances = {key: Service(key.split("-")[0], port=port, env=links, metrics_port=metrics[key])
                 for key, port in ports.items()}
    # The `a` instances start first: they take the feeds' and timers' locks.
    for key in ["catalog", "intake-a", "rating-a", "supervision-a",
                "intake-b", "rating-b", "supervision-b"]:
        instances[key].start()
    return instances


def accepted_in_supervision(watch):
    # The hall's clock, which the harness sets (HALL_CLOCK_OFFSET_SECONDS).
    now = time.time() + int(os.environ.get("HALL_CLOCK_OFFSET_SECONDS", "0"))
    today = datetime.datetime.fromtimestamp(now, datetime.timezone(datetime.timedelta(hours=8)))
    start, end = today.date() - datetime.timedelta(days=30), today.date() + datetime.timedelta(days=1)
    rows = watch.GetFigures(supervision_api.GetFiguresRequest(
        grouping=supervision_api.GROUPING_DEPARTMENT,
        **{"from": common.CivilDate(year=start.year, month=start.month, day=start.day)},
        to=common.CivilDate(year=end.year, month=end.month, day=end.day)),
        metadata=token("supervisor"), timeout=5).rows
    return sum(row.accepted_cases for row in rows if row.key == DEPARTMENT)


def cases_in_intake(intake_stub):
    total, page = 0, ""
    while True:
        response = intake_stub.ListCases(intake_api.ListCasesRequest(
            department_id=DEPARTMENT, page_size=200, page_token=page),
            metadata=token("clerk"), timeout=10)
        total += sum(1 for case in response.cases if case.item_code == ITEM)
        page = response.next_page_token
        if not page:
            return total


def test_two_instances_share_the_work_and_the_standbys_take_over():
    hall = start_network()
    try:
        catalog_stub = catalog_grpc.CatalogServiceStub(channel(hall["catalog"].address))
        intake = {key: intake_grpc.IntakeServiceStub(channel(hall[key].address))
                  for key in ["intake-a", "intake-b"]}
        watch = supervision_grpc.SupervisionServiceStub(channel(hall["supervision-b"].address))
        publish_item(catalog_stub, "ti", ITEM, department_name="市场监管局（两实例）")
        for stub in intake.values():  # each instance's catalog replica has the item
            deadline = time.time() + 30
            while True:
                try:
                    window_case(stub, rid(), item=ITEM)
                    break
                except grpc.RpcError as error:
                    assert error.code() == grpc.StatusCode.NOT_FOUND and time.time() < deadline
                    time.sleep(0.2)

        # Cases at both instances in turn; the leaders die a third of the way in.
        answered, by_instance, failed = {}, {"intake-a": 0, "intake-b": 0}, 0
        stop, kill_at, killed_at = time.time() + 12, time.time() + 4, None
        turn, at_kill, took_over, polled = 0, None, None, 0.0
        while time.time() < stop:
            if killed_at is None and time.time() >= kill_at:
                for key in ["intake-a", "rating-a", "supervision-a"]:
                    hall[key].kill()
                killed_at = time.time()
                at_kill = accepted_in_supervision(watch)
            elif killed_at is not None and took_over is None and time.time() - polled > 0.2:
                # The standby applies intake's feed once it holds the lock the leader held.
                polled = time.time()
                if accepted_in_supervision(watch) > at_kill:
                    took_over = polled - killed_at
            key = ["intake-a", "intake-b"][turn % 2]
            turn += 1
            request_id = rid()
            try:
                case = window_case(intake[key], request_id, timeout=3, item=ITEM)
                answered[request_id] = case.case_number
                by_instance[key] += 1
            except grpc.RpcError as error:
                assert error.code() not in (grpc.StatusCode.INTERNAL, grpc.StatusCode.UNKNOWN)
                failed += 1

        # Stored once each: a retry of each request id at the survivor answers the same case.
        doubled = sum(window_case(intake["intake-b"], request_id, item=ITEM).case_number != number
                      for request_id, number in answered.items())
        expected = cases_in_intake(intake["intake-b"])
        deadline = time.time() + 60
        while (seen := accepted_in_supervision(watch)) != expected and time.time() < deadline:
            time.sleep(0.5)
        # The killed instances led: they had subscribed to the feeds the standbys took over.
        assert hall["supervision-a"].logged("subscribing", subscription="intake")
        assert hall["rating-a"].logged("subscribing", subscription="intake")
        assert hall["supervision-b"].logged("subscribing", subscription="intake")
        assert took_over is not None, "supervision's standby never applied intake's feed"
        print(f"\ntwo instances: answered {len(answered)} (a {by_instance['intake-a']}, "
              f"b {by_instance['intake-b']}), failed {failed} (calls to the killed instance), "
              f"doubled {doubled}; supervision counted {seen} of intake's {expected}; "
              f"its standby applied intake's feed {took_over:.1f} s after the leaders were killed")
        assert took_over < 30
        assert by_instance["intake-a"] > 0 and by_instance["intake-b"] > 0
        assert doubled == 0
        assert expected >= len(answered) > 0
        assert seen == expected, "supervision's figures count every case exactly once"
        for key in ["intake-b", "rating-b", "supervision-b"]:
            assert hall[key].process.poll() is None, f"{key} still serves"
    finally:
        for instance in hall.values():
            if instance.process and instance.process.poll() is None:
                instance.terminate(within=20)
