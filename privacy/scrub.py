"""Replacing a person's identifying strings with their pseudonym (issue #15 §3, D17).

What identifies the person: their full name (any spacing, any case), their email address and
its local part, their login name and their phone number in its digit forms (+31 6 1234 5678,
06-12345678, 0031612345678). These are replaced wherever they occur in the rows an eraser hands
over. In what is wholly the person's own (messages and mail they wrote, mail sent to them,
tickets they raised) the parts of their name (three letters or more, not "van", "der", ...) are
replaced too, and the signature block under a closing ("Met vriendelijke groet", "Kind
regards", "-- ") is replaced by the pseudonym: a signature holds titles, addresses and numbers
that the strings above do not find.

Nothing is derived from the person's data: the pseudonym is chosen at random when the request
is recorded, so the erased rows show which request erased them and nothing else.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import models
from django.db.models import QuerySet

from privacy.registry import Subject

# Name particles that are no name on their own ("Jan van der Berg": "Berg" is, "van" is not).
PARTICLES = frozenset(
    {"van", "der", "den", "ter", "ten", "het", "von", "del", "dos", "das", "les", "aan", "bij"}
)
# Local parts that are no person's own ("info@", "support@"): never replaced on their own.
ROLE_LOCAL_PARTS = frozenset(
    {"info", "support", "admin", "helpdesk", "servicedesk", "service", "sales", "office", "mail"}
)
MIN_PHONE_DIGITS = 6
_CLOSING = re.compile(
    r"^[ \t]*(?:(?:met\s+)?vriendelijke\s+groet(?:en)?|(?:hartelijke\s+)?groet(?:en|jes)?|mvg|"
    r"(?:kind|best|warm)\s+regards|regards|best\s+wishes|cheers|sincerely|"
    r"yours\s+sincerely|met\s+groet|--)[ \t,.!]*$",
    re.IGNORECASE | re.MULTILINE,
)
# Where a signature block ends: an empty line, a quoted line or a reply header.
_BLOCK_END = re.compile(r"^\s*$|^\s*>|^(?:on|op)\s.+(?:wrote|schreef)", re.IGNORECASE)
SIGNATURE_MAX_LINES = 8


@dataclass(frozen=True)
class Pseudonym:
    """What replaces the person: a random token, the name shown and an address that never
    delivers (the reserved .invalid domain)."""

    token: str
    name: str
    email: str


def _words(text: str) -> str:
    """A literal phrase matched whatever the spacing between its words."""
    return r"\s+".join(re.escape(word) for word in text.split())


def _phone_patterns(phone: str) -> list[str]:
    digits = re.sub(r"\D", "", phone)
    if len(digits) < MIN_PHONE_DIGITS:
        return []
    forms = {digits}
    if digits.startswith("00"):
        forms.add(digits[2:])
    international = digits[2:] if digits.startswith("00") else digits
    if international.startswith("31"):
        forms.add("0" + international[2:])
        forms.add("310" + international[2:])
        forms.add("0031" + international[2:])
    elif digits.startswith("0") and not digits.startswith("00"):
        forms.add("31" + digits[1:])
        forms.add("0031" + digits[1:])
    separator = r"[\s\-./()]{0,3}"
    return [r"(?<!\d)\+?" + separator.join(form) + r"(?!\d)" for form in sorted(forms)]


def _strong_patterns(subject: Subject) -> list[str]:
    """In the order they are tried where several start at one place: the address before its
    local part, the full name before any part of it."""
    patterns = []
    if subject.email:
        patterns.append(re.escape(subject.email))
    if len(subject.name.strip()) >= 3:
        patterns.append(r"(?<!\w)" + _words(subject.name) + r"(?!\w)")
    if subject.username and subject.username.lower() != subject.email.lower():
        patterns.append(r"(?<![\w.+-])" + re.escape(subject.username) + r"(?![\w@-])")
    local = subject.email.split("@", 1)[0]
    if len(local) >= 4 and local.lower() not in ROLE_LOCAL_PARTS:
        patterns.append(r"(?<![\w.+-])" + re.escape(local) + r"(?![\w@-])")
    patterns.extend(_phone_patterns(subject.phone))
    return patterns


def _name_part_patterns(subject: Subject) -> list[str]:
    parts = {
        part
        for part in re.split(r"[\s\-]+", subject.name)
        if len(part) >= 3 and part.lower() not in PARTICLES
    }
    return [
        r"(?<!\w)" + re.escape(part) + r"(?!\w)" for part in sorted(parts, key=len, reverse=True)
    ]


def _compile(patterns: list[str]) -> re.Pattern[str] | None:
    return re.compile("|".join(patterns), re.IGNORECASE) if patterns else None


class Scrubber:
    """Replaces one person's strings with their pseudonym in text, JSON and rows."""

    def __init__(self, subject: Subject, *, pseudonym: Pseudonym, now: datetime) -> None:
        self.subject = subject
        self.pseudonym = pseudonym.name
        self.pseudonym_email = pseudonym.email
        self.pseudonym_token = pseudonym.token
        # When the erasure runs (a token revoked, a note dated): passed in, never read here.
        self.now = now
        strong = _strong_patterns(subject)
        self._strong = _compile(strong)
        self._own = _compile([*strong, *_name_part_patterns(subject)])

    # --- values -------------------------------------------------------------------------

    def text(self, value: str, *, own: bool = False) -> str:
        pattern = self._own if own else self._strong
        if pattern is None or not value:
            return value
        if self.subject.email and value.strip().lower() == self.subject.email.lower():
            return self.pseudonym_email  # an address field stays an address
        replaced = pattern.sub(self.pseudonym, value)
        return self.signature_replace(replaced) if own else replaced

    def signature_replace(self, text: str) -> str:
        """The block under the first closing line, up to an empty or quoted line (at most a
        few lines), becomes the pseudonym; the closing itself stays."""
        match = _CLOSING.search(text)
        if match is None:
            return text
        head, tail = text[: match.end()], text[match.end() :]
        lines = tail.split("\n")
        block_end = 1  # lines[0] is the rest of the closing line (empty)
        while block_end < len(lines) and block_end <= SIGNATURE_MAX_LINES:
            if _BLOCK_END.search(lines[block_end]):
                break
            block_end += 1
        if block_end == 1:
            return text
        rest = "\n".join(lines[block_end:])
        return f"{head}\n{self.pseudonym}" + (f"\n{rest}" if rest else "")

    def value(self, value: Any, *, own: bool = False) -> Any:
        """Text, or JSON (strings in lists and objects, keys too); anything else unchanged."""
        if isinstance(value, str):
            return self.text(value, own=own)
        if isinstance(value, list):
            return [self.value(item, own=own) for item in value]
        if isinstance(value, dict):
            return {
                self.text(str(key), own=own): self.value(item, own=own)
                for key, item in value.items()
            }
        return value

    def mentions(self, value: Any) -> bool:
        """Whether the value holds one of the person's strings; bytes are read as Latin-1,
        so a raw message's headers and plain parts are searched."""
        if self._strong is None:
            return False
        if isinstance(value, memoryview):
            value = bytes(value)
        if isinstance(value, bytes):
            return self._strong.search(value.decode("latin-1")) is not None
        return self.value(value) != value

    # --- rows ---------------------------------------------------------------------------

    def rows(
        self,
        rows: QuerySet[Any],
        fields: Sequence[str] = (),
        *,
        own: Sequence[str] = (),
        blank: Sequence[str] = (),
        values: dict[str, Any] | None = None,
    ) -> int:
        """In each of `rows`: the strings replaced in `fields`, the strings, name parts and
        signature in `own` (text the person wrote or was sent), `blank` fields emptied and
        `values` set; answers how many rows changed."""
        model = rows.model
        values = values or {}
        loaded = [*fields, *own, *blank, *values]
        changed = []
        unique = model._default_manager.filter(pk__in=rows.values("pk")).only("pk", *loaded)
        for row in unique.iterator(chunk_size=500):
            wanted = {name: self.value(getattr(row, name)) for name in fields}
            wanted |= {name: self.value(getattr(row, name), own=True) for name in own}
            wanted |= {name: _empty(row, name) for name in blank}
            wanted |= values
            if _row_set(row, wanted):
                changed.append(row)
        if changed:
            model._default_manager.bulk_update(changed, loaded, batch_size=500)
        return len(changed)


def _row_set(row: models.Model, wanted: dict[str, Any]) -> bool:
    dirty = False
    for name, new in wanted.items():
        if getattr(row, name) != new:
            setattr(row, name, new)
            dirty = True
    return dirty


def _empty(row: models.Model, name: str) -> Any:
    field = row._meta.get_field(name)
    if isinstance(field, models.BinaryField):
        return b""
    if isinstance(field, models.JSONField):
        return field.get_default()
    if field.null:
        return None
    return ""
