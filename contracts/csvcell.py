"""One CSV cell that is safe to open in a spreadsheet (OWASP "CSV injection"): a cell starting
with =, +, -, @, a tab or a carriage return could be read as a formula by Excel or LibreOffice;
such a cell gets a leading single quote, which makes it text. In the lowest layer so that every
CSV download (the back-office's, the API's billing export) escapes alike."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> str:
    """The text of one cell, with a leading quote when a spreadsheet could take it for a
    formula. None is an empty cell."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text
