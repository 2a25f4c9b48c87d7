"""The English catalog: labels switch language, and every message in the .po is translated."""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from motcua.catalog.choices import Channel
from motcua.dossiers.choices import ActionChoices, StatusChoices, VerdictChoices
from motcua.units.choices import Role, UnitKind

LC_MESSAGES = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def _parse_po(path: Path) -> dict[str, str]:
    """A tiny .po reader: msgid -> msgstr for active entries (no plurals or contexts in this project)."""
    entries: dict[str, str] = {}
    fuzzy: list[str] = []
    entry: dict[str, str] = {}
    field = ""

    def flush() -> None:
        if entry.get("msgid"):
            entries[entry["msgid"]] = entry.get("msgstr", "")
            if "fuzzy" in entry.get("flags", ""):
                fuzzy.append(entry["msgid"])
        entry.clear()

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith(("msgctxt", "msgid_plural", "msgstr[")):
            raise AssertionError(f"unsupported .po construct: {line}")
        if line.startswith("#~"):  # obsolete entry
            continue
        if line.startswith("#") or line.startswith("msgid "):
            if "msgstr" in entry:
                flush()
            if line.startswith("#,"):
                entry["flags"] = entry.get("flags", "") + line
            elif line.startswith("msgid "):
                field, entry["msgid"] = "msgid", ast.literal_eval(line[len("msgid "):])
        elif line.startswith("msgstr "):
            field, entry["msgstr"] = "msgstr", ast.literal_eval(line[len("msgstr "):])
        elif line.startswith('"') and field:
            entry[field] += ast.literal_eval(line)
    flush()
    assert not fuzzy, f"fuzzy entries: {fuzzy}"
    return entries


@pytest.fixture(scope="module")
def po_entries() -> dict[str, str]:
    return _parse_po(LC_MESSAGES / "django.po")


@pytest.mark.parametrize(
    ("label", "english"),
    [
        (StatusChoices.RECEIVED.label, "Received"),
        (StatusChoices.WITHDRAWN.label, "Withdrawn"),
        (VerdictChoices.EARLY.label, "Early"),
        (VerdictChoices.ON_TIME.label, "On time"),
        (VerdictChoices.LATE.label, "Late"),
        (UnitKind.SERVICE_CENTRE.label, "Public Administration Service Centre"),
        (UnitKind.AGENCY.label, "Agency"),
        (Role.COUNTER_OFFICER.label, "One-stop counter officer"),
        (Role.ADMIN.label, "Administrator"),
        (Channel.ONLINE.label, "Online"),
    ],
)
def test_labels_are_english_when_activated(label: object, english: str) -> None:
    with translation.override("vi"):
        vietnamese = str(label)
    with translation.override("en"):
        assert str(label) == english
    assert vietnamese != english


def test_every_choice_label_has_an_english_translation() -> None:
    for choices in (StatusChoices, ActionChoices, VerdictChoices, UnitKind, Role):
        for member in choices:
            with translation.override("vi"):
                vietnamese = str(member.label)
            with translation.override("en"):
                assert str(member.label) != vietnamese, (choices.__name__, member.name)


def test_default_language_stays_vietnamese() -> None:
    assert settings.LANGUAGE_CODE == "vi"
    with translation.override("vi"):
        assert str(VerdictChoices.LATE.label) == "Trễ hạn"


def test_every_msgid_has_a_translation(po_entries: dict[str, str]) -> None:
    assert len(po_entries) > 100
    missing = [msgid for msgid, msgstr in po_entries.items() if not msgstr.strip()]
    assert not missing, f"untranslated: {missing}"


def test_placeholders_are_kept(po_entries: dict[str, str]) -> None:
    for msgid, msgstr in po_entries.items():
        assert sorted(PLACEHOLDER.findall(msgid)) == sorted(PLACEHOLDER.findall(msgstr)), msgid


def test_compiled_catalog_matches_po(po_entries: dict[str, str]) -> None:
    with (LC_MESSAGES / "django.mo").open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    stale = [msgid for msgid, msgstr in po_entries.items() if compiled.gettext(msgid) != msgstr]
    assert not stale, f"django.mo is out of date for: {stale}"
