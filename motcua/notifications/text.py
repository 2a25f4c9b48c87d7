"""Message text, pure functions: named placeholders filled in, Vietnamese diacritics taken off for
SMS (``đ`` -> ``d``), and an SMS fitted to the carriers' length limit by shortening the free-text
values first (never the code, the date or the link)."""

from __future__ import annotations

import string
import unicodedata
from collections.abc import Iterable, Mapping

# punctuation outside the GSM 03.38 alphabet that Vietnamese text commonly carries
_ASCII_PUNCT = str.maketrans({"đ": "d", "Đ": "D", "“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-",
                              "…": "...", "\u00a0": " ", "«": '"', "»": '"'})
_FORMATTER = string.Formatter()


class UnknownPlaceholder(ValueError):
    """A template names a value that the message does not have."""


def strip_diacritics(text: str) -> str:
    """Vietnamese without its marks, in plain ASCII: "Hồ sơ đã được tiếp nhận" -> "Ho so da duoc tiep nhan".
    Characters with no ASCII form are dropped."""
    decomposed = unicodedata.normalize("NFD", text.translate(_ASCII_PUNCT))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return bare.encode("ascii", "ignore").decode("ascii")


def placeholders(template: str) -> set[str]:
    """The names a template uses (``{code}`` -> ``code``)."""
    try:
        return {name for _, name, _, _ in _FORMATTER.parse(template) if name}
    except ValueError as exc:
        raise UnknownPlaceholder(f"malformed template: {exc}") from exc


def render(template: str, values: Mapping[str, object]) -> str:
    """Fill ``{name}`` placeholders; a name the values lack raises ``UnknownPlaceholder``."""
    missing = placeholders(template) - set(values)
    if missing:
        raise UnknownPlaceholder(", ".join(sorted(missing)))
    return template.format_map({k: "" if v is None else v for k, v in values.items()})


def _cut(text: str, n: int) -> str:
    if len(text) <= n:
        return text
    return text[: max(0, n - 3)].rstrip() + "..." if n >= 4 else text[:n]


def _line(body: str, values: Mapping[str, object]) -> str:
    return " ".join(render(body, values).split()).lstrip(" :;,-")


def fit_sms(template: str, values: Mapping[str, object], limit: int, shrinkable: Iterable[str],
            droppable: Iterable[str] = ("link",)) -> str:
    """The SMS text: rendered without diacritics and at most ``limit`` characters. When too long,
    the longest ``shrinkable`` value (procedure name, reason...) is shortened first, one at a time;
    then the ``droppable`` values (the link: the code is enough to look the dossier up) are left
    out; only if that is not enough is the text itself cut."""
    plain = {k: strip_diacritics(str(v if v is not None else "")) for k, v in values.items()}
    body = strip_diacritics(template)
    text = _line(body, plain)
    names = [n for n in shrinkable if n in plain]
    while len(text) > limit:
        longest = max(names, key=lambda n: len(plain[n]), default=None)
        if longest is None or not plain[longest]:
            break
        keep = len(plain[longest]) - (len(text) - limit)
        plain[longest] = _cut(plain[longest], keep) if keep >= 4 else ""
        text = _line(body, plain)
    for name in droppable:
        if len(text) > limit and name in plain:
            plain[name] = ""
            text = _line(body, plain)
    return _cut(text, limit)
