"""Bulk import and the generator: histories are replayed through the state machine."""

from __future__ import annotations

from datetime import date

import pytest

from motcua.domain.errors import IllegalTransition
from motcua.dossiers import services as svc
from motcua.dossiers.bulk import HistoryRecord, import_history
from motcua.dossiers.generator import generate
from motcua.dossiers.models import Dossier, DossierEvent


def _record(world, code, events):
    from motcua.catalog.models import Procedure

    proc = Procedure.objects.get(code="1.001193")
    v = proc.versions.order_by("-effective_from").first()
    centre, commune = world.commune_centres["a"], world.communes["a"]
    return HistoryRecord(code=code, receiving_unit_id=centre.pk, handling_unit_id=commune.pk,
                         receiving_path=centre.path, handling_path=commune.path, procedure_id=proc.pk,
                         version_id=v.pk, channel=1, applicant_name="Lê Thị Hoa", limit_seconds=8 * 3600,
                         events=events)


def _epoch(s):
    from datetime import datetime

    from motcua.core.clock import LOCAL_TZ
    return int(datetime.fromisoformat(s).replace(tzinfo=LOCAL_TZ).timestamp())


def test_imported_history_gets_the_same_projection_as_the_services(world):
    events = [(_epoch("2026-03-10 09:00"), "intake", ""), (_epoch("2026-03-10 09:05"), "start", ""),
              (_epoch("2026-03-10 10:00"), "request_supplement", "Thiếu"),
              (_epoch("2026-03-12 10:00"), "supplement", ""), (_epoch("2026-03-13 10:00"), "finish", ""),
              (_epoch("2026-03-13 11:00"), "return", "")]
    assert import_history([_record(world, "LEGACY-1", events)], world.province.pk) == 1
    d = Dossier.objects.get(code="LEGACY-1")
    assert d.status == 10
    assert d.due_at.isoformat() == "2026-03-13T02:00:00+00:00"  # Fri 09:00 local, as in the service test
    assert d.verdict == "late" and d.late_seconds == 3600
    assert list(d.events.values_list("to_status", flat=True)) == [2, 4, 5, 4, 9, 10]


def test_illegal_history_is_rejected_whole(world):
    good = _record(world, "LEGACY-2", [(_epoch("2026-03-10 09:00"), "intake", "")])
    bad = _record(world, "LEGACY-3", [(_epoch("2026-03-10 09:00"), "intake", ""),
                                      (_epoch("2026-03-10 10:00"), "return", "")])
    with pytest.raises(IllegalTransition):
        import_history([good, bad], world.province.pk)
    assert not Dossier.objects.filter(code__startswith="LEGACY").exists()


def test_generator_mixes_and_code_counters(world, clock):
    n = generate(600, world.province, date(2025, 7, 1), date(2026, 6, 30), seed=7)
    assert n == 600 == Dossier.objects.count()
    channels = {c: Dossier.objects.filter(channel=c).count() for c in (1, 2, 3)}
    assert channels[2] > 150 and channels[1] > 100
    finished = Dossier.objects.exclude(verdict="").exclude(verdict__startswith="in_progress")
    late = finished.filter(verdict="late").count()
    assert 0 < late < finished.count() * 0.15
    assert DossierEvent.objects.count() > 3 * n
    assert len(set(Dossier.objects.values_list("code", flat=True))) == n
    # a later intake on a generated day continues the sequence instead of colliding
    last = Dossier.objects.filter(receiving_unit=world.commune_centres["a"]).order_by("-submitted_at").first()
    clock.set(last.submitted_at)
    d = svc.intake(world.actor("counter_a"), world.intake_request())
    assert d.code not in set(Dossier.objects.exclude(pk=d.pk).values_list("code", flat=True))
