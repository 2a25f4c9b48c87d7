"""Document test helpers: dossiers made through the services, and a real PDF reader (pypdf for
text, pypdfium2 to render pages, zxing-cpp to decode the QR code)."""

from __future__ import annotations

import io
import re
import unicodedata
from typing import Any

import pypdf
import pypdfium2
import pytest
import zxingcpp

from motcua.dossiers import services as svc
from motcua.dossiers.models import Dossier

APPLICANT = svc.Applicant(name="Nguyễn Thị Hồng Nhung", id_number="068123456789", phone="0912 345 678",
                          email="nhung.nguyen@example.vn",
                          address="Số 12 đường Trần Hưng Đạo, phường Xuân Hương - Đà Lạt, tỉnh Lâm Đồng")
HOLDERS = {1: "counter", 2: "specialist", 3: "leader"}  # who holds each step of the test process
A5 = (419.5, 595.3)
A4 = (595.3, 841.9)



def normalized(value: str) -> str:
    """NFC with all whitespace runs as one space (wrapped lines join back into one sentence)."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", value)).strip()


class Pdf:
    """A generated PDF read back the way a reader would."""

    def __init__(self, content: bytes) -> None:
        assert content.startswith(b"%PDF-")
        self.content = content
        self.reader = pypdf.PdfReader(io.BytesIO(content))

    @property
    def pages(self) -> int:
        return len(self.reader.pages)

    def page_text(self, index: int) -> str:
        return normalized(self.reader.pages[index].extract_text())

    @property
    def text(self) -> str:
        return " ".join(self.page_text(i) for i in range(self.pages))

    def size(self, index: int = 0) -> tuple[float, float]:
        box = self.reader.pages[index].mediabox
        return round(float(box.width), 1), round(float(box.height), 1)

    def missing(self, *expected: str) -> list[str]:
        text = self.text
        return [e for e in expected if normalized(e) not in text]

    def barcodes(self, index: int = 0, scale: float = 3) -> list[str]:
        page = pypdfium2.PdfDocument(self.content)[index]
        image = page.render(scale=scale).to_pil()
        return [b.text for b in zxingcpp.read_barcodes(image)]


class Desk:
    """Dossiers brought to a status through the real services, on the world's staff."""

    def __init__(self, world: Any) -> None:
        self.world = world

    def actor(self, username: str) -> svc.Actor:
        return self.world.actor(username)

    def received(self, commune: str = "a", **over: Any) -> Dossier:
        over = {"applicant": APPLICANT, "owner_id": self.world.users["citizen"].pk, **over}
        return svc.intake(self.actor(f"counter_{commune}"), self.world.intake_request(commune, 1, **over))

    def registered(self, commune: str = "a", **over: Any) -> Dossier:
        over = {"applicant": APPLICANT, "owner_id": self.world.users["citizen"].pk, **over}
        return svc.intake(self.actor(f"counter_{commune}"), self.world.intake_request(commune, 2, **over))

    def at_step(self, order: int, commune: str = "a") -> Dossier:
        d = svc.start(self.actor(f"counter_{commune}"), self.received(commune).pk,
                      holder_id=self.world.users[f"counter_{commune}"].pk)
        for step in range(2, order + 1):  # step by step: no required step is skipped
            holder = self.world.users[f"{HOLDERS[step]}_{commune}"]
            d = svc.forward(self.actor(f"specialist_{commune}"), d.pk, to_step=step, holder_id=holder.pk)
        return d


def _name(user: Any, family: str, given: str) -> None:
    user.last_name, user.first_name = family, given
    user.save(update_fields=["last_name", "first_name"])



@pytest.fixture
def desk(world, now) -> Desk:  # noqa: ANN001
    _name(world.users["counter_a"], "Trần Thị", "Mai")
    _name(world.users["specialist_a"], "Lê Văn", "Bình")
    _name(world.users["leader_a"], "Phạm Quốc", "Hùng")
    return Desk(world)
