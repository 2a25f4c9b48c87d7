"""Pure pieces, no database: diacritics, SMS fitting, numbers and carriers, the carriers' and
Zalo's wire formats and codes."""

from __future__ import annotations

import random

import pytest

from motcua.integrations.sms import mapping as sms
from motcua.integrations.zalo import mapping as zns
from motcua.notifications import text


def test_diacritics_off_with_d_kept():
    assert text.strip_diacritics("Hồ sơ đã được tiếp nhận. ĐỒNG Ý “xong” – hết…") == (
        'Ho so da duoc tiep nhan. DONG Y "xong" - het...')
    assert text.strip_diacritics("Nguyễn Thị Ánh Tuyết, Quảng Ngãi") == "Nguyen Thi Anh Tuyet, Quang Ngai"


def test_every_vietnamese_letter_becomes_ascii():
    letters = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵđ"
    plain = text.strip_diacritics(letters + letters.upper())
    assert sms.is_plain(plain) and len(plain) == 2 * len(letters)
    assert set(plain.lower()) == set("aeiouyd")


def test_fit_sms_shrinks_free_text_first_and_keeps_the_code():
    rng = random.Random()
    template = "{unit}: Hồ sơ {code} cần bổ sung: {items}. Lý do: {reason}. Chi tiết: {link}"
    for _ in range(200):
        values = {"unit": "Trung tâm Phục vụ hành chính công " * rng.randint(0, 3), "code": "000.31.90.H39-250910-0001",
                  "items": "Giấy chứng sinh; " * rng.randint(0, 20), "reason": "Thiếu bản chính " * rng.randint(0, 30),
                  "link": "https://dvc.lamdong.gov.vn/portal/lookup/?code=000.31.90.H39-250910-0001"}
        limit = rng.choice([70, 160, 306, 459])
        out = text.fit_sms(template, values, limit, ("unit", "items", "reason"))
        assert len(out) <= limit and sms.is_plain(out)
        if limit >= 70:
            assert "000.31.90.H39-250910-0001" in out


def test_fit_sms_untouched_when_short():
    out = text.fit_sms("Hồ sơ {code} đã có kết quả.", {"code": "X-1"}, 160, ())
    assert out == "Ho so X-1 da co ket qua."


def test_render_refuses_unknown_names():
    with pytest.raises(text.UnknownPlaceholder):
        text.render("{code} {nope}", {"code": 1})
    assert text.placeholders("{a} và {b}") == {"a", "b"}


@pytest.mark.parametrize(("raw", "wire", "carrier"), [
    ("0987654321", "84987654321", "viettel"), ("+84 32 123 4567", "84321234567", "viettel"),
    ("0912.345.678", "84912345678", "vnpt"), ("0886123456", "84886123456", "vnpt"),
    ("0901234567", "84901234567", "vnpt"), ("84 77 123 4567", "84771234567", "vnpt"),
])
def test_numbers_and_carriers(raw, wire, carrier):  # noqa: ANN001
    assert sms.normalize(raw) == wire and sms.carrier_for(raw) == carrier


@pytest.mark.parametrize("raw", ["02633822123", "12345", "", "0912345", "+1 415 555 0100"])
def test_not_a_mobile_number(raw):  # noqa: ANN001
    with pytest.raises(sms.BadNumber):
        sms.normalize(raw)


def test_vnpt_xml_round_trip_and_codes():
    body = sms.vnpt_request(user="u", password="p<&>", brandname="B", phone="0912345678", text="Ho so A & B",
                            request_id="mc1")
    assert sms.parse_vnpt_request(body) == {"username": "u", "password": "p<&>", "brandname": "B",
                                            "receiver": "84912345678", "content": "Ho so A & B", "requestid": "mc1"}
    assert sms.vnpt_reply(sms.vnpt_response("0", "Success", "vnpt-9")) == sms.Reply("sent", "0", "Success", "vnpt-9")
    assert sms.vnpt_reply(sms.vnpt_response("6", "Duplicate", "vnpt-9")).outcome == "sent"
    assert sms.vnpt_reply(sms.vnpt_response("2", "Invalid")).outcome == "refused"
    assert sms.vnpt_reply(sms.vnpt_response("5", "Quota")).outcome == "retry"
    assert sms.vnpt_reply(b"<html>oops").outcome == "retry"


def test_viettel_codes():
    assert sms.viettel_reply({"code": "00", "msgId": "v-1"}).outcome == "sent"
    assert sms.viettel_reply({"code": "07", "msgId": "v-1"}).outcome == "sent"  # duplicate: already sent
    assert sms.viettel_reply({"code": "04"}).outcome == "refused"
    assert sms.viettel_reply({"code": "99"}).outcome == "retry"
    assert sms.viettel_reply({"code": "42"}).outcome == "retry"  # unknown: do not give up on it
    assert sms.viettel_reply(["no"]).outcome == "retry"


def test_zalo_reply_and_body():
    r = zns.read_reply({"error": 0, "message": "Success", "data": {"msg_id": "z1", "quota": {"remainingQuota": 9}}})
    assert (r.outcome, r.msg_id, r.quota_left) == ("sent", "z1", 9)
    assert zns.read_reply({"error": -124}).outcome == "refresh"
    assert zns.read_reply({"error": -144}).outcome == "retry"
    assert zns.read_reply({"error": -139}).outcome == "refused"
    assert zns.read_reply({"error": zns.DUPLICATE, "data": {"msg_id": "z1"}}).outcome == "sent"
    data = zns.template_data({"code": "A", "reason": "x" * 300}, ["code", "reason", "link"])
    assert data["code"] == "A" and len(data["reason"]) == zns.PARAM_LIMIT and data["link"] == ""
    assert zns.message_body("0912345678", "1", {}, "t")["phone"] == "84912345678"
