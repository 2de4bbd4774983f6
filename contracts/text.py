"""Text as people see it: one rule for what every door stores for display (issue #10 §2).

Control characters, bidirectional embeddings/overrides/isolates and zero-width characters can
hide or reorder what a customer or an engineer reads ("invoice\u202egpj.exe"), so they are removed
from subjects, names, bodies and file names at every door (email, portal, API, back-office). The
raw email keeps them; only what is displayed is cleaned. Lives in `contracts`, the lowest app,
so every layer can use it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils.translation import get_language, override
from django.utils.translation import gettext_lazy as _

# C0 controls but tab and line feed, DEL and the C1 controls; the bidirectional formatting
# characters (LRM/RLM, ALM, embeddings, overrides, isolates); zero-width characters and the BOM.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]"
)
# Every line ending becomes "\n", CRLF first (one ending, not two). Plain `str.replace`, each
# only when present: a regular expression with this alternation scanned an email body of tens
# of kilobytes at about 30 ns a character, and bodies are cleaned at every door.
_LINE_BREAKS = ("\r\n", "\r", "\u2028", "\u2029", "\x85")
# The invisible characters an ASCII text can hold (the ones of _INVISIBLE below U+0080):
# `str.translate` deletes them from an ASCII string in one fast pass.
_ASCII_INVISIBLE = dict.fromkeys([*range(0x09), *range(0x0B, 0x20), 0x7F])
_SPACES = re.compile(r"\s+")
# What makes a display name part of an address header or a header of its own.
_ADDRESS_SYNTAX = re.compile(r"[\r\n<>@\"]|[\x00-\x1f\x7f]")


def display_text(value: str) -> str:
    """Multi-line text (bodies, notes): one line-ending convention, nothing invisible, no lone
    surrogates (not storable as UTF-8)."""
    ascii_only = value.isascii()
    if not ascii_only:
        value = value.encode("utf-8", "replace").decode("utf-8")
    for ending in _LINE_BREAKS:
        if ending in value:
            value = value.replace(ending, "\n")
    return value.translate(_ASCII_INVISIBLE) if ascii_only else _INVISIBLE.sub("", value)


def display_line(value: str) -> str:
    """One line (subjects, names, file names): as `display_text`, whitespace runs collapsed."""
    return _SPACES.sub(" ", display_text(value)).strip()


def person_name_validate(value: str) -> None:
    """Refuse a person's name that could break or forge a mail header (CR/LF, address syntax).

    Used by every form, import and service that stores a name which later goes into a `From`
    or `To` header; the address itself is always built with `email.utils.formataddr`.
    """
    if _ADDRESS_SYNTAX.search(value or ""):
        raise ValidationError(
            _("A name may not contain line breaks, quotes or the characters < > @."),
            code="name_syntax",
        )


def choice_label(instance: Model, name: str) -> Any:
    """`instance.get_<name>_display()`, its labels translated once per field and language: the
    admin queue shows two choice labels on each of its 100 rows, and Django's own method
    rebuilt the field's choices (hashing every lazily translated label, so translating each)
    on every call, about a tenth of the page's time (bench/bench_dashboard.py). A value that is
    not among the choices is shown as it is, as Django shows it."""
    value = getattr(instance, name)
    return _choice_labels(type(instance), name, get_language()).get(value, value)


@lru_cache(maxsize=256)
def _choice_labels(model: type[Model], name: str, language: str | None) -> dict[Any, str]:
    field = model._meta.get_field(name)
    with override(language):
        return {value: str(label) for value, label in field.flatchoices}  # type: ignore[union-attr]
