"""OPS-3, read as an OpenTelemetry collector receives it: a case accepted at intake, with
the caller's W3C trace context, is one trace across the services. Intake's server span
continues the caller's span, its statements are its children, and supervision's and
rating's work on the case's events continue intake's span, down to the red card
supervision's timer later raises on the case. Every parent a span names is in the trace."""

import os
import secrets
import time

import grpc

from test_faults import Service, network_ports, window_case  # first: it puts the stubs on the path

from hall.catalog.v1 import catalog_service_pb2_grpc as catalog_grpc  # noqa: E402
from hall.intake.v1 import intake_service_pb2_grpc as intake_grpc  # noqa: E402
from hall_client import channel, publish_item, rid, token  # noqa: E402
from otlp_receiver import Collector  # noqa: E402

ITEM = "TR-SCJG-001"
# Supervision's clock runs 40 days ahead of the others': a case accepted now is long overdue
# there, and its timer raises the red card at once.
LATER = 40 * 86400


def start_network(collector):
    keys = ["catalog", "intake", "rating", "supervision"]
    ports, metrics, links = network_ports(keys)
    env = links | {"OTEL_EXPORTER_OTLP_ENDPOINT": collector.endpoint,
                   "OTEL_BSP_SCHEDULE_DELAY": "100"}
    later = {"HALL_CLOCK_OFFSET_SECONDS": str(int(os.environ["HALL_CLOCK_OFFSET_SECONDS"]) + LATER)}
    hall = {key: Service(key, port=ports[key], metrics_port=metrics[key],
                         env=env | (later if key == "supervision" else {}))
            for key in keys}
    for service in hall.values():
        service.start()
    return hall


def wait_for(collector, trace_id, wanted, seconds=60):
    deadline = time.time() + seconds
    while True:
        spans = collector.spans(trace_id)
        if wanted(spans) or time.time() > deadline:
            return spans
        time.sleep(0.3)


def test_a_case_is_one_trace_from_the_window_to_the_red_card():
    collector = Collector()
    hall = start_network(collector)
    try:
        catalog_stub = catalog_grpc.CatalogServiceStub(channel(hall["catalog"].address))
        intake_stub = intake_grpc.IntakeServiceStub(channel(hall["intake"].address))
        publish_item(catalog_stub, "tr", ITEM, department_name="市场监管局（追踪）")
        deadline = time.time() + 30
        while True:  # until intake's replica of the catalog has the item
            try:
                window_case(intake_stub, rid(), item=ITEM)
                break
            except grpc.RpcError as error:
                assert error.code() == grpc.StatusCode.NOT_FOUND and time.time() < deadline
                time.sleep(0.2)
        # The clerk's client traces: its call carries the W3C context of its own span.
        trace_id, caller = secrets.token_hex(16), secrets.token_hex(8)
        metadata = token("clerk") + (("traceparent", f"00-{trace_id}-{caller}-01"),)
        case = window_case(intake_stub, rid(), metadata=metadata, item=ITEM)

        def complete(spans):
            names = {(s["service"], s["name"]) for s in spans}
            return (("hall-supervision", "supervision.timer raised") in names
                    and any(s["service"] == "hall-rating" and s["kind"] == Collector.CONSUMER
                            for s in spans))

        spans = wait_for(collector, trace_id, complete)
        by_id = {s["span_id"]: s for s in spans}
        print(f"\ntrace {trace_id}: {len(spans)} spans")
        for s in spans:
            print(f"  {s['service']:<17} {s['name'][:70]:<70} parent "
                  f"{by_id.get(s['parent_span_id'], {}).get('name', s['parent_span_id'])[:40]}")

        # Intake's server span continues the caller's span.
        [server] = [s for s in spans if s["kind"] == Collector.SERVER
                    and s["name"] == "hall.intake.v1.IntakeService/SubmitCase"]
        assert server["service"] == "hall-intake"
        assert server["parent_span_id"] == caller
        assert server["attributes"]["rpc.grpc.status_code"] == 0
        # Its statements are its children, with their text and no values.
        statements = [s for s in spans if s["parent_span_id"] == server["span_id"]
                      and s["attributes"].get("db.system.name") == "postgresql"]
        assert statements, "intake's statements are children of its server span"
        assert all(case.case_number not in s["attributes"]["db.query.text"] for s in statements)
        # Supervision and rating apply the case's events inside intake's trace.
        for service in ["hall-supervision", "hall-rating"]:
            applied = [s for s in spans if s["service"] == service
                       and s["kind"] == Collector.CONSUMER
                       and s["parent_span_id"] == server["span_id"]]
            assert applied, f"{service} applies intake's events as children of its server span"
            assert all(s["attributes"]["hall.event.aggregate_id"] == case.case_number
                       for s in applied)
        # Supervision's statements for the case are in a trace: under its event spans when it
        # applied the events one by one, else under the span of the batch that applied them,
        # which links to the case's trace.
        supervision = [s for s in spans if s["service"] == "hall-supervision"
                       and s["kind"] == Collector.CONSUMER]
        if not any(s["parent_span_id"] in {a["span_id"] for a in supervision}
                   and s["attributes"].get("db.system.name") == "postgresql" for s in spans):
            batches = wait_for(collector, None, lambda all_spans: any(
                s["name"] == "apply batch" and trace_id in s["links"] for s in all_spans))
            [batch] = [s for s in batches if s["name"] == "apply batch"
                       and trace_id in s["links"]][:1]
            assert batch["service"] == "hall-supervision"
            assert batch["attributes"]["messaging.batch.message_count"] >= 2
            under = [s for s in collector.spans(batch["trace_id"])
                     if s["parent_span_id"] == batch["span_id"]
                     and s["attributes"].get("db.system.name") == "postgresql"]
            assert under, "the batch's statements are children of its span"
            print(f"supervision applied the case's events in a batch of "
                  f"{batch['attributes']['messaging.batch.message_count']}, "
                  f"{len(under)} statements under its span")
        # Supervision's timer raises the red card days later, in the same trace.
        [raised] = [s for s in spans if s["name"] == "supervision.timer raised"]
        assert raised["attributes"]["hall.case_number"] == case.case_number
        assert "supervision.card.red" in raised["attributes"]["hall.events"]
        # Every parent named is in the trace: one tree, rooted at the caller's span.
        orphans = [s["name"] for s in spans
                   if s["parent_span_id"] != caller and s["parent_span_id"] not in by_id]
        assert not orphans, f"spans whose parent is missing: {orphans}"
    finally:
        for service in hall.values():
            service.terminate(within=10)
        collector.stop()
