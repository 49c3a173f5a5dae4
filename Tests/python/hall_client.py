"""What the Python suites (Tests/python, Tests/faults, Tests/network) share as clients of
proto/ alone: tokens minted by the harness, request ids, free ports, and one published
licensing item."""

import os
import socket
import uuid

import grpc

from hall.catalog.v1 import catalog_service_pb2 as catalog_api
from hall.catalog.v1 import resources_pb2 as catalog
from hall.common.v1 import common_pb2 as common


def channel(address):
    """A TLS channel that trusts the run's certificate authority alone, as any integrator's
    client of a hall would."""
    with open(os.environ["HALL_CA_FILE"], "rb") as f:
        credentials = grpc.ssl_channel_credentials(root_certificates=f.read())
    return grpc.secure_channel(address, credentials)


def token(name):
    with open(os.path.join(os.environ["HALL_KEYS"], f"{name}.token")) as f:
        return (("authorization", "Bearer " + f.read().strip()),)


def rid():
    return str(uuid.uuid4())


def free_ports(count):
    """`count` ports nothing listens on, bound together so that no two are the same."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def publish_item(catalog_stub, prefix, code, fee=None, department_name="区市场监管局"):
    """Creates the department `{prefix}-scjg` and publishes item `code` of it: a food
    licence, promised in 5 working days, at the window and online, one material m1."""
    admin = token("admin")
    department = f"{prefix}-scjg"
    catalog_stub.CreateDepartment(
        catalog_api.CreateDepartmentRequest(
            request_id=f"{prefix}-dept",
            department=catalog.Department(
                id=department, name=department_name, region_code="410902",
                level=common.ADMINISTRATIVE_LEVEL_COUNTY)),
        metadata=admin)
    spec = catalog.ItemSpec(
        name=f"食品经营许可核发（{prefix}）", department_id=department,
        kind=common.ITEM_KIND_ADMINISTRATIVE_LICENSING, levels=[common.ADMINISTRATIVE_LEVEL_COUNTY],
        legal_basis="《中华人民共和国食品安全法》第三十五条",
        conditions=["具有与经营的食品品种、数量相适应的经营场所"],
        steps=[catalog.ProcessStep(name="受理"), catalog.ProcessStep(name="审查决定", limit_working_days=5)],
        statutory_limit_working_days=20, promised_limit_working_days=5,
        case_kind=common.CASE_KIND_PROMISED, channels=[common.CHANNEL_WINDOW, common.CHANNEL_PC],
        max_visits=1, online_depth=4, placement=catalog.HALL_PLACEMENT_IN_HALL,
        materials=[catalog.Material(
            id="m1", name="食品经营许可申请书", required=True, form=catalog.MATERIAL_FORM_ORIGINAL,
            original_count=1, medium=catalog.MATERIAL_MEDIUM_PAPER,
            source=catalog.MATERIAL_SOURCE_APPLICANT)])
    if fee is not None:
        spec.fee.CopyFrom(fee)
    catalog_stub.CreateItem(catalog_api.CreateItemRequest(request_id=f"{prefix}-item", code=code, spec=spec),
                            metadata=admin)
    catalog_stub.PublishItem(
        catalog_api.PublishItemRequest(request_id=f"{prefix}-publish", code=code,
                                       reason=catalog.CHANGE_REASON_NEW, reason_note="新增"),
        metadata=admin)
    return code
