"""Receipt numbers under concurrency: real threads, one connection each, real commits. Numbers
per receiving unit and year are unique and gapless even when some collections roll back; two
officers collecting the same fee at once cannot both take it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import transaction

from motcua.domain.errors import ValidationFailed
from motcua.dossiers.models import Dossier
from motcua.fees import services as fees
from motcua.fees.models import FeeReceipt
from tests.test_concurrency import run_together, shared_db  # noqa: F401 - the fixture

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("shared_db")]


class Boom(Exception):
    pass


def test_receipt_numbers_are_unique_and_gapless(counter):  # noqa: ANN001
    per_thread, threads = 4, 4
    dossiers = [[counter.received().pk for _ in range(per_thread)] for _ in range(threads)]
    actor = counter.actor()

    def job(ids: list[int], fail_every: int) -> Callable[[], list[int]]:
        def run() -> list[int]:
            got = []
            for i, pk in enumerate(ids):
                if fail_every and i % fail_every == 0:
                    try:
                        with transaction.atomic():  # collected, then the caller's transaction fails
                            fees.collect_cash(actor, pk, 52000)
                            raise Boom
                    except Boom:
                        pass
                got.append(fees.collect_cash(actor, pk, 52000).number)
            return got
        return run

    results = run_together([job(ids, 2 if t % 2 else 0) for t, ids in enumerate(dossiers)])
    errors = [r for kind, r in results if kind != "ok"]
    assert not errors, errors
    numbers = sorted(n for _, batch in results for n in batch)
    assert numbers == list(range(1, per_thread * threads + 1))
    for _, batch in results:
        assert batch == sorted(batch)
    assert FeeReceipt.objects.count() == 16
    assert all(d.fees_paid == 52000 for d in Dossier.objects.all())


def test_two_officers_cannot_both_take_the_same_fee(counter):  # noqa: ANN001
    for _round in range(3):
        d = counter.received()
        actor = counter.actor()
        results = run_together([lambda i=d.pk, a=actor: fees.collect_cash(a, i, 52000)] * 2)
        wins = [r for kind, r in results if kind == "ok"]
        losses = [r for kind, r in results if kind == "error"]
        assert len(wins) == 1 and len(losses) == 1, results
        assert isinstance(losses[0], ValidationFailed) and "amount" in losses[0].fields
        d.refresh_from_db()
        assert d.fees_paid == 52000 and FeeReceipt.objects.filter(dossier=d).count() == 1


def test_the_same_key_at_once_is_one_receipt(counter):  # noqa: ANN001
    d = counter.received()
    actor = counter.actor()
    results = run_together([lambda: fees.collect_cash(actor, d.pk, 20000, client_key="k")] * 3)
    assert all(kind == "ok" for kind, _ in results), results
    assert len({r.pk for _, r in results}) == 1
    d.refresh_from_db()
    assert d.fees_paid == 20000
