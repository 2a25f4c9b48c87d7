"""Ratings that follow up: the provincial survey's criteria (data), a dissatisfied rating opening a
follow-up case for the handling unit's leader in the rating's transaction, and ratings that come
from citizens only (the admin site reads them, never adds, changes or deletes one)."""

from __future__ import annotations

import pytest

from motcua.feedback import handling
from motcua.feedback.models import Case
from motcua.portal import ratings
from motcua.portal.models import Rating, RatingAnswer, RatingCriterion
from tests.portal.conftest import state

pytestmark = pytest.mark.django_db


def test_the_survey_criteria_are_data_loaded_by_the_migration(world) -> None:  # noqa: ANN001
    codes = [c.code for c in ratings.criteria()]
    assert codes == ["tiep-can", "thai-do", "huong-dan", "thoi-gian", "ket-qua", "phi"]
    attitude = RatingCriterion.objects.get(code="thai-do")
    assert attitude.level_values() == [5, 4, 3, 2, 1] and attitude.levels[0]["name"] == "Rất tốt"
    assert ratings.load_criteria() == 6 and RatingCriterion.objects.count() == 6  # idempotent
    RatingCriterion.objects.filter(code="phi").update(active=False)
    assert "phi" not in [c.code for c in ratings.criteria()]


def test_the_rating_form_asks_every_active_criterion(client_of, portal) -> None:  # noqa: ANN001
    d = portal.at(9)
    html = client_of("citizen").get(f"/portal/dossiers/{d.pk}/").content.decode()
    for c in ratings.criteria():
        assert c.name in html and f'name="c_{c.code}"' in html
    assert "Rất tốt" in html and "Rất kém" in html


def test_a_rating_keeps_its_criteria_answers_and_a_satisfied_one_opens_nothing(client_of, portal) -> None:  # noqa: ANN001
    d = portal.at(9)
    c = client_of("citizen")
    r = c.post(f"/portal/dossiers/{d.pk}/rate/", {"score": 1, "c_thai-do": 5, "c_thoi-gian": 3, "comment": "Tốt"})
    assert r.status_code == 302
    rating = Rating.objects.get(dossier=d)
    assert rating.score == 1 and rating.criteria == {"thai-do": 5, "thoi-gian": 3}
    assert RatingAnswer.objects.get(rating=rating, criterion__code="thoi-gian").level_name == "Bình thường"
    assert not Case.objects.exists()
    html = c.get(f"/portal/dossiers/{d.pk}/").content.decode()
    assert "Thời gian giải quyết so với giấy hẹn: <strong>Bình thường</strong>" in html


def test_a_dissatisfied_rating_opens_a_follow_up_for_the_handling_units_leader(client_of, portal, world) -> None:  # noqa: ANN001
    d = portal.at(10)
    c = client_of("citizen")
    r = c.post(f"/portal/dossiers/{d.pk}/rate/", {"score": 3, "c_huong-dan": 1,
                                                  "comment": "Phải đi lại ba lần mới đủ giấy tờ"}, follow=True)
    rating = Rating.objects.get(dossier=d)
    case = Case.objects.get(source_rating_id=rating.pk)
    assert case.kind == "followup" and case.channel == "rating" and case.dossier_id == d.pk
    assert case.unit == d.handling_unit == world.communes["a"]
    assert case.description == "Phải đi lại ba lần mới đủ giấy tờ" and case.is_open
    assert case.attributes == {"criteria": {"huong-dan": 1}}
    page = r.content.decode()
    assert case.code in page and "Lãnh đạo Xã A sẽ xem xét" in page
    # the leader records what was done; the citizen reads it on the dossier page
    leader = world.actor("leader_a")
    handling.acknowledge(leader, case.pk)
    handling.answer(leader, case.pk, "Đã nhắc nhở cán bộ và hướng dẫn lại quy trình một lần.")
    html = c.get(f"/portal/dossiers/{d.pk}/").content.decode()
    assert "Đã nhắc nhở cán bộ" in html and case.code in html


def test_a_follow_up_that_cannot_be_opened_refuses_the_rating(client_of, portal, monkeypatch) -> None:  # noqa: ANN001
    from motcua.domain.errors import ValidationFailed
    from motcua.feedback import services as feedback

    def broken(rating):  # noqa: ANN001, ANN202
        raise ValidationFailed("Không mở được phản ánh.")

    monkeypatch.setattr(feedback, "open_followup", broken)
    d = portal.at(9)
    before = state()
    r = client_of("citizen").post(f"/portal/dossiers/{d.pk}/rate/", {"score": 3})
    assert r.status_code == 422 and state() == before and not Case.objects.exists()


@pytest.mark.parametrize("bad", [{"c_thai-do": 9}, {"c_thai-do": "x"}, {"c_khong-co": 5}])
def test_a_bad_criterion_answer_is_refused(client_of, portal, bad) -> None:  # noqa: ANN001
    d = portal.at(9)
    before = state()
    r = client_of("citizen").post(f"/portal/dossiers/{d.pk}/rate/", {"score": 1, **bad})
    if "c_khong-co" in bad:  # an unknown field is ignored by the form: the rating is taken
        assert r.status_code == 302 and Rating.objects.get().criteria == {}
    else:
        assert r.status_code == 422 and state() == before


def test_the_service_refuses_a_level_outside_the_scale(portal) -> None:  # noqa: ANN001
    from motcua.portal import services
    from motcua.portal.services import Refused

    d = portal.at(9)
    with pytest.raises(Refused):
        services.rate(portal.world.users["citizen"], d.pk, 1, "", {"thai-do": 7})
    assert not Rating.objects.exists()


def test_ratings_come_from_citizens_only_the_admin_reads_them(client_of, portal, world) -> None:  # noqa: ANN001
    from django.contrib.auth import get_user_model
    from django.test import Client

    d = portal.at(9)
    ratings.rate(world.users["citizen"], d.pk, 2, "Tạm được", {"thai-do": 4})
    rating = Rating.objects.get()
    get_user_model().objects.create_superuser("root", "root@example.vn", "mat-khau-dai-1")
    admin = Client()
    admin.force_login(get_user_model().objects.get(username="root"))
    assert admin.get("/admin/portal/rating/").status_code == 200
    assert admin.get("/admin/portal/rating/add/").status_code == 403
    page = admin.get(f"/admin/portal/rating/{rating.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()  # read-only view
    assert "Tạm được" in page.content.decode()
    posted = admin.post(f"/admin/portal/rating/{rating.pk}/change/", {"score": 1, "comment": "sửa"})
    assert posted.status_code == 403
    assert admin.post(f"/admin/portal/rating/{rating.pk}/delete/", {"post": "yes"}).status_code == 403
    listing = admin.post("/admin/portal/rating/", {"action": "delete_selected", "_selected_action": [rating.pk]})
    assert listing.status_code in (200, 302)
    rating.refresh_from_db()
    assert (rating.score, rating.comment) == (2, "Tạm được")
