"""Reads of the on-call rota (issue #13 §1): who is on call, in what order, and where a 24x7
promise has nobody on call (a gap).

A provider promises 24x7 help for a package when one of the SLA targets its contracts can use
runs on the 24x7 clock (`ClockKind.ALWAYS`: the package's policies, or those of an extended
service a contract bought), or when the package offers emergency support outside office hours.
Such a promise needs someone on the rota at every moment; everything else keeps office hours.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q, QuerySet

from contracts.models import ClockKind, Contract, OnCallShift, Package, Provider, SlaTarget

Gap = tuple[datetime, datetime]


@dataclass(frozen=True)
class Segment:
    """A stretch of time with the same people on call (none: a gap), in rota order."""

    start: datetime
    end: datetime
    shifts: tuple[OnCallShift, ...]


def _for_package(package_code: str) -> Q:
    """Shifts for the whole provider count for every package; a package's own only for it."""
    return Q(package_code="") | Q(package_code=package_code) if package_code else Q()


def oncall_shifts(
    *, provider_id: int, start: datetime, end: datetime, package_code: str = ""
) -> QuerySet[OnCallShift]:
    """The shifts overlapping [start, end), for `package_code` (empty: every shift)."""
    return (
        OnCallShift.objects.filter(provider_id=provider_id, starts_at__lt=end, ends_at__gt=start)
        .filter(_for_package(package_code))
        .select_related("user", "user__staff_profile")
        .order_by("starts_at", "position", "pk")
    )


def oncall_chain(
    *, provider_id: int, package_code: str, at: datetime, **columns: Any
) -> list[OnCallShift]:
    """Who is on call at `at`, in the order they are paged (primary first); each person once.
    `columns`: annotations each row carries, read in the same query."""
    shifts = (
        OnCallShift.objects.filter(provider_id=provider_id, starts_at__lte=at, ends_at__gt=at)
        .filter(_for_package(package_code))
        .filter(user__is_active=True)
        .annotate(**columns)
        .select_related("user", "user__staff_profile")
        .order_by("position", "starts_at", "pk")
    )
    chain: list[OnCallShift] = []
    for shift in shifts:
        if all(s.user_id != shift.user_id for s in chain):
            chain.append(shift)
    return chain


def oncall_segments(
    shifts: list[OnCallShift], start: datetime, end: datetime, cuts: list[datetime] | None = None
) -> list[Segment]:
    """[start, end) cut at every hand-over (and at `cuts`, such as midnights), each piece with
    the shifts covering it; consecutive pieces with the same people are joined."""
    points = {start, end, *(c for c in cuts or [] if start < c < end)}
    for shift in shifts:
        points.update(t for t in (shift.starts_at, shift.ends_at) if start < t < end)
    ordered = sorted(points)
    segments: list[Segment] = []
    for left, right in pairwise(ordered):
        covering = tuple(
            sorted(
                (s for s in shifts if s.starts_at <= left and s.ends_at >= right),
                key=lambda s: (s.position, s.pk),
            )
        )
        last = segments[-1] if segments else None
        if last is not None and last.shifts == covering and left not in (cuts or []):
            segments[-1] = Segment(last.start, right, covering)
        else:
            segments.append(Segment(left, right, covering))
    return segments


def oncall_gaps(
    provider: Provider, start: datetime, end: datetime, *, package_code: str = ""
) -> list[Gap]:
    """The stretches of [start, end) when nobody is on call for the provider (and package)."""
    shifts = list(
        oncall_shifts(provider_id=provider.pk, start=start, end=end, package_code=package_code)
    )
    return [(s.start, s.end) for s in oncall_segments(shifts, start, end) if not s.shifts]


def _always_targets() -> QuerySet[SlaTarget]:
    return SlaTarget.objects.filter(clock_kind=ClockKind.ALWAYS)


def provider_24x7_packages(provider: Provider) -> list[Package]:
    """The packages of the provider's current catalogue that promise help at any hour."""
    always = _always_targets()
    return list(
        Package.objects.filter(release__provider=provider, release__is_current=True)
        .filter(
            Q(out_of_hours_emergency=True)
            | Q(policies__in=always.values("policy_id"))
            | Q(pk__in=_service_packages(always))
        )
        .distinct()
        .order_by("sort", "code")
    )


def _service_packages(always: QuerySet[SlaTarget]) -> Any:
    """Packages with a contract that bought an extended service with 24x7 targets."""
    return Contract.objects.filter(services__policies__in=always.values("policy_id")).values(
        "package_id"
    )


def contract_has_24x7_promise(contract: Contract) -> bool:
    """Whether tickets of the contract may run on a 24x7 clock (or call for emergency help)."""
    if contract.package.out_of_hours_emergency:
        return True
    always = _always_targets()
    return always.filter(
        Q(policy__packages=contract.package_id) | Q(policy__service__contracts=contract)
    ).exists()


@dataclass(frozen=True)
class GapWarning:
    package_code: str
    package_name: str
    gaps: list[Gap]


def provider_oncall_warnings(provider: Provider, *, now: datetime) -> list[GapWarning]:
    """Per 24x7 package, the rota's gaps in the next ONCALL_GAP_CHECK_WEEKS weeks."""
    end = now + timedelta(weeks=settings.ONCALL_GAP_CHECK_WEEKS)
    warnings = []
    for package in provider_24x7_packages(provider):
        gaps = oncall_gaps(provider, now, end, package_code=package.code)
        if gaps:
            warnings.append(GapWarning(package.code, package.name, gaps))
    return warnings


def contract_oncall_gaps(contract: Contract, *, now: datetime) -> list[Gap]:
    """The gaps in the rota a contract with a 24x7 promise relies on; [] if it has none."""
    if not contract_has_24x7_promise(contract):
        return []
    end = now + timedelta(weeks=settings.ONCALL_GAP_CHECK_WEEKS)
    return oncall_gaps(contract.provider, now, end, package_code=contract.package.code)


@dataclass(frozen=True)
class RotaDay:
    day: date
    segments: list[Segment]

    @property
    def has_gap(self) -> bool:
        return any(not s.shifts for s in self.segments)


def oncall_days(
    provider: Provider, *, first: date, count: int, package_code: str = ""
) -> list[RotaDay]:
    """The rota day by day in the desk's zone: each day cut at its hand-overs, gaps included.
    Two queries, whatever the number of shifts."""
    zone = ZoneInfo(settings.DISPLAY_TIME_ZONE)
    midnights = [
        datetime.combine(first + timedelta(days=i), time(0), tzinfo=zone) for i in range(count + 1)
    ]
    shifts = list(
        oncall_shifts(
            provider_id=provider.pk,
            start=midnights[0],
            end=midnights[-1],
            package_code=package_code,
        )
    )
    segments = oncall_segments(shifts, midnights[0], midnights[-1], cuts=midnights)
    days = {first + timedelta(days=i): RotaDay(first + timedelta(days=i), []) for i in range(count)}
    for segment in segments:
        days[segment.start.astimezone(zone).date()].segments.append(segment)
    return list(days.values())
