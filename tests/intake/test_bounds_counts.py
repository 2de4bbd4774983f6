"""`check_bounds` counts MIME headers and boundaries on a lowered copy: the same counts as the
case-insensitive patterns it replaced."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from intake.parsing.bounds import mime_counts

_FRAGMENTS = [
    b"Content-Type: text/plain\r\n",
    b"CONTENT-TYPE:",
    b"content-type:",
    b"\n",
    b"\r\n",
    b" ",
    b"x-Content-Type: a\n",
    b'boundary="abc"',
    b'Boundary="ABC"',
    b"BOUNDARY = abc;",
    b"boundary=\n",
    b'boundary="',
    b"\xc3\xa9",
    b"\xff",
]


def _counts_by_patterns(raw: bytes) -> tuple[int, int]:
    headers = len(re.findall(rb"(?im)^content-type:", raw))
    boundaries = len(set(re.findall(rb"(?i)boundary\s*=\s*\"?([^\";\r\n]{1,100})", raw)))
    return headers, boundaries


@given(st.lists(st.sampled_from(_FRAGMENTS) | st.binary(max_size=8), max_size=20))
def test_the_counts_are_the_case_insensitive_patterns_counts(parts: list[bytes]) -> None:
    raw = b"".join(parts)
    assert mime_counts(raw) == _counts_by_patterns(raw)


def test_boundaries_differing_in_case_are_two() -> None:
    assert mime_counts(b'boundary="abc"\nboundary="ABC"\nBOUNDARY="abc"\n') == (0, 2)
