"""The roll-up of the dashboard's monthly figures (issue #16): each month that is over is
counted once by tickets.figures and kept, and counted again after a late change made it
outdated (tickets.figures_marks). Run by the beat (tickets.tasks.figures_rollup_task); the
dashboard never waits for it: a month without a fresh roll-up is counted live.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from django.db import transaction
from django.db.models import Min

from tickets.figures import (
    display_zone,
    month_add,
    month_counted,
    month_is_over,
    month_of,
    months_fresh,
)
from tickets.models import (
    FiguresMonth,
    FiguresMonthChange,
    MonthClockFigures,
    MonthTicketFigures,
    Ticket,
)

ROLLUP_MONTHS_PER_RUN = 36
# At least the last thirteen months are rolled up, with tickets or not: the dashboard's twelve
# months up to last month are then all read from the roll-up, also on a young desk.
ROLLUP_MONTHS_BACK = 13


@transaction.atomic
def figures_month_roll(*, month: date, now: datetime) -> bool:
    """Count `month` (over by `now`) and keep its figures; False when its roll-up was fresh
    (or the month is not over).

    The changes to the month are read before the tickets and only those are removed after: a
    change that commits before the tickets are read is counted (and its mark goes, or stays and
    costs one more count), one that commits after is not counted and its mark stays, so the
    month is counted live until the next run. Two runs on one month take turns (the month's
    row is locked); a change never waits."""
    zone = display_zone()
    if not month_is_over(month, zone, now):
        return False
    FiguresMonth.objects.bulk_create(
        [FiguresMonth(zone=zone.key, month=month)], ignore_conflicts=True
    )
    marker = FiguresMonth.objects.select_for_update().get(zone=zone.key, month=month)
    seen = list(
        FiguresMonthChange.objects.filter(zone=zone.key, month=month).values_list("pk", flat=True)
    )
    if marker.rolled_at is not None and not seen:
        return False
    clocks, tickets = month_counted(month=month, zone=zone, now=now)
    MonthClockFigures.objects.filter(figures_month=marker).delete()
    MonthTicketFigures.objects.filter(figures_month=marker).delete()
    MonthClockFigures.objects.bulk_create(
        MonthClockFigures(
            figures_month=marker,
            contract_id=g.contract_id,
            provider_id=g.provider_id,
            sla_target_id=g.sla_target_id,
            priority_rank=g.priority_rank,
            metric=g.metric,
            met=g.met,
            missed=g.missed,
            excluded=g.excluded,
            first_number=g.first_number,
        )
        for g in clocks
    )
    per_contract: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0, 0])
    for t in tickets:
        cells = per_contract[(t.contract_id, t.provider_id)]
        cells[0] += t.opened
        cells[1] += t.answers
        cells[2] += t.score_total
    MonthTicketFigures.objects.bulk_create(
        MonthTicketFigures(
            figures_month=marker,
            contract_id=contract_id,
            provider_id=provider_id,
            opened=opened,
            answers=answers,
            score_total=total,
        )
        for (contract_id, provider_id), (opened, answers, total) in per_contract.items()
    )
    marker.rolled_at = now
    marker.save(update_fields=["rolled_at"])
    FiguresMonthChange.objects.filter(pk__in=seen).delete()
    return True


@transaction.atomic
def figures_months_outdate() -> int:
    """Mark every counted month as changed, so each is counted live until counted again: after
    tickets were changed outside the services (a restore, a data migration). How many."""
    counted = FiguresMonth.objects.values_list("zone", "month")
    made = FiguresMonthChange.objects.bulk_create(
        FiguresMonthChange(zone=zone, month=month) for zone, month in counted
    )
    return len(made)


def figures_rollup(*, now: datetime, limit: int = ROLLUP_MONTHS_PER_RUN) -> list[date]:
    """Roll up the months that are over and lack a fresh roll-up, from the first ticket's month
    (or ROLLUP_MONTHS_BACK months back) on, the latest first, at most `limit` of them; the
    months counted."""
    zone = display_zone()
    first = Ticket.objects.aggregate(first=Min("created_at"))["first"]
    month = month_add(month_of(now, zone), -ROLLUP_MONTHS_BACK)
    if first is not None:
        month = min(month, month_of(first, zone))
    months = []
    while month_is_over(month, zone, now):
        months.append(month)
        month = month_add(month, 1)
    fresh = set(months_fresh(zone=zone.key, months=months).values_list("month", flat=True))
    todo = [m for m in reversed(months) if m not in fresh][:limit]
    return [m for m in todo if figures_month_roll(month=m, now=now)]
