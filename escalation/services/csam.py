"""The customer success account manager's contract notices (DECISIONS D11), once per occasion.

Run by a periodic job; the outbox key names the occasion (contract, kind, date or cap), so a
job that runs twice, or every hour, still sends each notice once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import override

from contracts.models import (
    ContactRole,
    ContactRoleKind,
    Contract,
    ContractStatus,
    EntitlementKind,
)
from contracts.selectors import entitlement_balances, named_contact_cap
from escalation.services.emails import csam_contract_email
from notifications.services.outbox import outbox_enqueue
from notifications.services.recipients import staff_recipient

WORK_ORDER_END_NOTICE = timedelta(days=75)  # the 60-day request deadline approaches (CON-21)
RENEWAL_NOTICE = timedelta(days=30)
ENTITLEMENT_LAPSE_NOTICE = timedelta(days=30)


@dataclass(frozen=True)
class Notice:
    key: str
    heading: str
    intro: str
    facts: list[tuple[str, str]]


def _day(value: date) -> str:
    return formats.date_format(value, "DATE_FORMAT")


def _contract_notices(contract: Contract, today: date) -> list[Notice]:
    notices = []
    end = contract.end_date
    if end is not None and end - WORK_ORDER_END_NOTICE <= today <= end:
        notices.append(
            Notice(
                f"csam-work-order-end:{contract.pk}:{end.isoformat()}",
                _("Work order ends on %(date)s") % {"date": _day(end)},
                _(
                    "Requests for proactive services and extended services must be in 60 days "
                    "before the end; unused services lapse at the end."
                ),
                [(_("End"), _day(end)), (_("Request deadline"), _day(end - timedelta(days=60)))],
            )
        )
    notice_by = contract.renewal_notice_deadline
    if notice_by is not None and notice_by - RENEWAL_NOTICE <= today <= notice_by:
        notices.append(
            Notice(
                f"csam-renewal-notice:{contract.pk}:{notice_by.isoformat()}",
                _("Renewal notice deadline on %(date)s") % {"date": _day(notice_by)},
                _("Notice not to renew must be given by this date."),
                [(_("Notice deadline"), _day(notice_by))],
            )
        )
    unused = {kind: left for kind, left in entitlement_balances(contract).items() if left > 0}
    if end is not None and unused and end - ENTITLEMENT_LAPSE_NOTICE <= today <= end:
        labels = dict(EntitlementKind.choices)
        notices.append(
            Notice(
                f"csam-entitlements-lapse:{contract.pk}:{end.isoformat()}",
                _("Unused entitlements lapse on %(date)s") % {"date": _day(end)},
                _("These entitlements are still unused and lapse at the end of the work order."),
                [(str(labels[kind]), f"{left}") for kind, left in sorted(unused.items())],
            )
        )
    cap = named_contact_cap(contract)
    named = ContactRole.objects.filter(contract=contract, role=ContactRoleKind.NAMED_CONTACT)
    if cap is not None and named.count() >= cap:
        notices.append(
            Notice(
                f"csam-named-contact-limit:{contract.pk}:{cap}",
                _("Named-contact limit reached (%(cap)s)") % {"cap": cap},
                _("The customer cannot add named contacts until the contract's cap is raised."),
                [(_("Named contacts"), f"{named.count()} / {cap}")],
            )
        )
    return notices


def csam_contract_notices(*, now: datetime) -> int:
    """Write the due notices of every active contract with a CSAM; returns how many were new."""
    today = now.astimezone(ZoneInfo(settings.DISPLAY_TIME_ZONE)).date()
    written = 0
    contracts = Contract.objects.filter(
        status=ContractStatus.ACTIVE, csam__isnull=False
    ).select_related("csam__staff_profile", "customer", "package")
    for contract in contracts:
        csam = contract.csam
        if csam is None or not csam.email:
            continue
        # Issue #11 §2: in the CSAM's own language, dates formatted for it.
        recipient = staff_recipient(csam, "customer success account manager")
        with transaction.atomic(), override(recipient.language):
            for notice in _contract_notices(contract, today):
                email = csam_contract_email(
                    contract.reference,
                    contract.customer.name,
                    recipient,
                    notice.heading,
                    notice.intro,
                    [(_("Contract"), contract.reference), *notice.facts],
                )
                if outbox_enqueue(key=notice.key, email=email, now=now) is not None:
                    written += 1
    return written
