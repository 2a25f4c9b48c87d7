"""E-forms: validating and rendering a 60-field declaration (p50/p95), and finding dossiers by a
declared value among 1M dossiers on PostgreSQL.

1. ``validate``: motcua.domain.eforms.validate of a 60-field form (6 sections: text, dates with
   cross-field checks, numbers, named choice lists, ID numbers, phone, e-mail, conditions, an
   address checked against 1,000 communes, two persons, a 5-row repeating group), filled data;
   ``render``: the renderer's view model and its template (eforms/_form.html), as the counter and
   the portal draw it. Pure CPU, no database.
2. ``search``: ``--n`` dossiers (bulk-loaded open dossiers, replicated by SQL up to n) with 4
   declared values each (child's name, mother's name, mother's ID number, birth date: 4n
   DeclaredValue rows, accent-folded), then the dossier list filtered by a declared value as the
   API and the office queues run it (services.filter_declared on the actor's visible dossiers,
   newest 50): a full name, a name prefix, an ID number on its path.

    .venv/bin/python bench/eforms.py --n 1000000          # PostgreSQL
    .venv/bin/python bench/eforms.py --n 20000 --quick    # smoke test
"""

from __future__ import annotations

import random
import sys
import time
from datetime import date
from typing import Any

import common

SURNAMES = ["nguyen", "tran", "le", "pham", "hoang", "huynh", "phan", "vu", "vo", "dang", "bui", "do", "ho",
            "ngo", "duong", "ly"]
MIDDLE = ["van", "thi", "huu", "duc", "minh", "ngoc", "thanh", "quoc", "hoang", "kim", "gia", "bao"]
GIVEN = ["an", "binh", "chi", "dung", "giang", "ha", "hai", "hanh", "hieu", "hoa", "hung", "huong", "khanh",
         "lan", "linh", "long", "mai", "minh", "nam", "nga", "phong", "phuong", "quan", "son", "tam", "thao",
         "thu", "trang", "tuan", "viet", "yen", "xuan"]


# ---- 1. a 60-field form --------------------------------------------------------------------

def _l(vi: str) -> dict[str, str]:
    return {"vi": vi, "en": vi}


def form_60() -> dict[str, Any]:
    sections = []
    kinds = ["text", "date", "number", "choice", "id_number", "phone", "email", "boolean", "text", "textarea",
             "date"]
    for s in range(5):
        fields = []
        for i, kind in enumerate(kinds):
            f: dict[str, Any] = {"key": f"f{i}", "type": kind, "label": _l(f"Trường {s}.{i}"), "required": i < 6}
            if kind == "choice":
                f["choices"] = "ethnicities"
            if kind == "number":
                f.update(min=0, max=10_000, integer=True)
            if kind == "date":
                f["max"] = "today"
            if i == 8:
                f["show_if"] = {"field": f"s{s}.f7", "equals": True}
            fields.append(f)
        sections.append({"key": f"s{s}", "title": _l(f"Phần {s}"), "fields": fields})
    sections.append({"key": "x", "title": _l("Phần cuối"), "fields": [
        {"key": "place", "type": "address", "label": _l("Nơi sinh"), "required": True},
        {"key": "note", "type": "text", "label": _l("Ghi chú")},
        {"key": "mother", "type": "person", "label": _l("Mẹ"), "required": True},
        {"key": "father", "type": "person", "label": _l("Cha")},
        {"key": "kids", "type": "group", "label": _l("Con"), "max_items": 10, "fields": [
            {"key": "name", "type": "text", "label": _l("Họ tên"), "required": True},
            {"key": "born", "type": "date", "label": _l("Ngày sinh")}]},
    ]})
    checks = [{"rule": "before", "left": "s0.f1", "right": "$received_date"},
              {"rule": "before", "left": "x.mother.birth_date", "right": "s0.f1"},
              {"rule": "not_after", "left": "x.kids[*].born", "right": "today"},
              {"rule": "required_one_of", "fields": ["s1.f5", "s1.f6"]}]
    return {"schema": 1, "key": "bench-60", "title": _l("Tờ khai 60 trường"), "sections": sections, "checks": checks}


def data_60() -> dict[str, Any]:
    values = {"text": "Nguyễn Văn An", "date": "12/03/2020", "number": "3200", "choice": "01",
              "id_number": "068195000123", "phone": "0912 345 678", "email": "an@example.vn", "boolean": "true",
              "textarea": "Ghi chú " * 10}
    kinds = ["text", "date", "number", "choice", "id_number", "phone", "email", "boolean", "text", "textarea",
             "date"]
    data: dict[str, Any] = {f"s{s}": {f"f{i}": values[k] for i, k in enumerate(kinds)} for s in range(5)}
    person = {"full_name": "Trần Thị Bình", "birth_date": "02/04/1990", "id_number": "068190000123",
              "ethnicity": "01", "nationality": "Việt Nam", "residence": "Thôn 1"}
    data["x"] = {"place": {"province": "P0", "commune": "C17", "detail": "Số 1"}, "mother": person,
                 "father": {**person, "full_name": "Lê Văn Cường"},
                 "kids": [{"name": f"Con {i}", "born": "01/01/2015"} for i in range(5)]}
    return data


def units() -> dict[str, Any]:
    return {"provinces": {f"P{p}": f"Tỉnh {p}" for p in range(34)},
            "communes": {f"C{c}": (f"P{c % 34}" if c != 17 else "P0", f"Xã {c}") for c in range(1000)}}


def timed(fn: Any, n: int) -> list[float]:
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def stats(ms: list[float]) -> dict[str, float]:
    return {"p50_ms": round(common.median(ms), 3), "p95_ms": round(common.percentile(ms, 95), 3),
            "max_ms": round(max(ms), 3), "runs": len(ms)}


def bench_form(n: int) -> dict[str, Any]:
    from django.template.loader import render_to_string

    from motcua.domain import eforms as ef
    from motcua.eforms import render

    defn, data = form_60(), data_60()
    assert ef.check_definition(defn) == [], ef.check_definition(defn)
    ctx = {"units": units(), "received_date": date(2026, 12, 3), "lang": "vi"}
    fields = sum(len(s["fields"]) for s in defn["sections"])
    cleaned, errors = ef.validate(defn, data, today=date(2026, 12, 3), context=ctx)
    assert errors == {}, errors

    def validate() -> None:
        ef.validate(defn, data, today=date(2026, 12, 3), context=ctx)

    def draw() -> None:
        view = render.form_view(defn, data, {}, ctx, "vi")
        render_to_string("eforms/_form.html", {"eform": view, "live_url": "/eforms/live/1/"})

    timed(validate, 50)
    timed(draw, 10)  # warm the template cache
    html = render_to_string("eforms/_form.html", {"eform": render.form_view(defn, data, {}, ctx, "vi")})
    return {"fields": fields, "inputs_drawn": html.count("<input") + html.count("<select") + html.count("<textarea"),
            "html_kb": round(len(html) / 1024, 1), "validate": stats(timed(validate, n)),
            "render": stats(timed(draw, max(50, n // 10)))}


# ---- 2. search by declared value at 1M dossiers --------------------------------------------

def _sql(url: str, *statements: str) -> float:
    import psycopg

    t0 = time.perf_counter()
    with psycopg.connect(url.replace("postgres://", "postgresql://"), autocommit=True) as conn:
        for s in statements:
            conn.execute(s)
    return round(time.perf_counter() - t0, 1)


def load(url: str, n: int) -> dict[str, Any]:
    base = min(n, 20_000)
    loaded = common.load_open_dossiers(base, date(2025, 7, 1), date(2026, 6, 30))
    copies = -(-n // base) - 1
    from motcua.dossiers.models import Dossier

    cols = [f.column for f in Dossier._meta.concrete_fields if f.column not in ("id", "code")]
    replicate = (f"INSERT INTO dossiers_dossier (code, {', '.join(cols)}) SELECT d.code || '-R' || g, "
                 f"{', '.join('d.' + c for c in cols)} FROM dossiers_dossier d, generate_series(1, {copies}) g")
    t_rep = _sql(url, replicate, f"DELETE FROM dossiers_dossier WHERE id IN (SELECT id FROM dossiers_dossier "
                                 f"ORDER BY id DESC LIMIT greatest(0, (SELECT count(*) FROM dossiers_dossier) - {n}))")
    arr = lambda xs: "ARRAY[" + ",".join(f"'{x}'" for x in xs) + "]"  # noqa: E731
    name = (f"({arr(SURNAMES)})[1 + floor(random() * {len(SURNAMES)})::int] || ' ' || "
            f"({arr(MIDDLE)})[1 + floor(random() * {len(MIDDLE)})::int] || ' ' || "
            f"({arr(GIVEN)})[1 + floor(random() * {len(GIVEN)})::int]")
    values = (
        "INSERT INTO eforms_declaredvalue (dossier_id, path, value_norm) "
        f"SELECT id, 'child.full_name', {name} FROM dossiers_dossier UNION ALL "
        f"SELECT id, 'mother.person.full_name', {name} FROM dossiers_dossier UNION ALL "
        "SELECT id, 'mother.person.id_number', '068' || lpad((id * 7919 % 1000000000)::text, 9, '0') "
        "FROM dossiers_dossier UNION ALL "
        "SELECT id, 'child.birth_date', to_char(date '2025-07-01' + (id % 365)::int, 'DD/MM/YYYY') "
        "FROM dossiers_dossier")
    t_val = _sql(url, "DROP INDEX IF EXISTS declared_value", "DROP INDEX IF EXISTS declared_dossier_path", values)
    t_idx = _sql(url, "CREATE INDEX declared_dossier_path ON eforms_declaredvalue (dossier_id, path)",
                 "CREATE INDEX declared_value ON eforms_declaredvalue "
                 "(value_norm varchar_pattern_ops, path varchar_pattern_ops)")
    common.analyze(url)
    return {"base_loaded": loaded, "replicate_s": t_rep, "values_s": t_val, "index_s": t_idx}


def bench_search(repeat: int) -> dict[str, Any]:
    from django.contrib.auth import get_user_model
    from django.db import connection

    from motcua.dossiers import services as svc
    from motcua.dossiers.models import Dossier
    from motcua.eforms.models import DeclaredValue
    from motcua.eforms.services import filter_declared
    from motcua.units.models import StaffRole

    counts = {"dossiers": Dossier.objects.count(), "declared_values": DeclaredValue.objects.count()}
    admin = StaffRole.objects.filter(role="admin").select_related("user").first()
    monitor = StaffRole.objects.filter(role="monitor").select_related("user").first()
    user = (monitor or admin).user if (monitor or admin) else get_user_model().objects.filter(is_superuser=True).first()
    actor = svc.Actor.of(user)
    rng = random.Random(5)
    sample = list(DeclaredValue.objects.filter(path="child.full_name").order_by("?")[:1].values_list("value_norm",
                                                                                                      flat=True))
    ids = list(DeclaredValue.objects.filter(path="mother.person.id_number").values_list("value_norm", flat=True)[:200])
    cases = {
        "full name (any path)": lambda: (f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}", ""),
        "full name on its path": lambda: (f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
                                          "child.full_name"),
        "name prefix 'surname middle'": lambda: (f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)}", ""),
        "ID number on its path": lambda: (rng.choice(ids), "mother.person.id_number"),
    }
    out: dict[str, Any] = {**counts, "actor_scope": "province (monitor)", "sample_value": sample[0] if sample else ""}
    for label, pick in cases.items():
        ms, found = [], 0
        for _ in range(repeat):
            text, path = pick()
            t0 = time.perf_counter()
            rows = list(filter_declared(svc.visible_dossiers(actor), text, path).order_by("-pk")
                        .values_list("pk", flat=True)[:50])
            ms.append((time.perf_counter() - t0) * 1000)
            found += len(rows)
        out[label] = {**stats(ms), "avg_rows": round(found / repeat, 1)}
    qs = filter_declared(svc.visible_dossiers(actor), "nguyen van an", "").order_by("-pk").values_list("pk")[:50]
    with connection.cursor() as cur:
        sql, params = qs.query.sql_with_params()
        cur.execute("EXPLAIN " + sql, params)
        out["plan"] = " | ".join(r[0].strip() for r in cur.fetchall()[:6])
    return out


def main() -> None:
    p = common.parser(__doc__.splitlines()[0], 1_000_000)
    p.add_argument("--quick", action="store_true")
    p.add_argument("--form-only", action="store_true")
    opts = p.parse_args()
    result: dict[str, Any] = {"bench": "eforms"}
    if opts.form_only:
        common.setup_django(common.db_url("sqlite", "motcua_bench_eforms_noop"))
        result["form_60"] = bench_form(300 if opts.quick else 2000)
        common.emit(result, opts.json)
        return
    url = common.db_url(opts.db, opts.name or "motcua_bench_eforms")
    created = common.prepare(url, opts.reuse)
    common.setup_django(url)
    result["form_60"] = bench_form(300 if opts.quick else 2000)
    try:
        if created or not opts.reuse:
            print("loading ...", file=sys.stderr, flush=True)
            result["load"] = load(url, opts.n)
        result["search"] = bench_search(20 if opts.quick else 100)
    finally:
        if not opts.keep:
            from django.db import connections

            connections.close_all()
            common.drop_db(url)
    common.emit(result, opts.json)


if __name__ == "__main__":
    main()
