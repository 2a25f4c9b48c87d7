"""Charts as server-rendered inline SVG: no JavaScript, no outside library, prints as drawn.

Every chart is a :class:`Chart`: the SVG (``role="img"``, a ``<title>`` and an ``aria-labelledby``)
and the same numbers as a table (rendered in a ``<details>`` under the chart, for screen readers,
keyboard users and anyone who wants the figures). Builders take plain numbers and labels and
escape every text they draw.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from django.utils.safestring import SafeString, mark_safe

from motcua.core import numbers

Number = float | int | None
WIDTH = 640
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 44, 12, 12, 34
PALETTE = ("#1d4f91", "#c2410c", "#15803d", "#7c3aed")
BAR_HEIGHT, BAR_GAP, LABEL_WIDTH = 22, 6, 220
LEGEND = 16  # height of the legend row under a line chart


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[Number]


@dataclass(frozen=True)
class Chart:
    key: str  # unique in the page: the id of the SVG title
    title: str
    svg: SafeString
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    links: tuple[str, ...] = ()  # optional: a link per row (drill-down)

    @property
    def table(self) -> list[tuple[str, tuple[str, ...]]]:
        """(link or "", cells) per row, for the data table under the chart."""
        return [(self.links[i] if i < len(self.links) else "", row) for i, row in enumerate(self.rows)]


def fmt_number(value: Number, suffix: str = "") -> str:
    """The page language's separators (:mod:`motcua.core.numbers`): 1.234 (integers), 1.234,50
    (decimals) in Vietnamese, 1,234 / 1,234.50 in English; ``N/A`` for no value."""
    if value is None:
        return "N/A"
    if isinstance(value, int):
        return numbers.number(value, 0) + suffix
    return numbers.number(value, 2, trim=False) + suffix


def _svg(key: str, title: str, height: int, body: list[str]) -> SafeString:
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" viewBox="0 0 {WIDTH} {height}" '
            f'role="img" aria-labelledby={quoteattr(key + "-title")} preserveAspectRatio="xMidYMid meet">'
            f'<title id={quoteattr(key + "-title")}>{escape(title)}</title>')
    return mark_safe(head + "".join(body) + "</svg>")  # noqa: S308 - every text is escaped above and in the builders


def _text(x: float, y: float, text: str, anchor: str = "middle", cls: str = "chart-label") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" class="{cls}">{escape(text)}</text>'


def _nice_max(values: Sequence[Number], floor: float = 1.0) -> float:
    top = max([float(v) for v in values if v is not None] + [floor])
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000):
        if top <= step * 4:
            return step * 4
    return top


def _grid(y_max: float, plot_h: float, suffix: str) -> list[str]:
    out = []
    for i in range(5):
        value = y_max * i / 4
        y = PAD_TOP + plot_h - plot_h * i / 4
        out.append(f'<line x1="{PAD_LEFT}" x2="{WIDTH - PAD_RIGHT}" y1="{y:.1f}" y2="{y:.1f}" class="chart-grid"/>')
        tick = round(value) if value == int(value) else value
        out.append(_text(PAD_LEFT - 4, y + 4, fmt_number(tick, suffix), "end"))
    return out


def _x_positions(n: int) -> list[float]:
    span = WIDTH - PAD_LEFT - PAD_RIGHT
    return [PAD_LEFT + span * (i + 0.5) / max(n, 1) for i in range(n)]


def _polyline(xs: list[float], values: Sequence[Number], y_of: object, color: str) -> list[str]:
    points = [(x, y_of(v)) for x, v in zip(xs, values, strict=True) if v is not None]  # type: ignore[operator]
    out = [f'<polyline fill="none" stroke="{color}" stroke-width="2.5" points="'
           + " ".join(f"{x:.1f},{y:.1f}" for x, y in points) + '"/>'] if len(points) > 1 else []
    out += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{color}"/>' for x, y in points]
    return out


def line_chart(key: str, title: str, labels: Sequence[str], series: Sequence[Series], suffix: str = "%",
               y_max: float | None = None, height: int = 240) -> Chart:
    """One line per series over ``labels`` (N/A values leave a gap in the points)."""
    plot_h = height - PAD_TOP - PAD_BOTTOM - LEGEND
    top = y_max or _nice_max([v for s in series for v in s.values])

    def y_of(v: Number) -> float:
        return PAD_TOP + plot_h - plot_h * min(float(v or 0), top) / top

    xs = _x_positions(len(labels))
    body = _grid(top, plot_h, suffix)
    body += [_text(x, PAD_TOP + plot_h + 16, lab) for x, lab in zip(xs, labels, strict=True)]
    for i, s in enumerate(series):
        body += _polyline(xs, s.values, y_of, PALETTE[i % len(PALETTE)])
    body += _legend(series, height)
    rows = tuple((lab, *(fmt_number(s.values[i], suffix) for s in series)) for i, lab in enumerate(labels))
    return Chart(key, title, _svg(key, title, height, body), ("", *(s.name for s in series)), rows)


def _legend(series: Sequence[Series], height: int) -> list[str]:
    out = []
    for i, s in enumerate(series):
        x = PAD_LEFT + i * 200
        out.append(f'<rect x="{x}" y="{height - 11}" width="12" height="4" fill="{PALETTE[i % len(PALETTE)]}"/>')
        out.append(_text(x + 16, height - 5, s.name, "start"))
    return out


def bar_chart(key: str, title: str, items: Sequence[tuple[str, Number]], suffix: str = "",
              x_max: float | None = None, value_header: str = "") -> Chart:
    """Horizontal bars, one per (label, value), in the given order (best or biggest first)."""
    height = max(len(items), 1) * (BAR_HEIGHT + BAR_GAP) + PAD_TOP
    top = x_max or _nice_max([v for _, v in items])
    span = WIDTH - LABEL_WIDTH - PAD_RIGHT - 56
    body = []
    for i, (label, value) in enumerate(items):
        y = PAD_TOP + i * (BAR_HEIGHT + BAR_GAP)
        w = span * min(float(value or 0), top) / top
        body.append(_text(LABEL_WIDTH - 6, y + BAR_HEIGHT * 0.7, _shorten(label), "end"))
        body.append(f'<rect x="{LABEL_WIDTH}" y="{y}" width="{w:.1f}" height="{BAR_HEIGHT}" class="chart-bar">'
                    f"<title>{escape(label)}: {escape(fmt_number(value, suffix))}</title></rect>")
        body.append(_text(LABEL_WIDTH + w + 4, y + BAR_HEIGHT * 0.7, fmt_number(value, suffix), "start"))
    if not items:
        body.append(_text(WIDTH / 2, PAD_TOP + BAR_HEIGHT * 0.7, "-"))
    rows = tuple((label, fmt_number(value, suffix)) for label, value in items)
    return Chart(key, title, _svg(key, title, height, body), ("", value_header), rows)


def column_chart(key: str, title: str, labels: Sequence[str], values: Sequence[Number], height: int = 200,
                 value_header: str = "") -> Chart:
    """Vertical columns over ``labels`` (hours of the day, months)."""
    plot_h = height - PAD_TOP - PAD_BOTTOM
    top = _nice_max(values, 4)
    xs = _x_positions(len(labels))
    width = (WIDTH - PAD_LEFT - PAD_RIGHT) / max(len(labels), 1) * 0.7
    body = _grid(top, plot_h, "")
    for x, label, value in zip(xs, labels, values, strict=True):
        h = plot_h * float(value or 0) / top
        body.append(f'<rect x="{x - width / 2:.1f}" y="{PAD_TOP + plot_h - h:.1f}" width="{width:.1f}" '
                    f'height="{h:.1f}" class="chart-bar"><title>{escape(label)}: {value or 0}</title></rect>')
        body.append(_text(x, height - PAD_BOTTOM + 16, label))
    rows = tuple((label, fmt_number(value, "")) for label, value in zip(labels, values, strict=True))
    return Chart(key, title, _svg(key, title, height, body), ("", value_header), rows)


def _shorten(text: str, size: int = 30) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"
