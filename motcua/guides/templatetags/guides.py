"""``{% shot "name" "caption" %}``: a screenshot of the guides (static/guides/shots/<name>.png) as a figure.

The browser test tests/browser/test_guide_screenshots.py produces every PNG a guide names this way, and
fails when a guide names one it does not produce."""

from __future__ import annotations

import struct
from functools import lru_cache

from django import template
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@lru_cache(maxsize=128)
def _size(name: str) -> tuple[int, int] | None:
    """The PNG's width and height from its header (so the page does not jump while images load)."""
    path = finders.find(f"guides/shots/{name}.png")
    if not path:
        return None
    with open(path, "rb") as fh:
        head = fh.read(24)
    if len(head) < 24 or head[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    return struct.unpack(">II", head[16:24])


@register.simple_tag
def shot(name: str, caption: str) -> str:
    size = _size(name)
    dims = format_html(' width="{}" height="{}"', *size) if size else ""
    return format_html('<figure class="shot"><img src="{}" alt="{}"{} loading="lazy"><figcaption>{}</figcaption>'
                       "</figure>", static(f"guides/shots/{name}.png"), _("Ảnh màn hình: %s") % caption, dims,
                       caption)
