"""`contracts.text.display_text`: the fast cleaning is the regular expressions' rule, character
for character (issue #10 §2)."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from contracts.text import display_line, display_text

# The rule as first written: the reference the fast path is held to.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]"
)
_LINE_BREAKS = re.compile("\r\n|[\r\u2028\u2029\x85]")

# Text rich in what the rule touches: line endings, controls, bidi and zero-width characters,
# lone surrogates, next to plain letters and spaces.
_SPECIAL = "\r\n\t\x00\x07\x0b\x1f\x7f\x85\x9f\u061c\u180e\u200b\u200f\u202a\u202e\u2028\u2029"
_SPECIAL += "\u2060\u2066\u2069\ufeff\ud800\udfff\xa0é"
texts = st.text(alphabet=st.sampled_from([*_SPECIAL, "a", "Z", " ", "1"])) | st.text()


def _reference(value: str) -> str:
    value = value.encode("utf-8", "replace").decode("utf-8")
    return _INVISIBLE.sub("", _LINE_BREAKS.sub("\n", value))


@given(texts)
def test_display_text_cleans_as_the_rule_says(value: str) -> None:
    assert display_text(value) == _reference(value)


@given(texts)
def test_display_text_of_ascii_text_cleans_as_the_rule_says(value: str) -> None:
    ascii_value = value.encode("ascii", "ignore").decode("ascii")
    assert display_text(ascii_value) == _reference(ascii_value)


def test_crlf_is_one_line_ending_and_lone_cr_another() -> None:
    assert display_text("a\r\nb\r\rc\r\n\r\n") == "a\nb\n\nc\n\n"


def test_display_line_collapses_what_is_left() -> None:
    assert display_line(" invoice\u202egpj.exe \r\n\x00 next ") == "invoicegpj.exe next"
