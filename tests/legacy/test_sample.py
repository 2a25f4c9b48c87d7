"""The sample workbook offered on the import pages: on the administrator's own units, read back by
openpyxl, clean in a dry run, importable (and once only)."""

from __future__ import annotations

import io

import openpyxl
import pytest

from motcua.dossiers.models import Dossier
from motcua.legacy import check, load
from motcua.legacy import format as fmt

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_the_sample_is_clean_in_a_dry_run_and_imports_once(client_of, world, now, tmp_path) -> None:  # noqa: ANN001
    c = client_of("admin")
    assert 'href="/office/legacy/format/lich-su-mau.xlsx"' in c.get("/office/legacy/").content.decode()
    assert 'href="/office/legacy/format/lich-su-mau.xlsx"' in c.get("/office/legacy/format/").content.decode()
    r = c.get("/office/legacy/format/lich-su-mau.xlsx")
    assert r.status_code == 200 and r["Content-Type"] == XLSX
    assert 'filename="lich-su-mau.xlsx"' in r["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(r.content), read_only=True)
    assert book.sheetnames == [fmt.DOSSIER_SHEET, fmt.EVENT_SHEET]
    hoso = list(book[fmt.DOSSIER_SHEET].iter_rows(values_only=True))
    sukien = list(book[fmt.EVENT_SHEET].iter_rows(values_only=True))
    assert hoso[0] == fmt.DOSSIER_NAMES and sukien[0] == fmt.EVENT_NAMES
    assert len(hoso) == 4 and len(sukien) == 17
    assert {row[3] for row in hoso[1:]} == {"1.001193"} and {row[4] for row in hoso[1:]} == {"1", "2", "3"}
    assert hoso[1][6] == "068190000001"  # an ID number stays text (its leading zero)
    path = tmp_path / "lich-su-mau.xlsx"
    path.write_bytes(r.content)
    report = check.dry_run([path])
    assert report.problems == [] and (report.dossiers, report.new, report.failed) == (3, 3, 0)
    assert report.verdicts == {"early": 3}
    assert load.import_file([path]).as_dict() == {"rows": 19, "created": 3, "skipped": 0, "failed": 0}
    assert load.import_file([path]).as_dict() == {"rows": 19, "created": 0, "skipped": 3, "failed": 0}
    d = Dossier.objects.get(code=hoso[2][0])
    assert d.supplement_requests == 1 and d.channel == 2 and d.status == 10


def test_the_sample_uses_the_administrators_own_units(client_of, world, now) -> None:  # noqa: ANN001
    from motcua.legacy.sample import rows

    b = world.communes["b"]
    dossiers, _ = rows(lambda path: path.startswith(b.path))
    assert {row[2] for row in dossiers} == {b.code}
    assert rows(lambda path: False) == ([], [])
    assert client_of("counter_a").get("/office/legacy/format/lich-su-mau.xlsx").status_code == 403
    assert "lich-su-mau.xlsx" not in client_of("counter_a").get("/office/legacy/format/").content.decode()
