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


ENTRY = re.compile(r'^((?:#.*\n)*)msgid ((?:".*"\n)+)msgstr ((?:".*"\n?)+)', re.M)
PLURAL = re.compile(r'^((?:#.*\n)*)msgid ((?:".*"\n)+)msgid_plural ((?:".*"\n)+)((?:msgstr\[\d\] (?:".*"\n?)+)+)', re.M)
PLURAL_FORM = re.compile(r'msgstr\[(\d)\] ((?:".*"\n?)+)')
STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


def _po_string(chunk: str) -> str:
    return "".join(ast.literal_eval(part) for part in STRING.findall(chunk))


def _check_flags(comments: str, key: str) -> None:
    flags = [line for line in comments.splitlines() if line.startswith("#,")]
    assert not any("fuzzy" in line for line in flags), f"fuzzy entry: {key!r}"


def _parse_po(path: Path) -> dict[str, str | tuple[str, list[str]]]:
    """A tiny .po reader: msgid -> msgstr for active entries; a plural entry maps its msgid to
    (msgid_plural, [msgstr[0], msgstr[1], ...]). No contexts in this project."""
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"^msgctxt", text, re.M), "unsupported .po construct"
    entries: dict[str, str | tuple[str, list[str]]] = {}
    for comments, msgid, plural, forms in PLURAL.findall(text):
        key = _po_string(msgid)
        _check_flags(comments, key)
        entries[key] = (_po_string(plural), [_po_string(f) for _, f in sorted(PLURAL_FORM.findall(forms))])
    for comments, msgid, msgstr in ENTRY.findall(text):
        key = _po_string(msgid)
        _check_flags(comments, key)
        if key:  # skip the header
            entries[key] = _po_string(msgstr)
    assert len(entries) == len(re.findall(r"^msgid ", text, re.M)) - 1, "the .po reader missed entries"
    return entries


def _translations(entries: dict[str, str | tuple[str, list[str]]]) -> list[tuple[str, str]]:
    """(source, translation) pairs: one per singular entry, one per plural form."""
    pairs: list[tuple[str, str]] = []
    for msgid, value in entries.items():
        if isinstance(value, str):
            pairs.append((msgid, value))
        else:
            pairs.extend((msgid, form) for form in value[1])
    return pairs


@pytest.fixture(scope="module")
def po_entries() -> dict[str, str | tuple[str, list[str]]]:
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


def test_every_msgid_has_a_translation(po_entries) -> None:  # noqa: ANN001
    assert len(po_entries) > 100
    missing = [msgid for msgid, msgstr in _translations(po_entries) if not msgstr.strip()]
    assert not missing, f"untranslated: {missing}"


def test_placeholders_are_kept(po_entries) -> None:  # noqa: ANN001
    for msgid, msgstr in _translations(po_entries):
        assert sorted(PLACEHOLDER.findall(msgid)) == sorted(PLACEHOLDER.findall(msgstr)), msgid


def test_compiled_catalog_matches_po(po_entries) -> None:  # noqa: ANN001
    with (LC_MESSAGES / "django.mo").open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    stale = [msgid for msgid, value in po_entries.items()
             if (compiled.gettext(msgid) != value if isinstance(value, str)
                 else [compiled.ngettext(msgid, value[0], n) for n in (1, 2)] != value[1])]
    assert not stale, f"django.mo is out of date for: {stale}"


@pytest.mark.django_db
def test_the_language_switch_turns_pages_english(client_of) -> None:  # noqa: ANN001
    from django.test import Client

    anon = Client()
    assert "Tra cứu hồ sơ" in anon.get("/portal/").content.decode()
    r = anon.post("/i18n/setlang/", {"language": "en", "next": "/portal/"})
    assert r.status_code == 302 and r["Location"] == "/portal/"
    html = anon.get("/portal/").content.decode()
    assert "Public Service Portal" in html and "Dossier lookup" in html and 'lang="en"' in html
    staff = client_of("counter_a")
    staff.post("/i18n/setlang/", {"language": "en", "next": "/office/"})
    assert "Dossier intake" in staff.get("/office/intake/").content.decode()


def test_the_admin_error_banner_is_vietnamese() -> None:
    """Django's admin asks for it as a plural that its own Vietnamese catalog lacks (motcua/locale/vi)."""
    with translation.override("vi"):
        for n in (1, 3):
            assert translation.ngettext("Please correct the error below.", "Please correct the errors below.",
                                        n) == "Vui lòng sửa các lỗi dưới đây."
