"""``make demo``'s signed results: history approvals made into signed, verifiable results, idempotently."""

from __future__ import annotations

import io

from motcua.dossiers import services as svc
from motcua.dossiers.models import Approval
from motcua.signing import demo
from motcua.signing import services as signing
from tests.factories import finished


def history(world, clock, n: int) -> list[int]:  # noqa: ANN001
    """Processed dossiers whose approve events have no Approval row, as the generator leaves them."""
    clock.set("2026-03-10 09:00")
    ids = []
    for _ in range(n):
        d = svc.intake(world.actor("counter_a"), world.intake_request())
        svc.start(world.actor("counter_a"), d.pk)
        finished(world, d.pk)
        ids.append(d.pk)
    Approval.objects.all().delete()
    return ids


def test_demo_signs_the_history_results_once(world, clock, pki, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("MOTCUA_SIGNING_PKI_DIR", str(pki.dir))
    ids = history(world, clock, 3)
    out = io.StringIO()
    assert demo.prepare(out, count=2) == 2
    assert "Đã ký số 2 kết quả mẫu" in out.getvalue()
    signed = list(Approval.objects.filter(signature_status="signed").select_related("dossier"))
    assert len(signed) == 2 and {a.dossier_id for a in signed} <= set(ids)
    for a in signed:
        assert a.result_code == f"{a.dossier.code}-KQ1" and a.event.action == "approve"
        check = signing.verify_result(a.result_code)
        assert check.report.valid, check.report.summary
    assert demo.prepare(io.StringIO(), count=2) == 0  # already there
    assert demo.prepare(io.StringIO(), count=3) == 1


def test_demo_signs_a_few_printed_letters_once(world, clock, pki, monkeypatch) -> None:  # noqa: ANN001
    from motcua.signing.models import SignedLetter

    monkeypatch.setenv("MOTCUA_SIGNING_PKI_DIR", str(pki.dir))
    monkeypatch.setenv("MOTCUA_SIGNING_LETTERS", "1")
    clock.set("2026-03-10 09:00")
    received = [svc.intake(world.actor("counter_a"), world.intake_request()) for _ in range(3)]
    refused = svc.intake(world.actor("counter_a"), world.intake_request("a", 2))  # registered online
    svc.refuse(world.actor("counter_a"), refused.pk, "Không thuộc thẩm quyền")
    out = io.StringIO()
    demo.prepare(out, count=0, letters=4)
    assert "Đã ký số 4 phiếu in" in out.getvalue()
    kept = list(SignedLetter.objects.all())
    assert {(k.dossier_id, k.slug) for k in kept} == {(d.pk, "receipt") for d in received} | {(refused.pk, "refusal")}
    for k in kept:
        check = signing.verify_result(k.code)
        assert check.report.valid and check.document, check.report.summary
    demo.prepare(io.StringIO(), count=0, letters=4)
    assert SignedLetter.objects.count() == len(kept)  # already there
