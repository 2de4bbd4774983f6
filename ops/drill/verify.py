"""The drill's verdicts, pure (no Django, no processes): tested in tests/drill/test_verify.py.

A request the desk accepted (a 2xx/3xx answer, an SMTP 250) must leave exactly one record; one
it refused may leave none. A refusal counts as such only inside a kill window (from the kill to
a few seconds after the process answers again) and only in the forms a dead or restarting
process gives: no connection, 500/502/503/504 over HTTP, 421/451/452/454 over SMTP. Anything
else, or a refusal outside every window, is a failure.

D12: an outbox mail may reach the sink twice when its send was cut between the server's 250 and
the row's commit (its worker killed or crashed, or the database gone while PgBouncer restarts);
such a duplicate is allowed only when such an interruption overlaps its first arrival. Any other
duplicate, and a sent row the sink never saw, fails the drill.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

ACCEPTED, REFUSED, FAILED = "accepted", "refused", "failed"
HTTP_REFUSALS = frozenset({500, 502, 503, 504})
SMTP_REFUSALS = frozenset({421, 451, 452, 454})
# How far an interruption may lie from a send's first arrival and still have cut its commit
# (a crashed worker is noticed up to a second late).
D12_SLACK_SECONDS = 2.0


@dataclass(frozen=True)
class Window:
    """A fault: `what` was killed at `start`; it answered again at `end` (plus the grace)."""

    what: str
    start: float
    end: float

    def overlaps(self, start: float, end: float) -> bool:
        return start <= self.end and end >= self.start


@dataclass(frozen=True)
class Attempt:
    """One try of an operation: `status` None when no connection or answer came at all."""

    started: float
    ended: float
    status: int | None
    ok: bool
    smtp: bool = False
    detail: str = ""  # the start of a refusal's answer, for the report


def attempt_class(attempt: Attempt, windows: Sequence[Window]) -> str:
    if attempt.ok:
        return ACCEPTED
    refusals = SMTP_REFUSALS if attempt.smtp else HTTP_REFUSALS
    refusal_form = attempt.status is None or attempt.status in refusals
    if refusal_form and any(w.overlaps(attempt.started, attempt.ended) for w in windows):
        return REFUSED
    return FAILED


@dataclass
class Operation:
    """One logical request (a ticket, a reply, a mail), retried under one marker."""

    kind: str
    marker: str
    attempts: list[Attempt] = field(default_factory=list)

    def outcome(self, windows: Sequence[Window]) -> str:
        classes = [attempt_class(a, windows) for a in self.attempts]
        if ACCEPTED in classes:
            return ACCEPTED
        if classes and all(c == REFUSED for c in classes):
            return REFUSED
        return FAILED

    def latency_ms(self) -> float | None:
        """The accepted attempt's time (a retry's wait is the kill's cost, counted apart)."""
        for attempt in self.attempts:
            if attempt.ok:
                return (attempt.ended - attempt.started) * 1000.0
        return None


@dataclass(frozen=True)
class OnceCheck:
    """Accepted markers against the rows found with them: none is lost, none doubled."""

    checked: int
    lost: list[str]
    doubled: list[str]

    @property
    def ok(self) -> bool:
        return not self.lost and not self.doubled


def exactly_once(accepted: Iterable[str], found: Mapping[str, int]) -> OnceCheck:
    markers = sorted(set(accepted))
    lost = [m for m in markers if found.get(m, 0) == 0]
    doubled = [m for m in markers if found.get(m, 0) > 1]
    return OnceCheck(len(markers), lost, doubled)


def never_doubled(found: Mapping[str, int]) -> list[str]:
    """Markers of requests that were not accepted may have left a row (a commit whose answer
    was lost), never two."""
    return sorted(m for m, n in found.items() if n > 1)


@dataclass(frozen=True)
class DeliveryCheck:
    sent: int
    once: int
    lost: list[str]
    d12_duplicates: list[str]  # allowed: an interruption overlapped the first arrival
    unexplained_duplicates: list[str]

    @property
    def ok(self) -> bool:
        return not self.lost and not self.unexplained_duplicates


def delivered_once(
    sent_ids: Iterable[str],
    arrivals: Mapping[str, Sequence[float]],
    interruptions: Sequence[Window],
) -> DeliveryCheck:
    """Every sent outbox row's Message-ID at the sink: once, or more when an interruption of
    the send's commit (a worker's death, the database's absence) overlaps its first arrival."""
    ids = sorted(set(sent_ids))
    lost, d12, unexplained, once = [], [], [], 0
    for message_id in ids:
        times = sorted(arrivals.get(message_id, ()))
        if not times:
            lost.append(message_id)
        elif len(times) == 1:
            once += 1
        elif any(
            w.overlaps(times[0] - D12_SLACK_SECONDS, times[0] + D12_SLACK_SECONDS)
            for w in interruptions
        ):
            d12.append(message_id)
        else:
            unexplained.append(message_id)
    return DeliveryCheck(len(ids), once, lost, d12, unexplained)


def percentile(values: Sequence[float], fraction: float) -> float | None:
    """Linear interpolation between the closest ranks (numpy's default); None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * fraction
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def per_day(count: int, seconds: float, processes: int) -> int:
    """A throughput as a daily figure per process (the README's capacity table)."""
    if seconds <= 0 or processes <= 0:
        return 0
    return round(count / seconds * 86400 / processes)
