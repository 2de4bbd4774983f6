"""Building and keeping review packs (issue #15 §2).

A pack of a closed period (its last day has passed) is stored on its first build, per contract,
period and language, with its PDF and the PDF's SHA-256, and read back from then on: what was
shown or sent once is shown again unchanged, even when a ticket of that period changes later.
Packs of open periods are built live and never stored. Two builds racing for the same pack both
render it, one insert wins (the unique constraint) and the other returns the winner's row and
removes its own file. A data-subject erasure rewrites the kept packs' texts of that person
(`review_packs_redact`), never their figures.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils.translation import override

from contracts.models import Contract
from reports.documents import pack_pdf
from reports.models import ReviewPack
from reports.periods import Period, display_zone
from reports.selectors import review_pack_of

log = logging.getLogger(__name__)
LANGUAGES = ("nl", "en")


@dataclass(frozen=True)
class PackResult:
    """A pack's JSON and, for a closed period, the stored row it came from."""

    data: dict[str, Any]
    stored: ReviewPack | None


def pack_language_of(language: str | None) -> str:
    """nl or en: the pack's languages (D16); anything else is the desk's default."""
    code = (language or "nl")[:2].lower()
    return code if code in LANGUAGES else "nl"


def review_pack_data(
    *, contract: Contract, period: Period, language: str, now: datetime
) -> dict[str, Any]:
    """The pack's JSON, built now, in `language`."""
    with override(pack_language_of(language)):
        return review_pack_of(contract=contract, period=period, now=now).to_dict()


def review_pack_stored(*, contract: Contract, period: Period, language: str) -> ReviewPack | None:
    return ReviewPack.objects.filter(
        contract=contract,
        period_start=period.start,
        period_end=period.end,
        language=pack_language_of(language),
    ).first()


def period_closed(period: Period, now: datetime) -> bool:
    return period.is_closed(now.astimezone(display_zone()).date())


def review_pack_store(
    *, contract: Contract, period: Period, language: str, now: datetime
) -> ReviewPack:
    """The stored pack of a closed period: the one already kept, else built, rendered and kept
    now. The caller checks that the period is closed (`review_pack_get` does)."""
    language = pack_language_of(language)
    existing = review_pack_stored(contract=contract, period=period, language=language)
    if existing is not None:
        return existing
    data = review_pack_data(contract=contract, period=period, language=language, now=now)
    pdf = pack_pdf(data)
    row = ReviewPack(
        contract=contract,
        period_start=period.start,
        period_end=period.end,
        language=language,
        created_at=now,
        data=data,
        checksum=hashlib.sha256(pdf).hexdigest(),
    )
    row.pdf.save("pack.pdf", ContentFile(pdf), save=False)
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        default_storage.delete(str(row.pdf.name))
        winner = review_pack_stored(contract=contract, period=period, language=language)
        if winner is None:
            raise
        return winner
    log.info("review pack stored: %s", row)
    return row


def review_pack_get(
    *, contract: Contract, period: Period, language: str, now: datetime
) -> PackResult:
    """What to show for a period: the stored pack of a closed period (kept on first build),
    else the live figures."""
    if period_closed(period, now):
        stored = review_pack_store(contract=contract, period=period, language=language, now=now)
        return PackResult(data=stored.data, stored=stored)
    return PackResult(
        data=review_pack_data(contract=contract, period=period, language=language, now=now),
        stored=None,
    )


def review_pack_pdf_bytes(result: PackResult) -> bytes:
    """The stored PDF exactly as kept, or a live pack rendered now."""
    if result.stored is not None:
        with result.stored.pdf.open("rb") as stored:
            return bytes(stored.read())
    return pack_pdf(result.data)


def _redacted(value: Any, patterns: list[re.Pattern[str]], replacement: str) -> Any:
    if isinstance(value, str):
        for pattern in patterns:
            value = pattern.sub(replacement, value)
        return value
    if isinstance(value, list):
        return [_redacted(v, patterns, replacement) for v in value]
    if isinstance(value, dict):
        return {k: _redacted(v, patterns, replacement) for k, v in value.items()}
    return value


@transaction.atomic
def review_packs_redact(
    *, contract_ids: Iterable[int], texts: Iterable[str], replacement: str
) -> int:
    """A data-subject erasure (D17) reaches the kept packs too: every text of the person (a name
    or address someone typed into a subject, a cause, a title) is replaced in the kept JSON and
    the PDF is rendered again from it, so no trace is left; the figures stay as they were.
    Returns how many packs changed. The pack names no person by itself (reports.selectors)."""
    patterns = [re.compile(re.escape(t.strip()), re.IGNORECASE) for t in texts if t.strip()]
    if not patterns:
        return 0
    changed = 0
    for pack in ReviewPack.objects.select_for_update().filter(contract_id__in=list(contract_ids)):
        data = _redacted(pack.data, patterns, replacement)
        if data == pack.data:
            continue
        pdf, old = pack_pdf(data), str(pack.pdf.name)
        pack.data, pack.checksum = data, hashlib.sha256(pdf).hexdigest()
        pack.pdf.save("pack.pdf", ContentFile(pdf), save=False)
        pack.save(update_fields=["data", "checksum", "pdf"])
        transaction.on_commit(functools.partial(default_storage.delete, old))
        changed += 1
    return changed
