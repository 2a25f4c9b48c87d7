"""The register's numbers: gapless per certifying unit and year, under concurrency on PostgreSQL both for
the counter itself and for whole certifications signing at the same time."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from motcua.certcopy import services
from motcua.certcopy.models import CertifiedCopy, RegisterCounter
from motcua.signing import services as signing

from .conftest import original_pdf, received


def test_numbers_count_per_unit_and_year(world) -> None:  # noqa: ANN001
    a, b = world.communes["a"].pk, world.communes["b"].pk
    with transaction.atomic():
        assert [services.take_number(a, 2026) for _ in range(3)] == [1, 2, 3]
        assert services.take_number(b, 2026) == 1 and services.take_number(a, 2027) == 1
    assert services.peek(a, 2026) == 3 and services.peek(b, 2025) == 0


def test_a_rolled_back_number_is_given_again(world) -> None:  # noqa: ANN001
    a = world.communes["a"].pk
    with pytest.raises(RuntimeError), transaction.atomic():
        services.take_number(a, 2026)
        raise RuntimeError("the certification failed")
    with transaction.atomic():
        assert services.take_number(a, 2026) == 1


@pytest.mark.parametrize(("pages", "copies", "fee"), [(1, 1, 2000), (2, 1, 4000), (3, 1, 5000), (10, 2, 24000),
                                                      (198, 1, 200000), (500, 3, 600000)])
def test_fee_per_circular_226(pages: int, copies: int, fee: int) -> None:
    assert services.fee_for(pages, copies) == fee


def test_the_database_refuses_a_duplicate_number_and_a_bad_entry(copy_world, clock) -> None:  # noqa: ANN001
    from django.db import IntegrityError

    clock.set("2026-03-10 09:00")
    d1, d2 = received(copy_world), received(copy_world)
    base = {"unit": copy_world.communes["a"], "year": 2026, "document_type": "CCCD", "pages": 1,
            "certifier_name": "A", "at": clock.current, "kind": "paper"}
    CertifiedCopy.objects.create(number=1, dossier=d1, **base)
    for bad in ({"number": 1, "dossier": d2}, {"number": 0, "dossier": d2},
                {"number": 2, "dossier": d2, "kind": "electronic"},  # electronic without its file
                {"number": 2, "dossier": d1}):  # one entry per dossier
        with pytest.raises(IntegrityError), transaction.atomic():
            CertifiedCopy.objects.create(**{**base, **bad})


needs_postgres = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks: PostgreSQL only")


def run_threads(n: int, work) -> list[object]:  # noqa: ANN001
    results: list[object] = []
    barrier = threading.Barrier(n)

    def go() -> None:
        try:
            barrier.wait(10)
            results.append(work())
        except Exception as e:  # noqa: BLE001 - reported by the test
            results.append(e)
        finally:
            connection.close()

    threads = [threading.Thread(target=go) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return results


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_numbers_are_gapless(world, clean_register) -> None:  # noqa: ANN001
    unit = world.communes["a"].pk

    def work() -> list[int]:
        got = []
        for i in range(10):
            try:
                with transaction.atomic():
                    n = services.take_number(unit, 2026)
                    if i == 3:
                        raise RuntimeError("rolled back: the number goes back")
                    got.append(n)
            except RuntimeError:
                pass
        return got

    results = run_threads(6, work)
    numbers = sorted(n for r in results for n in r)  # type: ignore[union-attr]
    assert numbers == list(range(1, 6 * 9 + 1))
    assert RegisterCounter.objects.get(unit_id=unit, year=2026).last == 54


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_certifications_get_their_own_numbers(copy_world, clock, signing_env, clean_register) -> None:  # noqa: ANN001
    clock.set("2026-03-10 09:00")
    dossiers = [received(copy_world) for _ in range(3)]
    todo = list(dossiers)
    lock = threading.Lock()

    def work() -> CertifiedCopy:
        with lock:
            d = todo.pop()
        req = services.CopyRequest(files=[("b.pdf", original_pdf())], document_type="Căn cước công dân", pages=1)
        return services.certify(copy_world.actor("counter_a"), d.pk, req)

    results = run_threads(3, work)
    assert all(isinstance(r, CertifiedCopy) for r in results), results
    entries = list(CertifiedCopy.objects.order_by("number"))
    assert [e.number for e in entries] == [1, 2, 3] and {e.dossier_id for e in entries} == {d.pk for d in dossiers}
    import io

    from pypdf import PdfReader

    for e in entries:  # every copy prints its own number
        text = PdfReader(io.BytesIO(signing.read_file(e.file))).pages[0].extract_text()
        assert f"Số chứng thực: {e.number}/SCT/BSĐT" in text
