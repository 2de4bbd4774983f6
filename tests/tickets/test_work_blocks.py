"""Contiguous work blocks (issue 14 §1): a pure function, tested without a database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tickets.work_blocks import WorkBlock, block_of_entry, work_blocks

T0 = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Entry:
    pk: int
    started_at: datetime
    minutes: int


def _entries(*spans: tuple[int, int]) -> list[Entry]:
    """(start minute after T0, minutes) per entry, ids 1, 2, ... in the given order."""
    return [Entry(i, T0 + timedelta(minutes=s), m) for i, (s, m) in enumerate(spans, start=1)]


def _summary(blocks: list[WorkBlock]) -> list[tuple[int, int, tuple[int, ...]]]:
    """(start minute after T0, block minutes, entry ids) per block."""
    return [
        (int((b.started_at - T0).total_seconds() // 60), b.minutes, b.entry_ids) for b in blocks
    ]


@pytest.mark.parametrize(
    ("spans", "expected"),
    [
        ([], []),
        ([(0, 20)], [(0, 20, (1,))]),
        # Right after each other: one block of 20 + 25.
        ([(0, 20), (20, 25)], [(0, 45, (1, 2))]),
        # A minute's gap: two jobs.
        ([(0, 20), (21, 25)], [(0, 20, (1,)), (21, 25, (2,))]),
        # Two people at once: the block is the span, not the sum.
        ([(0, 30), (10, 30)], [(0, 40, (1, 2))]),
        # One inside another.
        ([(0, 60), (10, 5)], [(0, 60, (1, 2))]),
        # Given out of order: sorted by start.
        ([(40, 10), (0, 20), (20, 20)], [(0, 50, (2, 3, 1))]),
        # A chain that a later long entry bridges.
        ([(0, 10), (30, 10), (5, 30)], [(0, 40, (1, 3, 2))]),
    ],
    ids=[
        "none",
        "one",
        "contiguous",
        "gap",
        "overlap",
        "nested",
        "unordered",
        "bridged",
    ],
)
def test_work_blocks_join_contiguous_and_overlapping_entries(spans, expected):
    assert _summary(work_blocks(_entries(*spans))) == expected


def test_a_block_ends_where_its_last_entry_ends():
    [block] = work_blocks(_entries((0, 20), (20, 25)))
    assert (block.started_at, block.ended_at) == (T0, T0 + timedelta(minutes=45))


def test_a_block_over_the_limit_is_marked_and_no_limit_marks_nothing():
    [block] = work_blocks(_entries((0, 20), (20, 25)))
    assert (block.over(30), block.over(45), block.over(None)) == (True, False, False)


def test_each_entry_knows_its_block():
    blocks = work_blocks(_entries((0, 20), (60, 10)))
    assert block_of_entry(blocks) == {1: blocks[0], 2: blocks[1]}


spans = st.lists(
    st.tuples(st.integers(0, 3 * 24 * 60), st.integers(1, 1440)), min_size=0, max_size=12
)


@given(spans)
def test_blocks_partition_the_entries(spans_):
    entries = _entries(*spans_)
    ids = [i for block in work_blocks(entries) for i in block.entry_ids]
    assert sorted(ids) == [e.pk for e in entries]


@given(spans)
def test_a_block_lasts_at_least_as_long_as_its_longest_entry(spans_):
    entries = {e.pk: e for e in _entries(*spans_)}
    for block in work_blocks(entries.values()):
        assert block.minutes >= max(entries[i].minutes for i in block.entry_ids)


@given(spans)
def test_blocks_are_apart_and_in_order(spans_):
    blocks = work_blocks(_entries(*spans_))
    assert all(a.ended_at < b.started_at for a, b in pairwise(blocks))


@given(st.lists(st.tuples(st.integers(0, 120), st.integers(1, 600)), max_size=10))
def test_without_overlaps_the_blocks_hold_exactly_the_entries_minutes(gaps_and_minutes):
    """Entries laid end to end with gaps (0 = contiguous) never overlap: nothing is lost or
    counted twice."""
    spans_, start = [], 0
    for gap, minutes in gaps_and_minutes:
        start += gap
        spans_.append((start, minutes))
        start += minutes
    blocks = work_blocks(_entries(*spans_))
    assert sum(b.minutes for b in blocks) == sum(m for _, m in spans_)
