"""CSV downloads that are safe to open in a spreadsheet (OWASP "CSV injection").

A cell starting with =, +, -, @, a tab or a carriage return could be read as a formula by
Excel or LibreOffice; such a cell gets a leading single quote, which makes it text. Names,
subjects and references come from customers' emails and forms, so every cell goes through
`csv_cell`, numbers included (a negative number then reads as text: harmless for a report).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from contracts.csvcell import FORMULA_STARTS, csv_cell

__all__ = ["FORMULA_STARTS", "CsvSection", "csv_cell", "csv_text"]


@dataclass(frozen=True)
class CsvSection:
    """One table of a multi-table download: a title line, a header line, rows, a blank line."""

    title: str
    header: Sequence[object]
    rows: Iterable[Sequence[object]]


def csv_text(sections: Iterable[CsvSection]) -> str:
    """The sections as CSV text (RFC 4180 quoting, CRLF line ends), every cell escaped."""
    out = io.StringIO()
    writer = csv.writer(out)
    for section in sections:
        writer.writerow([csv_cell(section.title)])
        writer.writerow([csv_cell(h) for h in section.header])
        writer.writerows([csv_cell(c) for c in row] for row in section.rows)
        writer.writerow([])
    return out.getvalue()
