"""Administrators record a day a department takes appointments for fewer hours, through the admin site."""

from datetime import date

import pytest

from motcua.queueing.models import OpeningOverride

pytestmark = pytest.mark.django_db


def test_an_afternoon_only_day_is_recorded_and_bad_hours_are_refused(world):  # noqa: ANN001
    from django.contrib.auth import get_user_model
    from django.test import Client

    su = get_user_model().objects.create_superuser("root.opening", "r@example.vn", "x-Pass-12345")
    c = Client()
    c.force_login(su)
    unit = next(iter(world.commune_centres.values()))
    url = "/admin/queueing/openingoverride/add/"
    assert c.get(url).status_code == 200
    r = c.post(url, {"unit": unit.pk, "day": "15/12/2026", "opens": "13:30", "closes": "11:00", "reason": "Họp"})
    assert r.status_code == 200 and not OpeningOverride.objects.exists()  # closes before it opens: refused
    r = c.post(url, {"unit": unit.pk, "day": "15/12/2026", "opens": "13:30", "closes": "17:00",
                     "reason": "Họp giao ban buổi sáng"})
    assert r.status_code == 302
    o = OpeningOverride.objects.get()
    assert (o.day, o.opens.hour, o.closes.hour) == (date(2026, 12, 15), 13, 17)
    assert c.get("/admin/queueing/openingoverride/").status_code == 200
