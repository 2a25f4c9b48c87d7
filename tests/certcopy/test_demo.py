"""``make demo``'s certified copies: the generated history's resolved dossiers of the procedure get their
register entries (gapless, in finishing order), a few really signed and verifiable, once."""

from __future__ import annotations

import io
from collections import defaultdict
from datetime import date

import pytest

from motcua.certcopy import demo, services
from motcua.certcopy.models import CertifiedCopy
from motcua.domain.lifecycle import Status
from motcua.dossiers.models import Dossier
from motcua.signing import services as signing

pytestmark = pytest.mark.django_db


def test_the_demo_registers_the_history_and_signs_a_few(pki, monkeypatch) -> None:  # noqa: ANN001
    from motcua.core.demo import PROVINCE, seed_demo
    from motcua.dossiers.generator import generate
    from motcua.units.models import Unit

    monkeypatch.setenv("MOTCUA_SIGNING_PKI_DIR", str(pki.dir))
    seed_demo()
    generate(600, Unit.objects.get(code=PROVINCE[0]), date(2025, 9, 1), date(2026, 3, 31))
    mine = Dossier.objects.filter(procedure__code=services.PROCEDURE_CODE)
    resolved = set(mine.filter(status__in=(Status.PROCESSED, Status.RETURNED)).values_list("pk", flat=True))
    assert len(resolved) >= 5, "the generator picks the procedure from the catalog"
    out = io.StringIO()
    assert demo.prepare(out, signed=2) == len(resolved)
    assert "2 bản sao ký số thật" in out.getvalue()
    entries = list(CertifiedCopy.objects.select_related("dossier").order_by("at", "pk"))
    assert {e.dossier_id for e in entries} == resolved
    assert not CertifiedCopy.objects.exclude(dossier_id__in=resolved).exists()  # open ones wait for the counter
    by_book: dict[tuple[int, int], list[int]] = defaultdict(list)
    for e in entries:
        by_book[(e.unit_id, e.year)].append(e.number)
    assert all(numbers == list(range(1, len(numbers) + 1)) for numbers in by_book.values())  # in finishing order
    real = [e for e in entries if e.result_code]
    assert len(real) == 2 and all(e.kind == "electronic" for e in entries)
    for e in real:
        check = signing.verify_result(e.result_code)
        assert check.report.valid, check.report.summary
        assert e.file.dossier_id == e.dossier_id
    specimen = {e.file_id for e in entries if not e.result_code}
    assert len(specimen) == 1 and specimen <= {e.file_id for e in real}
    from motcua.certcopy.indicators import copy_measures
    from motcua.reports.services import Period
    from tests.certcopy.test_indicator import _at

    m = copy_measures(Unit.objects.get(code=PROVINCE[0]), Period(_at("2025-09-01"), _at("2026-04-01")))
    m = m["electronic_certified_copies"]
    assert m.numerator == len(resolved) and m.denominator > m.numerator  # paper certifications count too
    assert demo.prepare(io.StringIO(), signed=2) == 0  # idempotent
    assert CertifiedCopy.objects.count() == len(entries)
