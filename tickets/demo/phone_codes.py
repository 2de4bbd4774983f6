"""Demo: the CBG Extra customer's out-of-hours phone code (issue #13 §2), issued by the
coordinator a week ago and waiting for the customer's support services manager to reveal it
once in the portal (the Contract page links to it): Eva Smit, the customer's support services
manager (tickets/demo/data.py); the first line then registers a night-time call with it."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from django.contrib.auth.models import User

from contracts.models import Contract
from contracts.services.phone_codes import phone_code_issue

EXTRA_CONTRACT = "CBG-EXT-2026-015"


def phone_codes_demo(*, staff: dict[str, User], now: datetime, counts: Counter[str]) -> None:
    contract = Contract.objects.filter(reference=EXTRA_CONTRACT, phone_codes=None).first()
    coordinator = staff.get("coordinator")
    if contract is None or coordinator is None:
        return
    phone_code_issue(contract=contract, actor=coordinator, now=now - timedelta(days=7))
    counts["out-of-hours phone codes"] += 1
