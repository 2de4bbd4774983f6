"""One service's availability in one month: outages in, figures and verdicts out (D22, AVL-07).

Which outage counts (``outage_treatment``), in this order:

- one affecting only some users is an incident, not unavailability (AVL-23);
- one with an exclusion reason (AVL-24, TKT-114, TKT-116) is left out;
- planned work lying entirely inside the provider's maintenance window is left out (D22);
- everything else is downtime. Planned work counts only where it lies outside the window (D22
  excludes maintenance inside the window): work that overruns the window counts from the
  moment the window closed, so splitting a record never changes the figures.

Downtime is the union of the counted outages (overlapping or touching records count once),
clipped to the month, measured in real seconds per window. Availability per window is
``1 - down / length`` (AVL-07), shown rounded down to two decimals so a breached month never
reads as met; the verdict compares the exact fraction. An interruption is an unplanned counted
outage (D22): touching or overlapping ones form one interruption, counted in the month it
starts, so a night or a month boundary never counts it twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_FLOOR, Decimal

from availability.rules.intervals import Span, clip, merge, overlap, seconds
from availability.rules.maintenance import MaintenanceWindowSpec, inside_window, outside_window
from availability.rules.targets import Targets
from availability.rules.windows import MonthWindows

SOME_USERS = "some_users"
MAINTENANCE_WINDOW = "maintenance_window"
_HUNDREDTH = Decimal("0.01")


@dataclass(frozen=True)
class OutageFacts:
    """What the rules need of one outage record; ``end`` None while it is ongoing."""

    key: int
    start: datetime
    end: datetime | None
    planned: bool
    affects_all_users: bool
    exclusion_reason: str = ""


@dataclass(frozen=True)
class WindowFigures:
    length_seconds: int
    down_seconds: int
    percent: Decimal | None  # None: the window is empty this month
    target: Decimal | None  # None: no target for this window
    met: bool | None  # None: nothing to judge


@dataclass(frozen=True)
class MonthFigures:
    month: date
    office: WindowFigures
    outside: WindowFigures
    interruptions: int
    max_interruptions: int | None
    interruptions_met: bool | None
    met: bool | None  # None: the service has no target at all
    counted: tuple[int, ...]  # keys of the outages counted as downtime this month
    excluded: tuple[tuple[int, str], ...]  # (key, reason) of those left out this month


def outage_treatment(outage: OutageFacts, window: MaintenanceWindowSpec | None) -> str:
    """Why the outage is left out of availability, or "" when it counts."""
    if not outage.affects_all_users:
        return SOME_USERS
    if outage.exclusion_reason:
        return outage.exclusion_reason
    if (
        outage.planned
        and window is not None
        and outage.end is not None
        and inside_window(outage.start, outage.end, window)
    ):
        return MAINTENANCE_WINDOW
    return ""


def percent_available(length: int, down: int) -> Decimal | None:
    """``1 - down / length`` as a percentage rounded down to 0.01; None for an empty window."""
    if length <= 0:
        return None
    hundredths = (length - min(down, length)) * 10_000 // length
    return (Decimal(hundredths) / 100).quantize(_HUNDREDTH, rounding=ROUND_FLOOR)


def target_met(length: int, down: int, target: Decimal | None) -> bool | None:
    """Exact comparison: ``(length - down) / length >= target / 100``."""
    if target is None or length <= 0:
        return None
    return (length - down) * 100 >= target * length


def _window(spans: Sequence[Span], down: Sequence[Span], target: Decimal | None) -> WindowFigures:
    length = sum(end - start for start, end in spans)
    down_seconds = overlap(spans, down)
    return WindowFigures(
        length_seconds=length,
        down_seconds=down_seconds,
        percent=percent_available(length, down_seconds),
        target=target,
        met=target_met(length, down_seconds, target),
    )


def _span(outage: OutageFacts, until: int) -> Span:
    end = seconds(outage.end) if outage.end is not None else until
    return (seconds(outage.start), end)


def _down_spans(
    outage: OutageFacts, span: Span, window: MaintenanceWindowSpec | None
) -> list[Span]:
    if outage.planned and window is not None:
        return outside_window(span, window)
    return [span]


def _interruptions(spans: Sequence[Span], bounds: Span) -> int:
    return sum(1 for start, _end in merge(spans) if bounds[0] <= start < bounds[1])


def month_figures(
    *,
    windows: MonthWindows,
    outages: Sequence[OutageFacts],
    targets: Targets,
    window: MaintenanceWindowSpec | None = None,
    until: datetime | None = None,
) -> MonthFigures:
    """The month's figures for one service. An ongoing outage runs until ``until`` (default:
    the end of the month)."""
    bounds = windows.bounds
    stop = min(seconds(until), bounds[1]) if until is not None else bounds[1]
    counted: list[tuple[OutageFacts, list[Span]]] = []
    excluded: list[tuple[int, str]] = []
    for outage in outages:
        span = _span(outage, stop)
        # Touching the month is enough to take part: it joins an interruption across the edge.
        if span[1] < bounds[0] or span[0] > bounds[1]:
            continue
        reason = outage_treatment(outage, window)
        if not reason:
            counted.append((outage, _down_spans(outage, span, window)))
        elif clip([span], bounds):
            excluded.append((outage.key, reason))
    down = clip(merge(span for _o, spans in counted for span in spans), bounds)
    interruptions = _interruptions(
        [span for o, spans in counted if not o.planned for span in spans], bounds
    )
    office = _window(windows.office, down, targets.office_percent)
    outside = _window(windows.outside, down, targets.outside_percent)
    most = targets.max_interruptions
    interruptions_met = None if most is None else interruptions <= most
    verdicts = [v for v in (office.met, outside.met, interruptions_met) if v is not None]
    return MonthFigures(
        month=windows.month,
        office=office,
        outside=outside,
        interruptions=interruptions,
        max_interruptions=most,
        interruptions_met=interruptions_met,
        met=all(verdicts) if verdicts else None,
        counted=tuple(o.key for o, spans in counted if clip(spans, bounds)),
        excluded=tuple(excluded),
    )
