"""E-forms content: the declaration printed from its data (the official layout, reportlab) and the
result drawn from it (trích lục khai sinh), per document: medians and p95 in milliseconds, for each
shipped form filled with every field (the tests' example filler). Pure rendering: no database.

    .venv/bin/python bench/eforms_pdf.py --n 50
"""

from __future__ import annotations

import os
import sys
import time
from datetime import date

import common


def main() -> None:
    opts = common.parser(__doc__.splitlines()[0], 50, default_db="sqlite").parse_args()
    os.environ.setdefault("MOTCUA_ENV", "test")
    os.environ.setdefault("MOTCUA_DATABASE_URL", "sqlite:///:memory:")
    sys.path.insert(0, str(common.ROOT))
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    django.setup()
    common.emit({"bench": "eforms_pdf", **run(opts.n)}, opts.json)


def _timed(fn, n: int) -> list[float]:  # noqa: ANN001
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def run(n: int) -> dict[str, object]:
    from motcua.documents.layout import Issuer
    from motcua.domain.eforms import validate
    from motcua.eforms import shipped
    from motcua.eforms.pdf import Paper, render_declaration
    from motcua.eforms.results import TEMPLATES, Registration, render_result
    from tests.eforms.test_content_shipped import CONTEXT, TODAY, example

    per_form: dict[str, dict[str, float]] = {}
    all_ms: list[float] = []
    for key in shipped.keys():  # noqa: SIM118 - the module's function, not a dict
        defn = shipped.load(key)
        data, _errors = validate(defn, example(defn), today=TODAY, context=CONTEXT)
        paper = Paper("Ủy ban nhân dân xã A", "Đà Lạt", TODAY, "Nguyễn Văn An", "H68-0001", CONTEXT)
        render_declaration(defn, data, paper)  # warm the fonts
        ms = _timed(lambda: render_declaration(defn, data, paper), n)  # noqa: B023
        all_ms += ms
        per_form[key] = {"median_ms": round(common.median(ms), 1), "p95_ms": round(common.percentile(ms, 95), 1)}
    defn = shipped.load("khai-sinh")
    data, _ = validate(defn, example(defn), today=TODAY, context=CONTEXT)
    reg = Registration(Issuer("Tỉnh Lâm Đồng", "Ủy ban nhân dân xã A", "Số: …/TLKS", "Đà Lạt", None), date.today())
    extract = _timed(lambda: render_result(TEMPLATES["khai-sinh"], defn, data, reg, CONTEXT), n)
    return {"n": n, "forms": len(per_form), "declaration_median_ms": round(common.median(all_ms), 1),
            "declaration_p95_ms": round(common.percentile(all_ms, 95), 1),
            "extract_median_ms": round(common.median(extract), 1),
            "extract_p95_ms": round(common.percentile(extract, 95), 1), "per_form": per_form}


if __name__ == "__main__":
    main()
