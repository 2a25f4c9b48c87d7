"""Declared data where it is needed: the office queue search by a declared value (accent-folded,
scoped to what the officer may see) and the dossier list exports' declared-data column."""

from __future__ import annotations

import copy

import pytest

from motcua.eforms import services
from motcua.eforms.services import intake_with_declaration

pytestmark = pytest.mark.django_db


def test_office_queue_finds_dossiers_by_a_declared_value(client_of, world, birth_form, good) -> None:  # noqa: ANN001
    first = intake_with_declaration(world.actor("counter_a"), world.intake_request(), good)
    other = copy.deepcopy(good)
    other["mother"]["person"]["full_name"] = "Đỗ Thị Hạnh"
    second = intake_with_declaration(world.actor("counter_a"), world.intake_request(), other)
    c = client_of("counter_a")
    html = c.get("/office/queues/start/", {"declared": "do thi hanh"}).content.decode()
    assert second.code in html and first.code not in html
    assert 'name="declared"' in html and "Thông tin trên tờ khai" in html
    html = c.get("/office/queues/start/", {"declared": "TRẦN THỊ"}).content.decode()
    assert first.code in html and second.code not in html
    assert first.code in c.get("/office/queues/start/", {"declared": "068195000123"}).content.decode()
    assert first.code not in client_of("counter_b").get("/office/queues/start/",
                                                        {"declared": "tran thi"}).content.decode()


def test_declared_texts_for_the_exports(world, birth_form, good) -> None:  # noqa: ANN001
    from motcua.reports import exports

    d = intake_with_declaration(world.actor("counter_a"), world.intake_request(), good)
    plain = intake_with_declaration(world.actor("counter_a"), world.intake_request(), None)
    texts = services.declared_texts([d.pk, plain.pk])
    assert list(texts) == [d.pk]
    assert texts[d.pk].startswith("Họ, chữ đệm, tên: Nguyễn Văn An; Ngày sinh: 01/09/2025; Giới tính: Nam")
    assert "Mẹ - Họ, chữ đệm, tên: Trần Thị Bình" in texts[d.pk]
    assert exports.HEADERS[-1] == "Dữ liệu tờ khai"
