"""Small charts drawn on the server as inline SVG: no script, no stylesheet, nothing to fetch.

A chart is for a glance; each one also says what it shows in its `<title>` and
`<desc>` (read by screen readers through `role="img"` and `aria-labelledby`), and
the page puts the same figures in a table next to it. Colours and sizes are SVG
presentation attributes, which a Content-Security-Policy without 'unsafe-inline'
still allows (a `style` attribute would be blocked).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

BAR_HEIGHT = 22
GAP = 8
LABEL_WIDTH = 210
BAR_WIDTH = 300
VALUE_WIDTH = 70
FONT = "system-ui, sans-serif"
TEXT_COLOUR = "#1d2b36"
TRACK_COLOUR = "#e6ecf0"
BAR_COLOUR = "#0b5cad"


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    shown: str  # the value as people read it: "42", "87 %"
    colour: str = BAR_COLOUR


def bar_chart(chart_id: str, title: str, bars: list[Bar], maximum: float | None = None, summary: str = "") -> Markup:
    """Horizontal bars, one a row, scaled to `maximum` (default: the largest value)."""
    safe_id = re.sub(r"[^a-zA-Z0-9_-]", "-", chart_id)
    top = maximum if maximum is not None else max((b.value for b in bars), default=0)
    height = max(len(bars), 1) * (BAR_HEIGHT + GAP) + GAP
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    description = summary or "; ".join(f"{b.label}: {b.shown}" for b in bars) or "No data yet."
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" id="{safe_id}"'
        f' aria-labelledby="{safe_id}-title {safe_id}-desc" viewBox="0 0 {width} {height}"'
        f' width="100%" preserveAspectRatio="xMinYMin meet" font-family="{FONT}" font-size="13">',
        f'<title id="{safe_id}-title">{escape(title)}</title>',
        f'<desc id="{safe_id}-desc">{escape(description)}</desc>',
    ]
    for row, bar in enumerate(bars):
        y = GAP + row * (BAR_HEIGHT + GAP)
        length = 0 if top <= 0 else round(BAR_WIDTH * max(bar.value, 0) / top, 1)
        middle = y + BAR_HEIGHT / 2
        parts += [
            f'<text x="{LABEL_WIDTH - 8}" y="{middle}" text-anchor="end" dominant-baseline="middle"'
            f' fill="{TEXT_COLOUR}">{escape(_shorten(bar.label))}</text>',
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{BAR_WIDTH}" height="{BAR_HEIGHT}" fill="{TRACK_COLOUR}" rx="3"/>',
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length}" height="{BAR_HEIGHT}" fill="{bar.colour}" rx="3"/>',
            f'<text x="{LABEL_WIDTH + BAR_WIDTH + 8}" y="{middle}" dominant-baseline="middle"'
            f' fill="{TEXT_COLOUR}">{escape(bar.shown)}</text>',
        ]
    parts.append("</svg>")
    return Markup("\n".join(parts))


def _shorten(label: str, limit: int = 30) -> str:
    """Long labels are cut in the drawing only; the table next to it has them whole."""
    return label if len(label) <= limit else label[: limit - 1] + "…"


def percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0
