"""The demo's feedback history on a small generated history: cases in every state, on time and
late, ratings and their follow-ups, the 766 satisfaction measures with real figures; fast and
never doubled."""

from __future__ import annotations

import io
import time
from datetime import date

import pytest

from motcua.dossiers.generator import generate
from motcua.feedback import demo, indicators
from motcua.feedback.models import Case, CaseEvent
from motcua.portal.models import Rating

pytestmark = pytest.mark.django_db


def test_the_demo_history_has_every_state_and_real_figures(world, clock, monkeypatch):  # noqa: ANN001
    clock.set("2026-07-15 10:00")
    generate(600, world.province, date(2026, 1, 5), date(2026, 6, 30), seed=5)
    monkeypatch.setattr(demo, "PER_DOSSIERS", 8)  # a small history: more cases per dossier to meet every scenario
    t0 = time.perf_counter()
    out = io.StringIO()
    demo.prepare(out)
    elapsed = time.perf_counter() - t0
    assert "phản ánh mẫu" in out.getvalue() and elapsed < 30
    statuses = set(Case.objects.values_list("status", flat=True))
    assert statuses == {"new", "acknowledged", "info_requested", "transferred", "answered", "refused", "published",
                        "closed"}
    assert Case.objects.filter(rated_at__isnull=False, satisfied=False).exists()
    assert {"on_time", "late"} <= set(Case.objects.values_list("verdict", flat=True))
    assert Case.objects.filter(kind="complaint", anonymous=False, dossier__isnull=False).exists()
    dislikes = Rating.objects.filter(score=3).count()
    assert dislikes and Case.objects.filter(kind="followup").count() == dislikes
    # every case's log starts with its submission and ends in its status
    for c in Case.objects.all()[:200]:
        evs = list(c.events.order_by("seq"))
        assert evs[0].action == "submit" and evs[-1].to_status == c.status
        assert c.code.startswith("PA-")
    from motcua.reports.services import period_of

    m = indicators.feedback_measures(world.province, period_of(date(2026, 1, 1), date(2026, 6, 30)))
    for name in ("feedback_on_time", "feedback_satisfaction", "dossier_satisfaction"):
        assert m[name].denominator > 0 and 0 < m[name].numerator <= m[name].denominator, name
    # the senders were told (SMS, as the live path words it): one message per answer, refusal or request
    from motcua.notifications.models import Notification

    told = Notification.objects.filter(kind="feedback")
    assert told.exists() and all(t.status == "sent" and "PA-" in t.text for t in told[:50])
    assert f"{told.count()} tin nhắn đã gửi người phản ánh" in out.getvalue()
    n, events, ratings = Case.objects.count(), CaseEvent.objects.count(), Rating.objects.count()
    sent = told.count()
    demo.prepare(io.StringIO())
    assert (Case.objects.count(), CaseEvent.objects.count(), Rating.objects.count()) == (n, events, ratings)
    assert told.count() == sent
