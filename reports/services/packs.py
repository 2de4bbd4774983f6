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
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils.translation import override

from contracts.models import Contract
from reports.documents import pack_pdf
from reports.models import ReviewPack, review_pack_path
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
    """The stored pack of a closed period: the one already kept, else built and kept now (its
    JSON; the PDF follows when first needed, `review_pack_pdf_of`). The caller checks that the
    period is closed (`review_pack_get` does)."""
    language = pack_language_of(language)
    existing = review_pack_stored(contract=contract, period=period, language=language)
    if existing is not None:
        return existing
    data = review_pack_data(contract=contract, period=period, language=language, now=now)
    try:
        with transaction.atomic():
            row = ReviewPack.objects.create(
                contract=contract,
                period_start=period.start,
                period_end=period.end,
                language=language,
                created_at=now,
                data=data,
            )
    except IntegrityError:
        winner = review_pack_stored(contract=contract, period=period, language=language)
        if winner is None:
            raise
        return winner
    log.info("review pack stored: %s", row)
    return row


def review_pack_pdf_of(pack: ReviewPack) -> ReviewPack:
    """The kept pack with its PDF: rendered from the kept JSON the first time it is needed and
    written once (compare-and-set on the empty checksum; a loser removes its own file)."""
    if pack.checksum:
        return pack
    pdf = pack_pdf(pack.data)
    name = default_storage.save(review_pack_path(pack, "pack.pdf"), ContentFile(pdf))
    written = ReviewPack.objects.filter(pk=pack.pk, checksum="").update(
        pdf=name, checksum=hashlib.sha256(pdf).hexdigest()
    )
    if not written:
        default_storage.delete(name)
    return ReviewPack.objects.get(pk=pack.pk)


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
    """The kept PDF exactly as kept (rendered and kept the first time), or a live pack's now."""
    if result.stored is not None:
        with review_pack_pdf_of(result.stored).pdf.open("rb") as stored:
            return bytes(stored.read())
    return pack_pdf(result.data)


@transaction.atomic
def review_packs_redact(*, contract_ids: Iterable[int], redact: Callable[[Any], Any]) -> int:
    """A data-subject erasure (D17) reaches the kept packs too: `redact` (the erasure's
    scrubber) replaces every text of the person (a name or address someone typed into a
    subject, a cause, a title) in the kept JSON and the PDF is rendered again from it, so no
    trace is left; the figures stay as they were. Returns how many packs changed. The pack
    names no person by itself (reports.selectors)."""
    changed = 0
    for pack in ReviewPack.objects.select_for_update().filter(contract_id__in=list(contract_ids)):
        data = redact(pack.data)
        if data == pack.data:
            continue
        old = str(pack.pdf.name)
        pack.data, pack.checksum, pack.pdf = data, "", ""
        if old:  # a PDF was kept: it is rendered again from the redacted JSON
            pdf = pack_pdf(data)
            pack.checksum = hashlib.sha256(pdf).hexdigest()
            pack.pdf.save("pack.pdf", ContentFile(pdf), save=False)
            transaction.on_commit(functools.partial(default_storage.delete, old))
        pack.save(update_fields=["data", "checksum", "pdf"])
        changed += 1
    return changed
