"""The public tracking URL of a dossier and its QR code as a vector flowable for reportlab."""

from __future__ import annotations

from urllib.parse import urlencode

import segno
from reportlab.lib.colors import black
from reportlab.platypus import Flowable

from motcua.conf import CONFIG

QUIET_ZONE = 4  # modules of white border the QR specification asks for


def tracking_url(code: str) -> str:
    """Where a citizen looks a dossier up on the portal; printed as the receipt's QR code."""
    return f"{CONFIG.public_url}/portal/lookup/?{urlencode({'code': code})}"


class QRCode(Flowable):
    """A QR code drawn as black rectangles (sharp at any print resolution), quiet zone included
    in its ``size`` (points)."""

    def __init__(self, data: str, size: float) -> None:
        super().__init__()
        self.qr = segno.make_qr(data, error="m")
        self.size = size
        self.width = self.height = size

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        rows = [list(row) for row in self.qr.matrix_iter(border=QUIET_ZONE)]
        module = self.size / len(rows)
        canvas = self.canv
        canvas.setFillColor(black)
        for y, row in enumerate(rows):
            for x0, run in _dark_runs(row):
                canvas.rect(x0 * module, self.size - (y + 1) * module, run * module, module, stroke=0, fill=1)


def _dark_runs(row: list[bool]) -> list[tuple[int, int]]:
    """(start, length) of each run of dark modules in a row: one rectangle per run."""
    runs: list[tuple[int, int]] = []
    start = None
    for x, dark in enumerate([*row, False]):
        if dark and start is None:
            start = x
        elif not dark and start is not None:
            runs.append((start, x - start))
            start = None
    return runs
