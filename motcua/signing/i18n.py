"""Translation of the signing messages: Django's gettext when Django is set up (pages, API, worker),
the Vietnamese source text otherwise (the simulator, the benchmark, scripts)."""

from __future__ import annotations


def _django_ready() -> bool:
    try:
        from django.apps import apps
    except ImportError:  # pragma: no cover - Django is a dependency
        return False
    return apps.ready


def gettext(message: str) -> str:
    if _django_ready():
        from django.utils.translation import gettext as django_gettext

        return django_gettext(message)
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    if _django_ready():
        from django.utils.translation import ngettext as django_ngettext

        return django_ngettext(singular, plural, n)
    return singular if n == 1 else plural


_ = gettext
