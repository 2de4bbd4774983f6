"""The new part of a reply (for display): quoted history and signature trimmed, a forwarded
message's content always kept (issue #10 §1b). No database here."""

from __future__ import annotations

import re

_QUOTE_MARKER_PATTERNS = (
    r"^On .{1,200}wrote:\s*$",
    r"^Op .{1,200}schreef .{0,100}:\s*$",
    r"^-{2,}\s*Original Message\s*-{2,}",
    r"^-{2,}\s*Oorspronkelijk bericht\s*-{2,}",
    r"^From: .+\n(Sent|Date): ",
    r"^Van: .+\n(Verzonden|Datum): ",
    r"^-- ?$",
    r"^Sent from my (iPhone|iPad|Android|mobile)",
    r"^Verzonden vanaf mijn (iPhone|iPad|Android)",
)
# Where quoted history or a signature starts: the first place any marker matches. One pattern
# of alternatives finds it in one scan of the text (a search finds the leftmost place where
# any alternative matches), where a search per marker read a long reply nine times.
_QUOTE_MARKERS = re.compile(
    "|".join(f"(?:{p})" for p in _QUOTE_MARKER_PATTERNS), re.IGNORECASE | re.MULTILINE
)
# Where forwarded content starts: nothing from here on is quoted history.
_FORWARD_MARKERS = re.compile(
    r"^\s*(-{2,}\s*(Forwarded message|Doorgestuurd bericht|Weitergeleitete Nachricht"
    r"|Message transf[ée]r[ée]|Mensaje reenviado)\s*-{2,}"
    r"|Begin forwarded message:|Doorgestuurd bericht:|Anfang der weitergeleiteten Nachricht:"
    r"|\[(Forwarded message|Doorgestuurd bericht)\])",
    re.IGNORECASE | re.MULTILINE,
)


def trim_reply(text: str) -> str:
    """The new part of a reply, without quoted history or signature; a forwarded message (and
    everything after its marker) is content, never history."""
    forward = _FORWARD_MARKERS.search(text)
    end = forward.start() if forward else len(text)
    quoted = _QUOTE_MARKERS.search(text, 0, end)
    cut = quoted.start() if quoted else end
    if forward and cut == end:
        return text.strip()  # nothing quoted before the forward: all of it is the message
    lines = text[:cut].rstrip().splitlines()
    while lines and lines[-1].lstrip().startswith(">"):
        lines.pop()
    trimmed = "\n".join(lines).strip()
    if forward and cut < end:
        # Quoted history or a signature above a forward: keep the forward below it.
        trimmed = f"{trimmed}\n\n{text[forward.start() :].strip()}".strip()
    return trimmed or text.strip()
