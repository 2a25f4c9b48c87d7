"""A feedback case's steps tell its sender (kind ``feedback``): the request for information and the
answer reach the sender's e-mail, SMS and Zalo over the real servers, in the sender's words; an
anonymous sender is told nothing; the portal rating step sends nothing."""

from __future__ import annotations

import pytest

from motcua.feedback import handling as h
from motcua.feedback import services as fsvc
from motcua.notifications.models import Notification

from .conftest import drain

pytestmark = pytest.mark.django_db


def _case(world, **over):  # noqa: ANN001, ANN003, ANN202
    data = dict(category_code="PA-TTHC", description="Thủ tục rườm rà", sender_name="Trần Thị B",
                sender_phone="0912345678", sender_email="b.tran@example.vn", unit_id=world.communes["a"].pk)
    data.update(over)
    return fsvc.submit(None, fsvc.Submission(**data))


def test_the_sender_is_told_of_the_request_and_the_answer(world, now, channels):  # noqa: ANN001
    c = _case(world)
    h.acknowledge(world.actor("specialist_a"), c.pk)
    h.request_info(world.actor("specialist_a"), c.pk, "Xin ghi rõ địa chỉ")
    h.provide_info(world.actor("specialist_a"), c.pk, "Thôn 3")  # typed in for the sender at the counter
    h.answer(world.actor("specialist_a"), c.pk, "Đã chấn chỉnh")
    drain()
    sent = list(Notification.objects.filter(kind="feedback").order_by("pk").values_list("channel", "status", "text"))
    assert [(ch, st) for ch, st, _ in sent] == [("email", "sent"), ("sms", "sent"), ("zalo", "sent")] * 2
    assert all(c.code in text for _, _, text in sent)
    assert "cần ông/bà bổ sung thông tin" in sent[0][2] and "đã có câu trả lời" in sent[3][2]
    mails = channels["inbox"].messages
    assert [str(m["Subject"]).strip() for m in mails] == [f"Phản ánh, kiến nghị {c.code}: cần ông/bà bổ sung thông tin",
                                             f"Phản ánh, kiến nghị {c.code}: đã có câu trả lời"]
    assert f"/feedback/mine/{c.pk}/" in mails[1].get_body(preferencelist=("plain",)).get_content()
    assert len(channels["sms"].state()["messages"]) == 2 and len(channels["zalo"].state()["messages"]) == 2


def test_an_anonymous_sender_is_told_nothing(world, now, channels):  # noqa: ANN001
    c = _case(world, anonymous=True, sender_name="", sender_phone="", sender_email="")
    h.acknowledge(world.actor("specialist_a"), c.pk)
    h.answer(world.actor("specialist_a"), c.pk, "Đã chấn chỉnh")
    assert not Notification.objects.filter(kind="feedback").exists()
