"""Wire-format helpers of the national portal: local yyyyMMddHHmmss dates, truncation, chunks."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from motcua.integrations.national_portal import mapping


def test_dates_are_local_time_on_the_wire():
    assert mapping.format_time(datetime(2026, 12, 1, 17, 30, tzinfo=UTC)) == "20261202003000"
    assert mapping.format_time(datetime(2026, 12, 1, 8, 5, 9)) == "20261201080509"  # naive: already local
    back = mapping.parse_time("20261202003000")
    assert back == datetime(2026, 12, 1, 17, 30, tzinfo=UTC) and back.utcoffset().total_seconds() == 7 * 3600


@pytest.mark.parametrize("text", ["2026120108050", "2026-12-01 08:05", "2026120108050x"])
def test_malformed_dates_are_refused(text):
    with pytest.raises(ValueError):
        mapping.parse_time(text)


def test_truncate_marks_what_it_cut_and_keeps_the_limit():
    assert mapping.truncate("ngắn", 10) == "ngắn"
    cut = mapping.truncate("x" * 1200, 1000)
    assert len(cut) == 1000 and cut.endswith(mapping.TRUNCATED)
    assert len(mapping.truncate("abcdef", 2)) == 2


def test_fit_truncates_only_limited_text_fields():
    record = {"TrichYeuHoSo": "y" * 1500, "ChuHoSo": "z" * 1500, "TrangThaiHoSo": 4}
    fitted = mapping.fit(record, mapping.DOSSIER_LIMITS)
    assert len(fitted["TrichYeuHoSo"]) == 1000 and fitted["ChuHoSo"] == record["ChuHoSo"]
    assert fitted["TrangThaiHoSo"] == 4


def test_chunks():
    assert list(mapping.chunks(list(range(7)), 3)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(mapping.chunks([], 10)) == []
    with pytest.raises(ValueError):
        list(mapping.chunks([1], 11))
