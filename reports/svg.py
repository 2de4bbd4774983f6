"""Small charts drawn as inline SVG (back-office issue §4): no JavaScript, no library.

Every label goes through `format_html`, so names from the database are escaped. Colours are
SVG presentation attributes (no inline style: the pages may get a strict CSP one day); text uses
`currentColor`, so it follows the admin's light or dark theme. Each chart is an image with an
accessible name (`role="img"`, `aria-label`, `<title>`) and prints its numbers as text; the page
shows the same numbers in a table next to it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

Number = int | float | Decimal
TONES = {"default": "#2b6396", "alert": "#b3261e", "ok": "#1a7f37", "muted": "#8c959f"}
SERIES_COLOURS = ("#1f4e79", "#d97706", "#1a7f37", "#8250df")
THRESHOLD_COLOUR = "#b3261e"
FONT = 12


@dataclass(frozen=True)
class Bar:
    label: str
    value: Number | None
    tone: str = "default"  # a key of TONES
    marker: Number | None = None  # a threshold tick on this bar's scale


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[Number | None]


def _html(template: str, *args: object) -> SafeString:
    """format_html with coordinates rounded to 0.1 px (it escapes every argument to text, so
    format specifications cannot be used in the template)."""
    return format_html(template, *(f"{a:.1f}" if isinstance(a, float) else a for a in args))


def _join(parts: Iterable[SafeString]) -> SafeString:
    """Concatenate pieces that format_html already escaped."""
    return mark_safe("".join(parts))


def number_text(value: Number | None) -> str:
    """A figure as printed: integers plain, decimals with one place, missing as a dash."""
    if value is None:
        return "—"
    if isinstance(value, int):
        return str(value)
    return f"{Decimal(str(value)).quantize(Decimal('0.1'))}"


def _svg(title: str, css: str, width: int, height: int, body: SafeString) -> SafeString:
    return _html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart {}" role="img" aria-label="{}" '
        'viewBox="0 0 {} {}" width="{}" height="{}" font-size="{}"><title>{}</title>{}</svg>',
        css,
        title,
        width,
        height,
        width,
        height,
        FONT,
        title,
        body,
    )


def _label_fit(text: str, chars: int) -> str:
    return text if len(text) <= chars else text[: chars - 1] + "…"


def bar_chart(
    *,
    title: str,
    bars: Sequence[Bar],
    maximum: Number | None = None,
    unit: str = "",
    room: int = 260,
    label_chars: int = 48,
) -> SafeString:
    """Horizontal bars, one per row, with the value printed after each bar. `maximum` fixes the
    scale (100 for percentages); else the largest value fills the `room` (px). Labels longer
    than `label_chars` are shortened (the table next to the chart has them whole)."""
    row, value_room, char = 24, 64, 7
    chars = min(label_chars, max([len(b.label) for b in bars] + [4]))
    label_width = 12 + char * chars
    width = label_width + room + value_room
    top = max([float(b.value) for b in bars if b.value is not None] + [0.0])
    scale = float(maximum) if maximum is not None else top
    parts = []
    for i, bar in enumerate(bars):
        y = 6 + i * row
        length = 0.0 if not scale or bar.value is None else room * float(bar.value) / scale
        length = min(max(length, 0.0), float(room))
        text = number_text(bar.value) + (unit if bar.value is not None else "")
        parts.append(
            _html(
                '<text x="{}" y="{}" text-anchor="end" fill="currentColor" class="chart-label">'
                '{}</text><rect x="{}" y="{}" width="{}" height="{}" fill="{}" class="bar">'
                '</rect><text x="{}" y="{}" fill="currentColor" class="chart-value">{}</text>',
                label_width - 6,
                y + 13,
                _label_fit(bar.label, chars),
                label_width,
                y + 2,
                length,
                row - 8,
                TONES.get(bar.tone, TONES["default"]),
                label_width + length + 4,
                y + 13,
                text,
            )
        )
        if bar.marker is not None and scale:
            x = label_width + room * min(float(bar.marker), scale) / scale
            parts.append(
                _html(
                    '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2" '
                    'class="threshold"></line>',
                    x,
                    y,
                    x,
                    y + row - 4,
                    THRESHOLD_COLOUR,
                )
            )
    height = 12 + row * max(len(bars), 1)
    return _svg(title, "chart-bar", width, height, _join(parts))


def _polylines(points: list[tuple[float, float] | None], colour: str) -> list[SafeString]:
    """One polyline per unbroken run of points (a month without figures breaks the line)."""
    runs: list[list[tuple[float, float]]] = [[]]
    for point in points:
        if point is None:
            runs.append([])
        else:
            runs[-1].append(point)
    return [
        _html(
            '<polyline points="{}" fill="none" stroke="{}" stroke-width="2"></polyline>',
            " ".join(f"{x:.1f},{y:.1f}" for x, y in run),
            colour,
        )
        for run in runs
        if len(run) > 1
    ]


def _axes(left: int, right: int, top: int, bottom: int) -> list[SafeString]:
    """Horizontal grid lines and their labels at 0, 25, 50, 75 and 100 %."""
    parts = []
    for tick in (0, 25, 50, 75, 100):
        y = bottom - (bottom - top) * tick / 100
        parts.append(
            _html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="currentColor" '
                'stroke-opacity="0.2" class="grid"></line>'
                '<text x="{}" y="{}" text-anchor="end" fill="currentColor" '
                'class="chart-axis">{} %</text>',
                left,
                y,
                right,
                y,
                left - 6,
                y + 4,
                tick,
            )
        )
    return parts


def line_chart(
    *,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    threshold: Number | None = None,
    threshold_label: str = "",
    width: int = 640,
    height: int = 260,
) -> SafeString:
    """Percentages (y 0-100 %) over the `labels` (months), one line per series, each point's
    value printed next to it, and a dashed threshold line."""
    left, right, top, bottom = 56, width - 8, 34, height - 26
    step = (right - left) / max(len(labels), 1)
    first = left + step / 2  # points sit in the middle of their month's slot

    def y_of(value: Number) -> float:
        return bottom - (bottom - top) * min(max(float(value), 0.0), 100.0) / 100

    parts = _axes(left, right, top, bottom)
    for i, label in enumerate(labels):
        parts.append(
            _html(
                '<text x="{}" y="{}" text-anchor="middle" fill="currentColor" '
                'class="chart-axis">{}</text>',
                first + i * step,
                height - 8,
                label,
            )
        )
    legend_x = left
    if threshold is not None:
        y = y_of(threshold)
        parts.append(
            _html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1.5" '
                'stroke-dasharray="6 4" class="threshold"></line>',
                left,
                y,
                right,
                y,
                THRESHOLD_COLOUR,
            )
        )
    for k, line in enumerate(series):
        colour = SERIES_COLOURS[k % len(SERIES_COLOURS)]
        points = [
            None if v is None else (first + i * step, y_of(v)) for i, v in enumerate(line.values)
        ]
        parts.extend(_polylines(points, colour))
        for i, (point, value) in enumerate(zip(points, line.values, strict=True)):
            if point is None or value is None:
                continue
            above = _label_above(series, k, i)
            parts.append(
                _html(
                    '<circle cx="{}" cy="{}" r="3" fill="{}"></circle>'
                    '<text x="{}" y="{}" text-anchor="middle" fill="{}" '
                    'class="chart-value" font-size="10">{}</text>',
                    point[0],
                    point[1],
                    colour,
                    point[0],
                    point[1] - 7 if above else point[1] + 15,
                    colour,
                    number_text(value),
                )
            )
        parts.append(_legend_item(legend_x, colour, line.name, dashed=False))
        legend_x += 28 + 7 * len(line.name)
    if threshold is not None:
        text = threshold_label or number_text(threshold) + " %"
        parts.append(_legend_item(legend_x, THRESHOLD_COLOUR, text, dashed=True))
    return _svg(title, "chart-line", width, height, _join(parts))


def _label_above(series: Sequence[Series], k: int, i: int) -> bool:
    """A point's value goes above it when its line is the highest there (ties: the earlier
    series), else below, so the labels of two close lines do not overlap."""
    mine = (float(series[k].values[i] or 0), -k)
    others = [
        (float(value), -j)
        for j, line in enumerate(series)
        if j != k and (value := line.values[i]) is not None
    ]
    return not others or mine > max(others)


def _legend_item(x: float, colour: str, text: str, *, dashed: bool) -> SafeString:
    return _html(
        '<line x1="{}" y1="12" x2="{}" y2="12" stroke="{}" stroke-width="2"{}></line>'
        '<text x="{}" y="16" fill="currentColor" class="chart-legend">{}</text>',
        x,
        x + 18,
        colour,
        mark_safe(' stroke-dasharray="4 3"') if dashed else "",
        x + 22,
        text,
    )
