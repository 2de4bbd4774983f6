"""The monthly review pack by mail (issue #15 §2): on the first working day of a month, on the
provider's calendar (the contract's business calendar), last month's pack of every contract that
ran in it goes to the contract's CSAM and the provider's service support managers (SPEC REP-03:
they hold the reviews), each in their own language with the PDF attached.

Exactly once per contract, period and recipient: the outbox key names all three, and the
outbox row is unique per key (a second run, an hourly run or a redelivered task finds it and
writes nothing). A job that did not run on the first working day catches up on a later day of
the month. The PDF sent is the stored pack's, so what was sent can be shown again unchanged.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import override

from contracts.calendars import calendar_for
from contracts.models import Contract, ContractStatus
from contracts.selectors import contract_calendar
from notifications.models import OutboxEmail
from notifications.services.emails import render
from notifications.services.outbox import EmailAttachment, outbox_enqueue, send_within_budget
from notifications.services.recipients import Recipient, staff_recipient
from reports.documents import pack_filename
from reports.periods import Period, display_zone, last_month
from reports.services.packs import review_pack_pdf_of, review_pack_store

log = logging.getLogger(__name__)
SSM_GROUP = "Service support manager"
PDF = "application/pdf"


def first_working_day(contract: Contract, month: date) -> date:
    """The first day of `month` the contract's calendar opens (the 1st for a calendar that is
    always open or has none)."""
    row = contract_calendar(contract)
    if row is None:
        return month.replace(day=1)
    calendar = calendar_for(row)
    day = month.replace(day=1)
    for _offset in range(31):
        if calendar.always_open or calendar.day_intervals(day.toordinal()):
            return day
        day += timedelta(days=1)
    return month.replace(day=1)


def pack_recipients(contract: Contract) -> list[Recipient]:
    """The contract's CSAM and the active service support managers with an address, once each
    (by address), in their own language."""
    people = []
    if contract.csam is not None and contract.csam.is_active and contract.csam.email:
        people.append(staff_recipient(contract.csam, _("customer success account manager")))
    managers = (
        get_user_model()
        .objects.filter(groups__name=SSM_GROUP, is_active=True)
        .exclude(email="")
        .select_related("staff_profile")
        .distinct()
        .order_by("pk")
    )
    people += [staff_recipient(user, _("service support manager")) for user in managers]
    unique: dict[str, Recipient] = {}
    for person in people:
        unique.setdefault(person.email.lower(), person)
    return list(unique.values())


def pack_mail_key(contract: Contract, period: Period, email: str) -> str:
    return f"review-pack:{contract.pk}:{period.start:%Y%m%d}:{period.end:%Y%m%d}:{email.lower()}"


def _pack_url(contract: Contract, period: Period) -> str:
    path = reverse("backoffice:review-pack", args=[contract.pk])
    return f"{settings.SITE_URL}{path}?period={period.text}"


@transaction.atomic
def review_pack_mail(*, contract: Contract, period: Period, now: datetime) -> int:
    """Mail the period's pack to each recipient not mailed yet; returns how many were written."""
    written = 0
    recipients = pack_recipients(contract)
    keys = {r.email: pack_mail_key(contract, period, r.email) for r in recipients}
    done = set(OutboxEmail.objects.filter(key__in=keys.values()).values_list("key", flat=True))
    for recipient in recipients:
        key = keys[recipient.email]
        if key in done:
            continue
        pack = review_pack_pdf_of(
            review_pack_store(
                contract=contract, period=period, language=recipient.language, now=now
            )
        )
        with override(pack.language):
            label = pack.data["period"]["label"]
            email = render(
                language=pack.language,
                recipient=recipient,
                subject=_("Service review pack %(contract)s, %(period)s")
                % {"contract": contract.reference, "period": label},
                heading=_("Service review pack, %(period)s") % {"period": label},
                intro=_(
                    "The service review pack of %(customer)s for %(period)s is attached as a PDF: "
                    "SLA compliance, the breaches with their cause and what was done, volumes, "
                    "escalations, problems, satisfaction and usage."
                )
                % {"customer": contract.customer.name, "period": label},
                facts=[
                    (_("Contract"), contract.reference),
                    (_("Customer"), contract.customer.name),
                    (_("Period"), label),
                ],
                action_url=_pack_url(contract, period),
                action_label=_("Open the pack in the back-office"),
            )
        attachment = EmailAttachment(str(pack.pdf.name), pack_filename(pack.data, "pdf"), PDF)
        email = replace(email, attachment=attachment)
        if outbox_enqueue(key=key, email=email, now=now) is not None:
            written += 1
    return written


def contracts_of_period(period: Period) -> QuerySet[Contract]:
    """Contracts that ran during the period (not drafts), with what the mail needs."""
    return (
        Contract.objects.exclude(status=ContractStatus.DRAFT)
        .filter(start_date__lt=period.end)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=period.start))
        .select_related("customer", "provider", "package", "calendar", "csam__staff_profile")
        .order_by("pk")
    )


def review_packs_monthly(
    *,
    now: datetime,
    budget_seconds: float | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> int:
    """Last month's pack to each contract's recipients, from the contract's first working day
    of this month on; at most `budget_seconds` of work per run (the rest on the next run)."""
    today = now.astimezone(display_zone()).date()
    period = last_month(today)
    due = [c for c in contracts_of_period(period) if first_working_day(c, today) <= today]
    by_id = {c.pk: c for c in due}
    budget = (
        float(settings.REVIEW_PACK_MAIL_BUDGET_SECONDS)
        if budget_seconds is None
        else budget_seconds
    )

    def send(contract_id: int, at: datetime) -> bool:
        try:
            return review_pack_mail(contract=by_id[contract_id], period=period, now=at) > 0
        except Exception:  # one contract's failure must not stop the others; logged, retried
            log.exception("review pack mail of contract %s failed", contract_id)
            return False

    return send_within_budget(list(by_id), send, budget, clock, now)
