"""URL converters for what the desk puts in its addresses: a ticket number, a row id.

Only well-formed values reach a view; anything else (a NUL byte, odd unicode digits, a number
longer than any column holds) answers 404 at the URL resolver, before a query is built.
`[0-9]` and not `\\d`: `\\d` also matches other scripts' digits.
"""

from __future__ import annotations

from django.urls import register_converter

# SD-<year>-<n>, n zero-padded to six digits (tickets.services.numbering); a
# year beyond a million tickets grows the number, so up to nine digits are accepted.
TICKET_NUMBER_PATTERN = r"SD-[0-9]{4}-[0-9]{6,9}"


class TicketNumberConverter:
    regex = TICKET_NUMBER_PATTERN

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return str(value)


class RowIdConverter:
    """A positive database id that fits a signed 64-bit column (at most 18 digits)."""

    regex = r"[1-9][0-9]{0,17}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(int(value))


# Registered once, when the first URL module importing this one is loaded.
register_converter(TicketNumberConverter, "ticket_number")
register_converter(RowIdConverter, "row_id")
