"""A small SVG line chart, written by hand (no plotting dependency): the drill's sweep lag and
outbox backlog over time, with the kill windows shaded."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

WIDTH, HEIGHT, MARGIN = 900, 320, 50
COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd")


@dataclass(frozen=True)
class Series:
    name: str
    points: Sequence[tuple[float, float]]  # (seconds since start, value)


def _scale(value: float, low: float, high: float, out_low: float, out_high: float) -> float:
    if high <= low:
        return out_low
    return out_low + (value - low) / (high - low) * (out_high - out_low)


def line_chart(
    title: str,
    series: Sequence[Series],
    shaded: Sequence[tuple[float, float, str]] = (),
    y_label: str = "",
) -> str:
    """An SVG document: one polyline per series on shared axes starting at zero; `shaded` are
    (start, end, label) spans on the time axis."""
    xs = [x for s in series for x, _ in s.points] + [e for _, e, _ in shaded]
    ys = [y for s in series for _, y in s.points]
    x_max = max(xs, default=1.0) or 1.0
    y_max = max(ys, default=1.0) or 1.0
    left, right, top, bottom = MARGIN, WIDTH - MARGIN, MARGIN, HEIGHT - MARGIN
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="11">',
        f'<text x="{WIDTH / 2}" y="20" text-anchor="middle" font-size="14">{escape(title)}</text>',
    ]
    for start, end, label in shaded:
        x0, x1 = (_scale(v, 0, x_max, left, right) for v in (start, end))
        parts.append(
            f'<rect x="{x0:.1f}" y="{top}" width="{max(x1 - x0, 1):.1f}" height="{bottom - top}" '
            f'fill="#f2c94c" fill-opacity="0.3"><title>{escape(label)}</title></rect>'
        )
    parts.append(
        f'<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="black"/>'
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{bottom}" stroke="black"/>'
        f'<text x="{left - 5}" y="{top + 4}" text-anchor="end">{y_max:g}</text>'
        f'<text x="{left - 5}" y="{bottom}" text-anchor="end">0</text>'
        f'<text x="{right}" y="{bottom + 16}" text-anchor="end">{x_max:.0f} s</text>'
        f'<text x="{left}" y="{top - 8}">{escape(y_label)}</text>'
    )
    for i, one in enumerate(series):
        colour = COLOURS[i % len(COLOURS)]
        coords = " ".join(
            f"{_scale(x, 0, x_max, left, right):.1f},{_scale(y, 0, y_max, bottom, top):.1f}"
            for x, y in one.points
        )
        parts.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="1.5" points="{coords}"/>'
        )
        y = top + 14 * (i + 1)
        parts.append(f'<text x="{right - 160}" y="{y}" fill="{colour}">{escape(one.name)}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
