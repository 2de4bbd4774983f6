"""`trim_reply` finds quoted history in one scan: the same cut as a search per marker."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from intake.parsing.quoting import _FORWARD_MARKERS, _QUOTE_MARKER_PATTERNS, _QUOTE_MARKERS

_SEPARATE = [re.compile(p, re.IGNORECASE | re.MULTILINE) for p in _QUOTE_MARKER_PATTERNS]


def _cut_by_each_marker(text: str, end: int) -> int:
    """The cut as first found: every marker searched on its own, the earliest place."""
    found = [m.search(text, 0, end) for m in _SEPARATE]
    return min([end, *(match.start() for match in found if match)])


_LINES = [
    "Hallo, de printer doet het niet.",
    "On Mon, 7 Jun 2027 at 10:00, Servicedesk <sd@example.com> wrote:",
    "Op 7 jun. 2027 schreef Servicedesk <servicedesk@localhost>:",
    "-----Original Message-----",
    "-- Oorspronkelijk bericht --",
    "From: Servicedesk",
    "Sent: Monday",
    "Van: Servicedesk",
    "Datum: maandag",
    "-- ",
    "--",
    "Sent from my iPhone",
    "Verzonden vanaf mijn Android",
    "---------- Forwarded message ---------",
    "Begin forwarded message:",
    "> eerder bericht",
    "",
    "  on a line wrote: not at the start",
]


@given(st.lists(st.sampled_from(_LINES) | st.text(max_size=30), max_size=12))
def test_one_scan_cuts_where_the_earliest_marker_starts(lines: list[str]) -> None:
    text = "\n".join(lines)
    forward = _FORWARD_MARKERS.search(text)
    end = forward.start() if forward else len(text)
    quoted = _QUOTE_MARKERS.search(text, 0, end)
    assert (quoted.start() if quoted else end) == _cut_by_each_marker(text, end)
