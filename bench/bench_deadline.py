"""Benchmark ``contracts.businesstime.deadline`` (DECISIONS D2 speed target: >= 50,000 calls/s).

Run from the repository root: ``python bench/bench_deadline.py``. Stdlib + ``holidays`` only.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from contracts.businesstime import Calendar, deadline
from contracts.holidaysource import build_calendar

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
SEED = 20260403
WORKLOAD_SIZE = 20_000
RUNS = 5
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")

Triple = tuple[datetime, timedelta, Calendar]


def weekdays(opening: str, closing: str) -> dict[str, list[list[str]]]:
    """Same opening interval on Monday to Friday."""
    return {day: [[opening, closing]] for day in WEEKDAYS}


def calendars() -> dict[str, Calendar]:
    """The five catalogue calendars (same figures as the catalogue data, DECISIONS D1)."""
    onitnow_holidays = {
        "country": "NL",
        "categories": ("public", "optional"),
        "remove_names": ("Good Friday",),
    }
    nl_default = {"country": "NL"}
    return {
        "onitnow": build_calendar(
            "onitnow", "Europe/Amsterdam", weekdays("08:30", "17:30"), onitnow_holidays
        ),
        "microsoft-nl": build_calendar(
            "microsoft-nl", "Europe/Amsterdam", weekdays("09:00", "17:30"), nl_default
        ),
        "websitenazorg": build_calendar(
            "websitenazorg", "Europe/Amsterdam", weekdays("09:00", "17:00"), nl_default
        ),
        "cbg": build_calendar("cbg", "Europe/Amsterdam", weekdays("08:30", "17:00"), nl_default),
        "24x7": build_calendar("24x7", "Europe/Amsterdam", {}, None, always_open=True),
    }


def workload(cals: list[Calendar], size: int, seed: int) -> list[Triple]:
    """Deterministic mix: starts at random seconds in 2025-2031, budgets 15 min-90 h."""
    rng = random.Random(seed)
    first = int(datetime(2025, 1, 1, tzinfo=AMSTERDAM).timestamp())
    last = int(datetime(2031, 12, 31, tzinfo=AMSTERDAM).timestamp())
    triples: list[Triple] = []
    for _ in range(size):
        start = datetime.fromtimestamp(rng.randint(first, last), tz=UTC).astimezone(AMSTERDAM)
        budget = timedelta(seconds=rng.randint(15 * 60, 90 * 3600))
        triples.append((start, budget, rng.choice(cals)))
    return triples


def time_runs(func: Callable[[], None], runs: int) -> list[float]:
    """Wall-clock seconds of ``runs`` calls of ``func``."""
    timings = []
    for _ in range(runs):
        began = time.perf_counter()
        func()
        timings.append(time.perf_counter() - began)
    return timings


def mixed_table(cals: dict[str, Calendar]) -> None:
    """Throughput on the mixed workload."""
    triples = workload(list(cals.values()), WORKLOAD_SIZE, SEED)

    def run() -> None:
        for start, budget, calendar in triples:
            deadline(start, budget, calendar)

    run()  # warm the per-day caches once
    rates = sorted(WORKLOAD_SIZE / seconds for seconds in time_runs(run, RUNS))
    print("Mixed workload (deadline() calls per second)")
    mix = "+".join(cals)
    print(
        f"{'calendar mix':<50} {'triples':>8} {'runs':>4} {'median/s':>10} {'min/s':>10} "
        f"{'max/s':>10}"
    )
    print(
        f"{mix:<50} {WORKLOAD_SIZE:>8,} {RUNS:>4} {statistics.median(rates):>10,.0f} "
        f"{rates[0]:>10,.0f} {rates[-1]:>10,.0f}"
    )


def distance_table(calendar: Calendar) -> None:
    """Per-call cost against budget size: should grow linearly with the days walked."""
    rng = random.Random(SEED + 1)
    base = datetime(2026, 1, 5, 8, 30, tzinfo=AMSTERDAM)
    starts = [
        base + timedelta(days=rng.randint(0, 1800), minutes=rng.randint(0, 540))
        for _ in range(2_000)
    ]
    print()
    print(f"Cost vs distance ({calendar.code} calendar, {len(starts):,} starts, median of {RUNS})")
    print("(marginal us/day = extra cost per extra calendar day walked, relative to the 1h row)")
    print(f"{'budget':>8} {'us/call':>9} {'days walked':>12} {'us/day':>8} {'marginal us/day':>16}")
    baseline: tuple[float, float] | None = None
    for hours in (1, 9, 45, 90, 450):
        budget = timedelta(hours=hours)
        days = statistics.mean(
            (deadline(s, budget, calendar) - s).total_seconds() / 86_400 + 1 for s in starts
        )

        def run(budget: timedelta = budget) -> None:
            for start in starts:
                deadline(start, budget, calendar)

        per_call = statistics.median(time_runs(run, RUNS)) / len(starts) * 1e6
        if baseline is None:
            baseline = (per_call, days)
        extra_days = days - baseline[1]
        marginal = f"{(per_call - baseline[0]) / extra_days:.2f}" if extra_days else "-"
        print(f"{hours:>7}h {per_call:>9.2f} {days:>12.1f} {per_call / days:>8.2f} {marginal:>16}")


def main() -> int:
    """Print both tables; exit status 0."""
    cals = calendars()
    mixed_table(cals)
    distance_table(cals["onitnow"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
