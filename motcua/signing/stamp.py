"""The result's QR code and code, stamped on its last page before signing (so the signature covers them),
and where the leader's signature block goes on that page.

The QR is drawn as filled rectangles from segno's matrix (sharp at any resolution, no image); the code
under it uses a standard PDF font (the codes are ASCII). An incremental update: the original bytes stay.
"""

from __future__ import annotations

from io import BytesIO

import segno
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader

from .errors import SigningError
from .i18n import _
from .pades import SignatureBox

QR_SIZE = 76.0  # points, quiet zone included (about 27 mm)
MARGIN = 36.0
QUIET_ZONE = 4
FONT_NAME = "/MotcuaCode"
CODE_KEY = "/MotcuaResultCode"  # in the catalog: the code the QR names, so a later signer need not stamp again


def page_geometry(data: bytes) -> tuple[int, tuple[float, float, float, float]]:
    """(index of the last page, its media box) of a PDF; SigningError if it is not a readable PDF."""
    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        count = int(reader.root["/Pages"]["/Count"])
        page = reader.root["/Pages"]
        index = count - 1
        page_obj = _page(page, index)
        box = _inherited(page_obj, "/MediaBox")
        x1, y1, x2, y2 = (float(v) for v in box)
    except SigningError:
        raise
    except Exception as e:
        raise SigningError(_("Tệp kết quả không phải là tệp PDF đọc được, không ký số được.")) from e
    return index, (x1, y1, x2, y2)


def _page(node: generic.DictionaryObject, index: int) -> generic.DictionaryObject:
    """The ``index``-th leaf of the page tree."""
    for kid in node["/Kids"]:
        kid = kid.get_object()
        if kid.get("/Type") == "/Pages":
            n = int(kid["/Count"])
            if index < n:
                return _page(kid, index)
            index -= n
        elif index == 0:
            return kid
        else:
            index -= 1
    raise SigningError(_("Tệp kết quả không phải là tệp PDF đọc được, không ký số được."))


def _inherited(page: generic.DictionaryObject, key: str) -> generic.PdfObject:
    node = page
    while node is not None:
        if key in node:
            return node[key]
        node = node.get("/Parent").get_object() if "/Parent" in node else None
    return generic.ArrayObject([0, 0, 595, 842])  # A4


def leader_box(data: bytes, title: str = "") -> SignatureBox:
    """The leader's signature block: bottom right of the last page (where Vietnamese forms sign)."""
    index, (x1, y1, x2, _y2) = page_geometry(data)
    return SignatureBox(page=index, box=(x2 - MARGIN - 230, y1 + MARGIN, x2 - MARGIN, y1 + MARGIN + 70), title=title)


def qr_operators(url: str, x: float, y: float, size: float) -> bytes:
    """PDF content drawing the QR code of ``url`` with its bottom-left corner at (x, y)."""
    qr = segno.make_qr(url, error="m")
    rows = [list(r) for r in qr.matrix_iter(border=QUIET_ZONE)]
    module = size / len(rows)
    ops = [f"q 1 g {x:.2f} {y:.2f} {size:.2f} {size:.2f} re f 0 g"]
    for r, row in enumerate(rows):
        top = y + size - (r + 1) * module
        c = 0
        while c < len(row):
            if row[c]:
                start = c
                while c < len(row) and row[c]:
                    c += 1
                ops.append(f"{x + start * module:.3f} {top:.3f} {(c - start) * module:.3f} {module:.3f} re")
            else:
                c += 1
    ops.append("f Q")
    return "\n".join(ops).encode("ascii")


def _text(x: float, y: float, size: float, text: str) -> bytes:
    safe = text.encode("ascii", "replace").decode().replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return f"q 0 g BT {FONT_NAME} {size} Tf {x:.2f} {y:.2f} Td ({safe}) Tj ET Q".encode("ascii")


def stamp_result(data: bytes, code: str, url: str) -> bytes:
    """``data`` with the QR of ``url`` and the result code at the bottom left of the last page."""
    index, (x1, y1, _x2, _y2) = page_geometry(data)
    writer = IncrementalPdfFileWriter(BytesIO(data), strict=False)
    x, y = x1 + MARGIN, y1 + MARGIN + 10
    content = b"\n".join([qr_operators(url, x, y, QR_SIZE), _text(x + 4, y - 8, 7, f"Ma ket qua: {code}"),
                          _text(x + 4, y - 17, 6, "Quet ma QR de kiem tra chu ky so")])
    font = writer.add_object(generic.DictionaryObject({
        generic.NameObject("/Type"): generic.NameObject("/Font"),
        generic.NameObject("/Subtype"): generic.NameObject("/Type1"),
        generic.NameObject("/BaseFont"): generic.NameObject("/Helvetica"),
        generic.NameObject("/Encoding"): generic.NameObject("/WinAnsiEncoding")}))
    resources = generic.DictionaryObject({generic.NameObject("/Font"): generic.DictionaryObject(
        {generic.NameObject(FONT_NAME): font})})
    stream = writer.add_object(generic.StreamObject(stream_data=content))
    writer.add_stream_to_page(index, stream, resources=resources)
    writer.root[generic.NameObject(CODE_KEY)] = generic.TextStringObject(code)  # for a later signature
    writer.update_root()
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def stamped_code(data: bytes) -> str | None:
    """The result code stamped on ``data`` by :func:`stamp_result`, if any."""
    try:
        value = PdfFileReader(BytesIO(data), strict=False).root.get(CODE_KEY)
    except Exception:  # noqa: BLE001 - not a readable PDF: nothing stamped
        return None
    return str(value) if value is not None else None


def has_signatures(data: bytes) -> bool:
    try:
        return bool(list(PdfFileReader(BytesIO(data), strict=False).embedded_signatures))
    except Exception:  # noqa: BLE001
        return False


def initials_box(data: bytes, title: str = "") -> SignatureBox:
    """The specialist's initials: bottom middle of the last page, left of the leader's block."""
    index, (x1, y1, x2, _y2) = page_geometry(data)
    left = x1 + MARGIN + QR_SIZE + 20
    return SignatureBox(page=index, box=(left, y1 + MARGIN, min(left + 150, x2 - MARGIN - 240), y1 + MARGIN + 50),
                        title=title)
