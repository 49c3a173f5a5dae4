"""OPS-3, read as Prometheus reads it: each service's /metrics, after the scripted day, parsed
by the Prometheus project's own Python parser; every family documented and typed, the gRPC
families under go-grpc-prometheus' names, the feeds' lag by producer, the domain's counters."""

import os
import subprocess
import time
import urllib.request

from prometheus_client.parser import text_string_to_metric_families

SERVICES = ["catalog", "intake", "rating", "supervision"]


def scrape_text(service):
    port = os.environ[f"HALL_METRICS_{service.upper()}"]
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
        return response.read().decode()


def scrape(service):
    text = scrape_text(service)
    return {family.name: family for family in text_string_to_metric_families(text)}


def test_promtool_passes_every_services_scrape():
    for service in SERVICES:
        text = scrape_text(service)
        checked = subprocess.run([os.environ["HALL_PROMTOOL"], "check", "metrics"],
                                 input=text, capture_output=True, text=True, timeout=30)
        assert checked.returncode == 0 and not checked.stdout.strip(), \
            f"{service}: promtool says {checked.stdout} {checked.stderr}"


def total(families, name, **labels):
    family = families.get(name)
    if family is None:
        return 0
    return sum(sample.value for sample in family.samples
               if sample.name.endswith("_total") or sample.name == name
               if all(sample.labels.get(k) == v for k, v in labels.items()))


def test_every_service_serves_parseable_documented_metrics():
    for service in SERVICES:
        families = scrape(service)
        for family in families.values():
            assert family.documentation, f"{service}: {family.name} has no help text"
            assert family.type in ("counter", "gauge", "histogram"), family.name
        handled = families["grpc_server_handled"]
        assert {"grpc_type", "grpc_service", "grpc_method", "grpc_code"} <= set(
            handled.samples[0].labels), service
        assert "grpc_server_handling_seconds" in families, service
        assert "hall_outbox_head_position" in families, service


def test_the_days_work_is_counted():
    intake = scrape("intake")
    assert total(intake, "grpc_server_handled", grpc_code="OK") > 0
    assert total(intake, "hall_intake_cases_accepted") > 0
    assert total(scrape("rating"), "hall_rating_ratings") > 0


def test_supervision_shows_its_lag_behind_each_producer():
    deadline = time.time() + 30
    while True:
        lag = scrape("supervision")["hall_feed_lag_events"]
        producers = {s.labels["producer"]: s.value for s in lag.samples}
        if {"intake", "rating", "catalog"} <= set(producers) and not any(producers.values()):
            return
        assert time.time() < deadline, f"lag by producer: {producers}"
        time.sleep(1)
