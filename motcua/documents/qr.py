"""The public tracking URL of a dossier and its QR code as a vector flowable for reportlab."""

from __future__ import annotations

import base64
import re
from typing import Any

import segno
from django.utils.crypto import constant_time_compare, salted_hmac
from reportlab.lib.colors import black
from reportlab.platypus import Flowable

from motcua.conf import CONFIG

QUIET_ZONE = 4  # modules of white border the QR specification asks for
_SALT = "motcua.documents.qr.lookup-token"
_TOKEN = re.compile(r"^([0-9a-z]{1,13})-([A-Za-z0-9_-]{27})$")


def _mac(dossier_id: int) -> str:
    digest = salted_hmac(_SALT, str(dossier_id), algorithm="sha256").digest()[:20]  # 160 bits
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def lookup_token(dossier_id: int) -> str:
    """An unguessable token for the public lookup of one dossier: the id (base 36) and an HMAC of it
    keyed by the secret key. Nobody can make one without the key, so scanning a receipt's QR code
    needs no guessable dossier code. (Changing the secret key invalidates the printed tokens; the
    code printed beside the QR still works on the lookup page.)"""
    return f"{_base36(dossier_id)}-{_mac(dossier_id)}"


def dossier_id_from_token(token: str) -> int | None:
    """The dossier id a token was made for, or None if the token is malformed, forged or altered."""
    m = _TOKEN.match(token or "")
    if not m:
        return None
    dossier_id = int(m.group(1), 36)
    return dossier_id if constant_time_compare(m.group(2), _mac(dossier_id)) else None


def _base36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if n == 0:
            return out


def tracking_url(dossier_id: int) -> str:
    """Where a citizen looks a dossier up on the portal, printed as the receipt's QR code: a token
    page, not the dossier code (codes are sequential, so a code in a URL invites enumeration)."""
    return f"{CONFIG.public_url}/portal/lookup/t/{lookup_token(dossier_id)}/"


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


VERIFY_QR_SIZE = 56.0  # points (about 20 mm): a signed letter's verification QR


def verification_block(code: str, url: str, width: float, with_qr: bool = True) -> Any:
    """What a signed letter prints under its signatures: its verification code and where to check it,
    with the QR code of that page (the receipt, which already has the tracking QR, prints the line only)."""
    from reportlab.platypus import Table, TableStyle

    from .layout import para, style, text

    if not with_qr:  # the receipt: its own QR is the tracking one, and the line must stay short (A5, one page)
        return para(f"Văn bản được ký số. Mã kiểm tra: <b>{text(code)}</b>. Kiểm tra chữ ký số tại {text(url)}",
                    style("verify", 7.5, leading=9.5))
    line = para(f"Văn bản được ký số. Mã kiểm tra: <b>{text(code)}</b>. Quét mã QR hoặc truy cập {text(url)} "
                "để kiểm tra chữ ký số.", style("verify", 7.5, leading=9.5))
    t = Table([[QRCode(url, VERIFY_QR_SIZE), line]], colWidths=[VERIFY_QR_SIZE + 6, width - VERIFY_QR_SIZE - 6])
    t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                           ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return t
