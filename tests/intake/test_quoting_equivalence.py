"""`trim_reply` finds quoted history in one scan: the same cut as a search per marker."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from intake.parsing import trim_reply
from intake.parsing.quoting import _FORWARD_MARKERS, _QUOTE_MARKER_PATTERNS

_SEPARATE = [re.compile(p, re.IGNORECASE | re.MULTILINE) for p in _QUOTE_MARKER_PATTERNS]


def _reference(text: str) -> str:
    """trim_reply as first written: every marker searched on its own, the earliest cut."""
    forward = _FORWARD_MARKERS.search(text)
    end = forward.start() if forward else len(text)
    cut = end
    for marker in _SEPARATE:
        found = marker.search(text, 0, end)
        if found:
            cut = min(cut, found.start())
    if forward and cut == end:
        return text.strip()
    lines = text[:cut].rstrip().splitlines()
    while lines and lines[-1].lstrip().startswith(">"):
        lines.pop()
    trimmed = "\n".join(lines).strip()
    if forward and cut < end:
        trimmed = f"{trimmed}\n\n{text[forward.start() :].strip()}".strip()
    return trimmed or text.strip()


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
    assert trim_reply(text) == _reference(text)
