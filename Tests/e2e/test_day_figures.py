"""After the scripted day, with supervision killed and restarted in the middle: supervision's
figures equal a hand count made from intake's cases and rating's ratings, read through the
contracts (Tests/e2e/run.sh plays the day first)."""

import datetime
import os
import sys
import time

import grpc

sys.path.insert(0, os.environ["HALL_STUBS"])
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../python"))

from hall.common.v1 import common_pb2 as common  # noqa: E402
from hall_client import channel  # noqa: E402
from hall.intake.v1 import intake_service_pb2 as intake_api  # noqa: E402
from hall.intake.v1 import intake_service_pb2_grpc as intake_grpc  # noqa: E402
from hall.rating.v1 import rating_service_pb2 as rating_api  # noqa: E402
from hall.rating.v1 import rating_service_pb2_grpc as rating_grpc  # noqa: E402
from hall.supervision.v1 import resources_pb2 as supervision  # noqa: E402
from hall.supervision.v1 import supervision_service_pb2 as supervision_api  # noqa: E402
from hall.supervision.v1 import supervision_service_pb2_grpc as supervision_grpc  # noqa: E402

CST = datetime.timezone(datetime.timedelta(hours=8))


def token():
    with open(os.path.join(os.environ["HALL_KEYS"], "supervisor.token")) as f:
        return (("authorization", "Bearer " + f.read().strip()),)


def civil(day):
    return common.CivilDate(year=day.year, month=day.month, day=day.day)


def in_period(timestamp, start, end):
    if timestamp.seconds == 0 and timestamp.nanos == 0:
        return False
    day = datetime.datetime.fromtimestamp(timestamp.seconds, CST).date()
    return start <= day < end


def all_cases(stub):
    cases, page = [], ""
    while True:
        response = stub.ListCases(intake_api.ListCasesRequest(page_size=200, page_token=page),
                                  metadata=token())
        cases += response.cases
        page = response.next_page_token
        if not page:
            return cases


def test_figures_equal_a_hand_count_after_a_restart():
    intake = intake_grpc.IntakeServiceStub(channel(os.environ["HALL_INTAKE_ADDR"]))
    rating = rating_grpc.RatingServiceStub(channel(os.environ["HALL_RATING_ADDR"]))
    watch = supervision_grpc.SupervisionServiceStub(
        channel(os.environ["HALL_SUPERVISION_ADDR"]))
    # The hall's clock, which the harness sets (HALL_CLOCK_OFFSET_SECONDS).
    now = time.time() + int(os.environ.get("HALL_CLOCK_OFFSET_SECONDS", "0"))
    today = datetime.datetime.fromtimestamp(now, CST).date()
    start, end = today - datetime.timedelta(days=30), today + datetime.timedelta(days=1)

    cases = all_cases(intake)
    assert len(cases) >= 8, "the day's cases are in intake"
    # The reported overdue case is supervision's only case that intake does not have.
    reported = watch.QueryCases(supervision_api.QueryCasesRequest(
        source=supervision.CASE_SOURCE_API), metadata=token()).cases
    assert len(reported) == 1 and reported[0].timeliness == supervision.TIMELINESS_OVERDUE
    accepted = sum(in_period(c.accept_time, start, end) for c in cases) + 1
    decided = [c for c in cases if c.HasField("decision") and in_period(c.decision.time, start, end)]
    ratings = rating.ListRatings(rating_api.ListRatingsRequest(page_size=500),
                                 metadata=token()).ratings
    first = [r for r in ratings if r.evaluation == 1 and not r.void]
    good = [r for r in first if r.satisfaction <= 3]
    assert len(first) == 3 and len(good) == 2

    expected = {
        "accepted_cases": accepted, "red_carded_cases": 1, "completed_cases": len(decided),
        "completed_on_time": len(decided), "ratings": len(first), "good_ratings": len(good),
        "anomalies": 2,
    }
    deadline = time.time() + 60
    while True:
        row = watch.GetFigures(supervision_api.GetFiguresRequest(
            grouping=supervision_api.GROUPING_DEPLOYMENT, **{"from": civil(start)}, to=civil(end)),
            metadata=token()).rows[0]
        actual = {name: getattr(row, name) for name in expected}
        if actual == expected or time.time() > deadline:
            break
        time.sleep(1)
    assert actual == expected
    assert dict(row.anomalies_by_rule) == {"OVERDUE": 1, "RATING_DISSATISFIED": 1}
