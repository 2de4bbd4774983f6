"""The demo's review pack (issue #15 §2): last month's pack of Smit & De Boer Advocaten (CBG
Extra) kept in Dutch, as the monthly mail would keep it, so the back-office and the portal show
a kept pack at once; every other contract's pack is built when it is first opened (and last
month's are mailed by the beat from the first working day on). Idempotent: a kept pack is
found, not built again; deterministic for a given --now (a closed month's figures hold as of
its end)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from contracts.models import Contract
from reports.models import ReviewPack
from reports.periods import display_zone, last_month
from reports.services.packs import review_pack_store

DEMO_PACK_CONTRACT = "CBG-EXT-2026-015"


def reports_demo_seed(*, now: datetime) -> Counter[str]:
    counts: Counter[str] = Counter()
    contract = Contract.objects.filter(reference=DEMO_PACK_CONTRACT).first()
    if contract is None:
        return counts
    period = last_month(now.astimezone(display_zone()).date())
    before = ReviewPack.objects.count()
    review_pack_store(contract=contract, period=period, language="nl", now=now)
    counts["review packs"] = ReviewPack.objects.count() - before
    return counts
