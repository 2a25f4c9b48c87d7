"""My dossiers: only one's own, status in plain words, timeline, files and results, supplement."""

from __future__ import annotations

import pytest

from motcua.dossiers import services as svc
from motcua.portal.models import Rating
from tests.factories import PDF, through_process
from tests.portal.conftest import state, upload

pytestmark = pytest.mark.django_db


def test_list_and_detail_show_only_the_citizens_own_dossiers(client_of, portal) -> None:  # noqa: ANN001
    mine, theirs = portal.submitted("citizen"), portal.submitted("citizen2")
    html = client_of("citizen").get("/portal/dossiers/").content.decode()
    assert mine.code in html and theirs.code not in html
    assert client_of("citizen").get(f"/portal/dossiers/{theirs.pk}/").status_code == 404
    assert client_of("citizen").get("/portal/dossiers/999999/").status_code == 404
    f = theirs.files.first()
    assert client_of("citizen").get(f"/portal/dossiers/{theirs.pk}/files/{f.pk}/").status_code == 404
    assert client_of("citizen").get(f"/portal/dossiers/{mine.pk}/files/{f.pk}/").status_code == 404


def test_counter_dossiers_of_the_same_person_are_not_shown(client_of, world, portal) -> None:  # noqa: ANN001
    d = svc.intake(world.actor("counter_a"), world.intake_request("a", 1))  # no owner
    assert d.code not in client_of("citizen").get("/portal/dossiers/").content.decode()


def test_detail_shows_plain_status_times_timeline_and_documents(client_of, portal) -> None:  # noqa: ANN001
    d = portal.at(4)
    html = client_of("citizen").get(f"/portal/dossiers/{d.pk}/").content.decode()
    for text in (d.code, "Đang xử lý", "Cơ quan có thẩm quyền đang giải quyết hồ sơ", "TTPVHCC xã A", "Xã A",
                 "Ngày hẹn trả kết quả", "09:00 11/09/2025", "Nộp hồ sơ", "Tiếp nhận", "Chuyển xử lý",
                 "Tờ khai đăng ký khai sinh", "Giấy tờ in"):
        assert text in html, text
    assert "Đánh giá mức độ hài lòng" not in html and "Nộp bổ sung" not in html
    assert 'href="/documents/' in html  # the printable receipt, from the documents app


def test_fees_and_reasons_are_shown_but_internal_notes_are_not(client_of, world, portal) -> None:  # noqa: ANN001
    d = portal.submitted()
    svc.receive(world.actor("counter_a"), d.pk, note="Ghi chú nội bộ của cán bộ")
    svc.start(world.actor("counter_a"), d.pk)
    svc.request_payment(world.actor("specialist_a"), d.pk, 50_000, "Lệ phí trích lục")
    html = client_of("citizen").get(f"/portal/dossiers/{d.pk}/").content.decode()
    assert "Chờ thực hiện nghĩa vụ tài chính" in html and "Vui lòng nộp phí" in html
    assert "50.000 đồng" in html and "Lệ phí trích lục" in html and "Ghi chú nội bộ" not in html


def test_refusal_reason_is_shown(client_of, world, portal) -> None:  # noqa: ANN001
    d = portal.submitted()
    svc.refuse(world.actor("counter_a"), d.pk, "Thủ tục không thuộc thẩm quyền của xã")
    html = client_of("citizen").get(f"/portal/dossiers/{d.pk}/").content.decode()
    assert "Từ chối tiếp nhận" in html and "Thủ tục không thuộc thẩm quyền của xã" in html


def test_owner_downloads_own_uploads(client_of, portal) -> None:  # noqa: ANN001
    d = portal.submitted()
    f = d.files.first()
    r = client_of("citizen").get(f"/portal/dossiers/{d.pk}/files/{f.pk}/")
    assert r.status_code == 200 and b"".join(r.streaming_content) == PDF
    assert r["Content-Type"] == "application/pdf" and r["X-Content-Type-Options"] == "nosniff"


def test_a_file_missing_from_storage_is_a_404_not_a_500(client_of, portal, media) -> None:  # noqa: ANN001
    d = portal.submitted()
    f = d.files.first()
    (media / f.storage_key).unlink()
    assert client_of("citizen").get(f"/portal/dossiers/{d.pk}/files/{f.pk}/").status_code == 404


def test_result_is_downloadable_only_once_processed(client_of, world, portal) -> None:  # noqa: ANN001
    d = portal.at(4)
    f = svc.attach_file(world.actor("specialist_a"), d.pk, upload("ket-qua.pdf"), "ket-qua.pdf", "result")
    c = client_of("citizen")
    assert c.get(f"/portal/dossiers/{d.pk}/files/{f.pk}/").status_code == 404
    assert "ket-qua.pdf" not in c.get(f"/portal/dossiers/{d.pk}/").content.decode()
    through_process(world, d.pk)  # every required step, approved
    svc.finish(world.actor("leader_a"), d.pk)
    html = c.get(f"/portal/dossiers/{d.pk}/").content.decode()
    assert "Kết quả điện tử" in html and "ket-qua.pdf" in html and "Đã có kết quả" in html
    r = c.get(f"/portal/dossiers/{d.pk}/files/{f.pk}/")
    assert r.status_code == 200 and b"".join(r.streaming_content) == PDF
    assert client_of("citizen2").get(f"/portal/dossiers/{d.pk}/files/{f.pk}/").status_code == 404


def test_staff_attachments_are_not_offered_to_the_citizen(client_of, world, portal) -> None:  # noqa: ANN001
    d = portal.at(4)
    f = svc.attach_file(world.actor("specialist_a"), d.pk, upload("ghi-chu-noi-bo.pdf"), "ghi-chu-noi-bo.pdf",
                        "attachment")
    c = client_of("citizen")
    assert "ghi-chu-noi-bo.pdf" not in c.get(f"/portal/dossiers/{d.pk}/").content.decode()
    assert c.get(f"/portal/dossiers/{d.pk}/files/{f.pk}/").status_code == 404


# ---- supplement -----------------------------------------------------------------------------

def test_supplement_request_is_shown_and_answered(client_of, portal) -> None:  # noqa: ANN001
    d = portal.at(5)
    c = client_of("citizen")
    html = c.get(f"/portal/dossiers/{d.pk}/").content.decode()
    for text in ("Yêu cầu bổ sung hồ sơ", "Giấy chứng sinh bị mờ", "Giấy chứng sinh (bản rõ nét)", "Nộp bổ sung",
                 '<label for="id_files">'):
        assert text in html, text
    r = c.post(f"/portal/dossiers/{d.pk}/supplement/", {
        "version": d.row_version, "note": "Gửi bản rõ nét", "files": [upload("chung-sinh-ro.pdf")]})
    assert r.status_code == 302
    d.refresh_from_db()
    ev = d.events.order_by("-seq").first()
    assert d.status == 4 and ev.action == "supplement" and ev.role == "applicant" and ev.note == "Gửi bản rõ nét"
    f = d.files.get(pk=ev.attachments[0])
    assert f.name == "chung-sinh-ro.pdf" and f.uploaded_by_id == d.owner_id
    assert "Đã nộp bổ sung" in c.get(f"/portal/dossiers/{d.pk}/").content.decode()


@pytest.mark.parametrize("case", ["no_file", "bad_file", "stale_version", "not_waiting", "other_citizen"])
def test_bad_supplement_is_refused_and_changes_nothing(client_of, portal, case) -> None:  # noqa: ANN001
    d = portal.at(4 if case == "not_waiting" else 5)
    data = {"version": d.row_version, "note": "", "files": [upload("bo-sung.pdf")]}
    user, expected = "citizen", {"no_file": 422, "bad_file": 422, "stale_version": 409, "not_waiting": 422,
                                 "other_citizen": 404}[case]
    if case == "no_file":
        data.pop("files")
    elif case == "bad_file":
        data["files"] = [upload("bo-sung.exe", b"MZ\x90\x00")]
    elif case == "stale_version":
        data["version"] = d.row_version - 1
    elif case == "other_citizen":
        user = "citizen2"
    before = state()
    r = client_of(user).post(f"/portal/dossiers/{d.pk}/supplement/", data)
    assert r.status_code == expected, r.content.decode()[-2000:]
    assert state() == before


# ---- rating ---------------------------------------------------------------------------------

@pytest.mark.parametrize("status", [9, 10])
def test_rate_once_after_the_result(client_of, portal, status) -> None:  # noqa: ANN001
    d = portal.at(status)
    c = client_of("citizen")
    html = c.get(f"/portal/dossiers/{d.pk}/").content.decode()
    assert "Đánh giá mức độ hài lòng" in html and "Hài lòng" in html and "Không hài lòng" in html
    r = c.post(f"/portal/dossiers/{d.pk}/rate/", {"score": 2, "comment": "Nhanh nhưng phải chờ"})
    assert r.status_code == 302 and d.rating.score == 2 and d.rating.comment == "Nhanh nhưng phải chờ"
    html = c.get(f"/portal/dossiers/{d.pk}/").content.decode()
    assert "Bạn đã đánh giá" in html and "Chấp nhận được" in html and "Gửi đánh giá" not in html
    before = state()
    r = c.post(f"/portal/dossiers/{d.pk}/rate/", {"score": 3})
    assert r.status_code == 422 and "đã được đánh giá" in r.content.decode() and state() == before


@pytest.mark.parametrize("status", [1, 4, 5])
def test_rating_before_the_result_is_refused(client_of, portal, status) -> None:  # noqa: ANN001
    d = portal.at(status)
    before = state()
    r = client_of("citizen").post(f"/portal/dossiers/{d.pk}/rate/", {"score": 1})
    assert r.status_code == 422 and "sau khi hồ sơ đã có kết quả" in r.content.decode() and state() == before


@pytest.mark.parametrize("data", [{}, {"score": "7"}, {"score": "abc"}, {"score": 1, "comment": "x" * 3000}])
def test_bad_rating_input_is_refused(client_of, portal, data) -> None:  # noqa: ANN001
    d = portal.at(9)
    before = state()
    r = client_of("citizen").post(f"/portal/dossiers/{d.pk}/rate/", data)
    assert r.status_code == 422 and state() == before


def test_another_citizen_cannot_rate(client_of, portal) -> None:  # noqa: ANN001
    d = portal.at(9)
    assert client_of("citizen2").post(f"/portal/dossiers/{d.pk}/rate/", {"score": 3}).status_code == 404
    assert not Rating.objects.exists()


def _queries(client, url: str) -> int:  # noqa: ANN001
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_list_pages_use_a_constant_number_of_queries(client_of, portal) -> None:  # noqa: ANN001
    c = client_of("citizen")
    portal.submitted()
    one = (_queries(c, "/portal/dossiers/"), _queries(c, "/portal/procedures/"))
    for _ in range(3):
        portal.submitted()
    assert (_queries(c, "/portal/dossiers/"), _queries(c, "/portal/procedures/")) == one
    assert one[0] <= 8 and one[1] <= 6, one
