"""Open311 fixtures: a partner key, and feedback cases sent through the real feedback service."""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree as ET  # noqa: N817

import pytest

from motcua.feedback import services as fsvc
from motcua.open311 import services as o311

PHOTO = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def key(world) -> tuple[Any, str]:  # noqa: ANN001
    """(ApiKey, raw key) of a partner app, its photos served by 127.0.0.1."""
    return o311.issue_key(None, "Ứng dụng Đà Lạt Smart", "dalat-smart", media_hosts="127.0.0.1, localhost")


def submit(**over: Any):  # noqa: ANN201
    data: dict[str, Any] = dict(category_code="PA-DONVI", description="Khu chờ không đủ ghế",
                                sender_name="Trần Thị B", sender_phone="0912345678",
                                sender_email="b.tran@example.vn", sender_id_number="068123456789",
                                address="Quầy 3, TTPVHCC xã A", lat=11.94, lon=108.44)
    data.update(over)
    return fsvc.submit(None, fsvc.Submission(**data))


def xml(response) -> ET.Element:  # noqa: ANN001
    assert response["Content-Type"].startswith("text/xml"), response["Content-Type"]
    return ET.fromstring(response.content)


def rows(root: ET.Element, item: str) -> list[dict[str, Any]]:
    """The root's items as {element name: text, or a list of nested dicts for containers}."""
    out = []
    for el in root.findall(item):
        out.append({child.tag: (child.text if len(child) == 0 else child) for child in el})
    return out
