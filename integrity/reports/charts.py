"""Charts drawn on the server as inline SVG: horizontal bars, stacked bars and a line for a
monthly series.

A few functions of our own instead of a JavaScript library: court networks are closed (no CDN,
nothing third-party committed), a chart then shows without scripts and prints as it shows. Each
chart is ``<svg role="img">`` with a ``<title>`` and a ``<desc>`` read by screen readers; each
bar, segment or point carries a ``<title>`` tooltip with its full label and value and, where a
list shows what it counts, links to that list. Labels too long for their column are shortened
with "…" (the tooltip keeps the whole name) and the month labels of a long series are thinned,
so that no two texts overlap. Text takes the page's font (the Chinese faces of qinglian.css).
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe

WIDTH = 560
FONT = 12  # px, in the chart's own units
ROW = 24  # height of a bar's row
LABEL_MAX = 14 * FONT  # the label column holds fourteen Chinese characters at most
VALUE_ROOM = 6 * FONT  # right of the longest bar: its value
LINE_HEIGHT = 220
# Distinguishable in print and for the common colour-vision deficiencies; the brand red first.
PALETTE = ("#a4161a", "#2f6f9f", "#d9822b", "#5f8f3e", "#7a5c99", "#8a8f96", "#c85a8c")


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    href: str | None = None
    text: str | None = None  # the value as shown; str(value) by default


@dataclass(frozen=True)
class StackRow:
    label: str
    values: Sequence[float]
    hrefs: Sequence[str | None] = ()
    total_text: str | None = None


@dataclass(frozen=True)
class Point:
    label: str  # under the axis, short (3月)
    value: float
    href: str | None = None
    text: str | None = None
    hint: str | None = None  # the tooltip's label, in full (2026年3月)


def text_width(text: str, size: float = FONT) -> float:
    """An estimate of the width of ``text``: a wide (CJK) character is one em, others about
    0.6 em. Enough to lay labels out without measuring fonts."""
    return sum(size if unicodedata.east_asian_width(ch) in "WF" else 0.6 * size for ch in text)


def fit(text: str, width: float, size: float = FONT) -> str:
    """``text``, shortened with "…" until it fits ``width``."""
    if text_width(text, size) <= width:
        return text
    while text and text_width(text + "…", size) > width:
        text = text[:-1]
    return text + "…"


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _n(value: float) -> str:
    """A coordinate: one decimal at most."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _shown(value: float, text: str | None) -> str:
    if text is not None:
        return text
    return f"{value:,}" if isinstance(value, int) else f"{value:,.1f}"


def _svg(key: str, title: str, desc: str, height: float, body: list[str]) -> SafeString:
    ident = f"chart-{key}"
    return mark_safe(  # noqa: S308 - every text and attribute is escaped by the callers
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {WIDTH} {_n(height)}" font-size="{FONT}" '
        f'aria-labelledby="{ident}-t {ident}-d">'
        f'<title id="{ident}-t">{_e(title)}</title><desc id="{ident}-d">{_e(desc)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def _link(href: str | None, tooltip: str, inner: str) -> str:
    """``inner`` with its tooltip, as a link when there is a list to open."""
    if href:
        return f'<a href="{_e(href)}"><title>{_e(tooltip)}</title>{inner}</a>'
    return f"<g><title>{_e(tooltip)}</title>{inner}</g>"


def _label_column(labels: Sequence[str]) -> float:
    return min(LABEL_MAX, max((text_width(label) for label in labels), default=0)) + FONT


def _row_label(label: str, column: float, y: float) -> str:
    return (
        f'<text class="chart-label" x="{_n(column - FONT / 2)}" y="{_n(y + ROW / 2)}" '
        f'dy="0.35em" text-anchor="end">{_e(fit(label, column - FONT))}</text>'
    )


def bar_chart(key: str, title: str, bars: Sequence[Bar], *, color: str = PALETTE[0]) -> SafeString:
    """One horizontal bar per row, its value at its end; a row links to its list."""
    column = _label_column([bar.label for bar in bars])
    room = WIDTH - column - VALUE_ROOM
    top = max((bar.value for bar in bars), default=0) or 1
    body = []
    for index, bar in enumerate(bars):
        y = index * ROW
        width = room * bar.value / top
        shown = _shown(bar.value, bar.text)
        inner = (
            _row_label(bar.label, column, y)
            + f'<rect x="{_n(column)}" y="{_n(y + 4)}" width="{_n(width)}" '
            f'height="{ROW - 8}" fill="{_e(color)}"/>'
            + f'<text class="chart-value" x="{_n(column + width + 4)}" y="{_n(y + ROW / 2)}" '
            f'dy="0.35em">{_e(shown)}</text>'
        )
        body.append(_link(bar.href, f"{bar.label}: {shown}", inner))
    desc = "；".join(f"{bar.label} {_shown(bar.value, bar.text)}" for bar in bars)
    return _svg(key, title, desc, max(len(bars), 1) * ROW, body)


def _legend(series: Sequence[str], colors: Sequence[str]) -> tuple[list[str], float]:
    """Coloured squares with the series' names, wrapped onto as many lines as they need."""
    parts, x, y = [], 0.0, 0.0
    for index, name in enumerate(series):
        color = colors[index % len(colors)]
        width = FONT + 4 + text_width(name) + FONT
        if x and x + width > WIDTH:
            x, y = 0.0, y + ROW
        parts.append(
            f'<rect x="{_n(x)}" y="{_n(y + 6)}" width="{FONT}" height="{FONT}" '
            f'fill="{_e(color)}"/>'
            f'<text class="chart-legend" x="{_n(x + FONT + 4)}" y="{_n(y + ROW / 2)}" '
            f'dy="0.35em">{_e(name)}</text>'
        )
        x += width
    return parts, y + ROW


def stacked_bar_chart(
    key: str,
    title: str,
    series: Sequence[str],
    rows: Sequence[StackRow],
    *,
    colors: Sequence[str] = PALETTE,
) -> SafeString:
    """One horizontal bar per row made of one segment per series, with a legend above and
    the row's total at its end; a segment links to its list."""
    legend, offset = _legend(series, colors)
    column = _label_column([row.label for row in rows])
    room = WIDTH - column - VALUE_ROOM
    top = max((sum(row.values) for row in rows), default=0) or 1
    body = [*legend]
    for index, row in enumerate(rows):
        y = offset + index * ROW
        body.append(_row_label(row.label, column, y))
        x = column
        for position, (name, value) in enumerate(zip(series, row.values, strict=True)):
            width = room * value / top
            href = row.hrefs[position] if row.hrefs else None
            if value:
                rect = (
                    f'<rect x="{_n(x)}" y="{_n(y + 4)}" width="{_n(width)}" '
                    f'height="{ROW - 8}" fill="{_e(colors[position % len(colors)])}"/>'
                )
                body.append(_link(href, f"{row.label} · {name}: {_shown(value, None)}", rect))
            x += width
        total = _shown(sum(row.values), row.total_text)
        body.append(
            f'<text class="chart-value" x="{_n(x + 4)}" y="{_n(y + ROW / 2)}" '
            f'dy="0.35em">{_e(total)}</text>'
        )
    desc = "；".join(
        f"{row.label} "
        + "、".join(f"{name} {_shown(v, None)}" for name, v in zip(series, row.values, strict=True))
        for row in rows
    )
    return _svg(key, title, desc, offset + max(len(rows), 1) * ROW, body)


def _nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10ⁿ at or above ``value``: round gridline steps."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power


def line_chart(
    key: str,
    title: str,
    points: Sequence[Point],
    *,
    percent: bool = False,
    color: str = PALETTE[0],
) -> SafeString:
    """A line through the points with a dot on each (the dot links to its list), four
    gridlines, and the x labels thinned so that they never overlap."""
    # The first and the last label are centred on the plot's edges: room for half of each.
    widest = max((text_width(p.label) for p in points), default=0) + FONT / 2
    left, right = max(5 * FONT, widest / 2), max(FONT, widest / 2)
    top, bottom = FONT, 2.5 * FONT
    plot_w, plot_h = WIDTH - left - right, LINE_HEIGHT - top - bottom
    ceiling = _nice_ceiling(max((p.value for p in points), default=0))
    count = len(points)

    def x_of(index: int) -> float:
        return left + (plot_w / 2 if count == 1 else plot_w * index / (count - 1))

    def y_of(value: float) -> float:
        return top + plot_h * (1 - value / ceiling)

    def tick(value: float) -> str:
        return f"{value:.0%}" if percent else f"{value:,.10g}"

    body = []
    for step in range(5):
        value = ceiling * step / 4
        y = y_of(value)
        body.append(
            f'<line class="chart-grid" x1="{_n(left)}" x2="{_n(WIDTH - right)}" '
            f'y1="{_n(y)}" y2="{_n(y)}" stroke="#d9dee3"/>'
            f'<text class="chart-tick" x="{_n(left - 6)}" y="{_n(y)}" dy="0.35em" '
            f'text-anchor="end">{_e(tick(value))}</text>'
        )
    every = max(1, math.ceil(widest * count / plot_w)) if count else 1
    for index, point in enumerate(points):
        if index % every == 0:
            body.append(
                f'<text class="chart-tick" x="{_n(x_of(index))}" '
                f'y="{_n(LINE_HEIGHT - bottom + FONT * 1.4)}" text-anchor="middle">'
                f"{_e(point.label)}</text>"
            )
    if count > 1:
        line = " ".join(f"{_n(x_of(i))},{_n(y_of(p.value))}" for i, p in enumerate(points))
        body.append(
            f'<polyline points="{line}" fill="none" stroke="{_e(color)}" stroke-width="2"/>'
        )
    for index, point in enumerate(points):
        dot = (
            f'<circle cx="{_n(x_of(index))}" cy="{_n(y_of(point.value))}" r="4" '
            f'fill="{_e(color)}"/>'
        )
        tooltip = f"{point.hint or point.label}: {_shown(point.value, point.text)}"
        body.append(_link(point.href, tooltip, dot))
    desc = "；".join(f"{p.hint or p.label} {_shown(p.value, p.text)}" for p in points)
    return _svg(key, title, desc, LINE_HEIGHT, body)
