"""Half-open intervals of real time as UTC epoch seconds: pure integer arithmetic.

Availability is measured in real seconds (DECISIONS D2, D22): a DST night counts its real length,
so every interval is turned into UTC epoch seconds once and all arithmetic is on integers.
Intervals are ``(start, end)`` with ``start < end``; an empty or inverted pair is dropped.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

Span = tuple[int, int]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class NaiveDatetimeError(ValueError):
    """A naive datetime was given where an aware one is required (D2)."""


def seconds(moment: datetime) -> int:
    """Whole UTC epoch seconds of an aware datetime (sub-second parts are dropped)."""
    if moment.tzinfo is None or moment.tzinfo.utcoffset(moment) is None:
        raise NaiveDatetimeError(f"{moment.isoformat()} is naive; an aware datetime is required")
    delta = moment - _EPOCH
    return delta.days * 86_400 + delta.seconds


def moment(epoch_seconds: int) -> datetime:
    """The aware UTC datetime of epoch seconds."""
    return datetime.fromtimestamp(epoch_seconds, tz=UTC)


def merge(spans: Iterable[Span]) -> list[Span]:
    """Sorted union of ``spans``; touching intervals join, so a split outage stays one."""
    merged: list[Span] = []
    for start, end in sorted(span for span in spans if span[0] < span[1]):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def clip(spans: Iterable[Span], bounds: Span) -> list[Span]:
    """``spans`` cut to ``bounds``; what falls outside is dropped."""
    low, high = bounds
    clipped = [(max(start, low), min(end, high)) for start, end in spans]
    return [span for span in clipped if span[0] < span[1]]


def complement(spans: Iterable[Span], bounds: Span) -> list[Span]:
    """The parts of ``bounds`` not covered by ``spans``."""
    gaps: list[Span] = []
    cursor = bounds[0]
    for start, end in merge(clip(spans, bounds)):
        if start > cursor:
            gaps.append((cursor, start))
        cursor = max(cursor, end)
    if cursor < bounds[1]:
        gaps.append((cursor, bounds[1]))
    return gaps


def total(spans: Iterable[Span]) -> int:
    """Measure of the union of ``spans`` in seconds."""
    return sum(end - start for start, end in merge(spans))


def overlap(first: Iterable[Span], second: Iterable[Span]) -> int:
    """Seconds covered by both unions (two sorted sweeps, linear in the number of spans)."""
    left, right = merge(first), merge(second)
    i = j = 0
    covered = 0
    while i < len(left) and j < len(right):
        low = max(left[i][0], right[j][0])
        high = min(left[i][1], right[j][1])
        if low < high:
            covered += high - low
        if left[i][1] <= right[j][1]:
            i += 1
        else:
            j += 1
    return covered
