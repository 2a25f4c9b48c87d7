"""A one-page result PDF for the signing tests, the benchmark and the demo (reportlab, DejaVu font)."""

from __future__ import annotations

import io

from .pades import FONT


def make_result_pdf(text: str = "QUYẾT ĐỊNH - KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH") -> bytes:
    """A one-page result, uncompressed so a test can find and change a byte of its text."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVuSans", str(FONT)))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, pageCompression=0)
    c.setFont("DejaVuSans", 13)
    c.drawString(72, 760, text)
    c.setFont("Helvetica", 11)
    c.drawString(72, 730, "Ho so so 000.00.11.H39-261201-0001: KET QUA DA DUOC PHE DUYET")
    c.showPage()
    c.save()
    return buf.getvalue()
