"""Portal fixtures: citizens with profiles, uploaded files kept in a fresh folder, and online
dossiers brought to any status through the real services."""

from __future__ import annotations

import io
from typing import Any

import pytest

from motcua.catalog.models import Component
from motcua.dossiers import services as svc
from motcua.dossiers.models import Dossier, DossierEvent, DossierFile
from motcua.portal import catalog, services
from motcua.portal.models import CitizenProfile, Draft, DraftFile, Rating
from tests.factories import PDF, finished


@pytest.fixture
def citizens(world) -> dict[str, Any]:  # noqa: ANN001
    """The world's two citizens, with portal profiles."""
    CitizenProfile.objects.create(user=world.users["citizen"], id_number="068123456789", phone="0912345678",
                                  address="12 Trần Phú")
    CitizenProfile.objects.create(user=world.users["citizen2"], id_number="068987654321", phone="0987654321")
    return {k: world.users[k] for k in ("citizen", "citizen2")}


def upload(name: str = "to-khai.pdf", data: bytes = PDF) -> io.BytesIO:
    f = io.BytesIO(data)
    f.name = name
    return f


def birth_version():  # noqa: ANN201
    return catalog.in_force("1.001193")


def required_components() -> list[Component]:
    return list(birth_version().components.filter(required=True).order_by("order"))


class Portal:
    """Online dossiers of the world's citizens, at any status, through the real services."""

    def __init__(self, world: Any) -> None:  # noqa: ANN401
        self.world = world

    def application(self, commune: str = "a", **over: Any) -> services.Application:  # noqa: ANN401
        data: dict[str, Any] = {
            "receiving_unit": self.world.commune_centres[commune].pk, "applicant_name": "Nguyễn Văn An",
            "applicant_id_number": "068123456789", "applicant_phone": "0912345678",
            "request_summary": "Đăng ký khai sinh cho con"}
        data.update(over)
        return services.Application(**data)

    def uploads(self) -> list[services.Upload]:
        return [services.Upload(upload(f"c{c.pk}.pdf"), f"c{c.pk}.pdf", c.pk) for c in required_components()]

    def submitted(self, user: str = "citizen", commune: str = "a") -> Dossier:
        return services.save_and_submit(self.world.users[user], birth_version(), self.application(commune),
                                        self.uploads())

    def at(self, status: int, user: str = "citizen") -> Dossier:
        d = self.submitted(user)
        counter, spec, leader = (self.world.actor(f"{r}_a") for r in ("counter", "specialist", "leader"))
        steps = {2: [svc.receive], 4: [svc.receive, svc.start],
                 5: [svc.receive, svc.start, lambda a, i: svc.request_supplement(
                     spec, i, "Giấy chứng sinh bị mờ", ["Giấy chứng sinh (bản rõ nét)"])],
                 6: [svc.receive, svc.start, lambda a, i: svc.request_payment(spec, i, 50_000, "Lệ phí trích lục")],
                 9: [svc.receive, svc.start, lambda a, i: finished(self.world, i)],
                 10: [svc.receive, svc.start, lambda a, i: finished(self.world, i), svc.return_result]}
        for step in steps.get(status, []):
            step(counter, d.pk)
        d = Dossier.objects.get(pk=d.pk)
        assert d.status == status
        return d

    def with_result(self, status: int = 9) -> tuple[Dossier, DossierFile]:
        d = self.at(status)
        f = svc.attach_file(self.world.actor("leader_a"), d.pk, upload("giay-khai-sinh.pdf"), "giay-khai-sinh.pdf",
                            "result")
        return d, f


@pytest.fixture
def portal(world, citizens, now) -> Portal:  # noqa: ANN001
    return Portal(world)


def state() -> dict[str, Any]:
    """Everything a refused portal operation must leave unchanged."""
    return {"dossiers": list(Dossier.objects.order_by("pk").values("pk", "status", "row_version")),
            "events": DossierEvent.objects.count(), "files": DossierFile.objects.count(),
            "drafts": list(Draft.objects.order_by("pk").values()), "draft_files": DraftFile.objects.count(),
            "ratings": Rating.objects.count()}
