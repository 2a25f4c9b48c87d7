"""Portal services read like sentences: what a citizen may do, and the satisfaction figure."""

from __future__ import annotations

import sys
import types

import pytest

from motcua.catalog.models import Component
from motcua.domain.errors import NotFound, ValidationFailed
from motcua.dossiers.models import Dossier
from motcua.portal import services
from motcua.portal.models import Draft, Rating
from tests.portal.conftest import birth_version, state, upload

pytestmark = pytest.mark.django_db


def test_satisfaction_counts_satisfied_and_acceptable_among_rated(portal) -> None:  # noqa: ANN001
    dossiers = [portal.at(9) for _ in range(4)]
    for d, score in zip(dossiers[:3], (1, 2, 3), strict=True):
        services.rate(d.owner, d.pk, score)
    assert services.satisfaction(Dossier.objects.all()) == (2, 3)
    assert services.satisfaction(Dossier.objects.filter(pk=dossiers[2].pk).values("pk")) == (0, 1)
    assert services.satisfaction(Dossier.objects.none()) == (0, 0)


def test_a_file_for_another_procedures_component_is_refused(portal, world) -> None:  # noqa: ANN001
    foreign = Component.objects.filter(version__procedure__code="2.000815").first()
    before = state()
    with pytest.raises(ValidationFailed):
        services.save_draft(world.users["citizen"], birth_version(), portal.application(),
                            [services.Upload(upload(), "x.pdf", foreign.pk)])
    assert state() == before


def test_a_draft_is_submitted_by_its_owner_only(portal, world) -> None:  # noqa: ANN001
    draft = services.save_draft(world.users["citizen"], birth_version(), portal.application(), portal.uploads())
    with pytest.raises(NotFound):
        services.submit_draft(world.users["citizen2"], draft.pk)
    with pytest.raises(NotFound):
        services.save_draft(world.users["citizen2"], birth_version(), portal.application(), draft_id=draft.pk)
    d = services.submit_draft(world.users["citizen"], draft.pk)
    assert d.owner == world.users["citizen"] and not Draft.objects.exists()


def test_a_destination_outside_the_procedure_is_refused(portal, world) -> None:  # noqa: ANN001
    before = state()
    with pytest.raises(ValidationFailed):
        services.save_and_submit(world.users["citizen"], birth_version(),
                                 portal.application(receiving_unit=world.department.pk), portal.uploads())
    assert state() == before


def test_only_the_owner_supplements(portal, world) -> None:  # noqa: ANN001
    d = portal.at(5)
    with pytest.raises(NotFound):
        services.submit_supplement(world.users["citizen2"], d.pk, "", [services.Upload(upload(), "x.pdf")])
    d = services.submit_supplement(world.users["citizen"], d.pk, "ok", [services.Upload(upload(), "x.pdf")])
    assert d.status == 4


def test_public_lookup_has_the_api_shape_and_masks_the_name(portal) -> None:  # noqa: ANN001
    d = portal.at(10)
    out = services.public_lookup(f"  {d.code} ")
    assert set(out) == {"code", "procedure_name", "status", "status_label", "applicant", "received_at", "due_at",
                        "appointment_at", "returned_at"}
    assert out["applicant"] == "N***** V** An" and out["status"] == 10 and out["returned_at"] is not None
    with pytest.raises(ValidationFailed):
        services.public_lookup("<>")
    with pytest.raises(NotFound):
        services.public_lookup("000.31.90.H39-250101-0001")


def test_printable_documents_are_linked_when_the_documents_app_offers_them(client_of, portal, monkeypatch) -> None:  # noqa: ANN001
    d = portal.submitted()
    fake = types.ModuleType("motcua.documents.services")
    fake.available_documents = lambda actor, dossier: [("receipt", "Giấy tiếp nhận", f"/documents/{dossier.pk}/r")]
    monkeypatch.setitem(sys.modules, "motcua.documents.services", fake)
    html = client_of("citizen").get(f"/portal/dossiers/{d.pk}/").content.decode()
    assert f'<a href="/documents/{d.pk}/r">Giấy tiếp nhận</a>' in html


def test_rating_twice_through_the_service_is_refused(portal) -> None:  # noqa: ANN001
    d = portal.at(10)
    services.rate(d.owner, d.pk, 1, "  Tốt  ")
    with pytest.raises(ValidationFailed):
        services.rate(d.owner, d.pk, 1)
    assert Rating.objects.get().comment == "Tốt"
