"""Server-rendered SVG charts: columns (stacked, with patterns), and horizontal bars; no scripts.

Every chart is an `<svg role="img">` named by its `<title>` and `<desc>`, writes its values as text beside the
marks, and tells series apart by pattern as well as colour (a legend shows each pattern with its name), so
nothing depends on colour alone. It scales with its container (viewBox); the page puts a table of the same
figures next to it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup

WIDTH = 600
BAR_WIDTH = 420  # narrower, so on a phone its words shrink less
# Fills told apart by pattern: solid, diagonal stripes, dots (each with a dark outline).
FILLS = ("solid", "stripes", "dots")


@dataclass(frozen=True)
class Series:
    """One named row of values, one per category."""

    label: str
    values: Sequence[float]


def _nice_top(value: float, steps: int = 4) -> float:
    """The top of an axis at or above `value`, split into `steps` round, whole steps."""
    rough = value / steps
    if rough <= 1:
        return steps
    power = 10 ** math.floor(math.log10(rough))
    for step in (1, 2, 2.5, 5, 10):
        size = step * power
        if size >= rough and float(size).is_integer():
            return size * steps
    return 10 * power * steps


def short_number(value: float) -> str:
    """12, 1.2k, 35k, 1.2M: short enough to sit on a column."""
    size = abs(value)
    if size >= 1_000_000:
        return f"{value / 1_000_000:.1f}M".replace(".0M", "M")
    if size >= 10_000:
        return f"{value / 1000:.0f}k"
    if size >= 1000:
        return f"{value / 1000:.1f}k".replace(".0k", "k")
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def _defs(chart_id: str) -> Markup:
    return Markup(
        '<defs><pattern id="{0}-stripes" width="8" height="8" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="8" height="8" fill="#ffffff"></rect>'
        '<rect width="4" height="8" fill="#003078"></rect></pattern>'
        '<pattern id="{0}-dots" width="7" height="7" patternUnits="userSpaceOnUse">'
        '<rect width="7" height="7" fill="#ffffff"></rect><circle cx="3.5" cy="3.5" r="2.2" fill="#4c2c92"></circle>'
        "</pattern></defs>"
    ).format(chart_id)


def _fill(chart_id: str, index: int) -> str:
    kind = FILLS[index % len(FILLS)]
    return "#1d70b8" if kind == "solid" else f"url(#{chart_id}-{kind})"


def _open(chart_id: str, title: str, description: str, height: float, width: int = WIDTH) -> Markup:
    return Markup(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h:.0f}" width="{w}" height="{h:.0f}" role="img" '
        'aria-labelledby="{id}-title {id}-desc" class="fc-chart__svg" id="{id}">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>'
    ).format(w=width, h=height, id=chart_id, title=title, desc=description) + _defs(chart_id)


def _text(x: float, y: float, text: str, anchor: str = "start", bold: bool = False) -> Markup:
    return Markup('<text x="{:.1f}" y="{:.1f}" text-anchor="{}" class="fc-chart__label{}">{}</text>').format(
        x, y, anchor, " fc-chart__label--bold" if bold else "", text)


def _rect(x: float, y: float, w: float, h: float, fill: str, outline: bool = True) -> Markup:
    return Markup('<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" fill="{}"{}></rect>').format(
        x, y, w, h, fill, Markup(' stroke="#0b0c0c" stroke-width="1"') if outline else "")


def _line(x1: float, x2: float, y: float) -> Markup:
    return Markup('<line x1="{:.1f}" x2="{:.1f}" y1="{:.1f}" y2="{:.1f}" class="fc-chart__grid"></line>').format(
        x1, x2, y, y)


def _legend(chart_id: str, series: Sequence[Series], y: float) -> list[Markup]:
    parts, x = [], 50.0
    for n, row in enumerate(series):
        parts.append(_rect(x, y, 18, 18, _fill(chart_id, n)))
        parts.append(_text(x + 24, y + 14, row.label))
        x += 24 + 9 * len(row.label) + 24
    return parts


def columns(
    chart_id: str,
    title: str,
    description: str,
    categories: Sequence[str],
    series: Sequence[Series],
    fmt: Callable[[float], str] = short_number,
) -> Markup:
    """Vertical columns, one per category, with the series stacked (patterned) and the total written on top."""
    legend = len(series) > 1
    height = 300 + (34 if legend else 0)
    left, right, top, bottom = 56, 10, 24, 250
    totals = [sum(s.values[i] for s in series) for i in range(len(categories))]
    peak = _nice_top(max(totals, default=0))
    scale = (bottom - top) / peak
    slot = (WIDTH - left - right) / max(len(categories), 1)
    bar = min(slot * 0.62, 48)
    out = [_open(chart_id, title, description, height)]
    for step in range(5):
        value = peak * step / 4
        y = bottom - value * scale
        out.append(_line(left, WIDTH - right, y))
        out.append(_text(left - 6, y + 5, fmt(value), "end"))
    for i, label in enumerate(categories):
        x = left + slot * i + (slot - bar) / 2
        base = bottom
        for n, row in enumerate(series):
            size = row.values[i] * scale
            if size > 0:
                out.append(_rect(x, base - size, bar, size, _fill(chart_id, n)))
            base -= size
        out.append(_text(x + bar / 2, base - 6, fmt(totals[i]), "middle", bold=True))
        for line, part in enumerate(label.split("\n")):
            out.append(_text(x + bar / 2, bottom + 20 + 17 * line, part, "middle"))
    if legend:
        out.extend(_legend(chart_id, series, height - 26))
    out.append(Markup("</svg>"))
    return Markup("").join(out)


def bars(
    chart_id: str,
    title: str,
    description: str,
    rows: Sequence[tuple[str, float, str]],
    top: float | None = None,
) -> Markup:
    """Horizontal bars, one per (label, value, value text): the label above its bar, the value text after it."""
    height = 16 + 52 * max(len(rows), 1)
    peak = top if top is not None else _nice_top(max((value for _l, value, _t in rows), default=0))
    room = BAR_WIDTH - 110
    out = [_open(chart_id, title, description, height, BAR_WIDTH)]
    for n, (label, value, text) in enumerate(rows):
        y = 10 + 52 * n
        size = max(value, 0) / peak * room if peak else 0
        out.append(_text(0, y + 14, label))
        out.append(_rect(0, y + 20, room, 22, "#f3f2f1", outline=False))
        if size > 0:
            out.append(_rect(0, y + 20, size, 22, "#1d70b8"))
        out.append(_text(size + 8, y + 36, text, bold=True))
    out.append(Markup("</svg>"))
    return Markup("").join(out)
