"""Fair use (SPEC BIL-02, D19, A-15, D11): after a month, each subscribed organisation's minutes
per licence against the mean of the others; above twice the mean flags it, once per month, and
tells the contract's CSAM and the coordinators in their own language. Never bills.

Exactly once: the FairUseFlag row is unique per contract and month and the mails are written
only by the call that created it (outbox keys name contract, month and address as well).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import cast

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import override

from contracts.models import BillingMode, Contract, ContractStatus, Provider
from escalation.services.emails import csam_contract_email
from notifications.services.outbox import outbox_enqueue
from notifications.services.recipients import Recipient, coordinators, staff_recipient
from usage.models import ContractBilling, FairUseFlag
from usage.rules.fair_use import FairUseFigure, Usage, fair_use_figures
from usage.selectors import month_minutes_by_contract
from usage.services.lines import monthly_fee_lines_write
from usage.services.months import month_of_moment, month_start, next_month

CENT = Decimal("0.01")


def subscribed_contracts(*, provider_code: str, month: date) -> list[Contract]:
    """The provider's contracts on a subscription (CBG Basis/Extra) that ran during `month`,
    with their rates (the licence count) along."""
    month = month_start(month)
    return list(
        Contract.objects.filter(
            provider__code=provider_code,
            status=ContractStatus.ACTIVE,
            package__billing_mode=BillingMode.SUBSCRIPTION,
            start_date__lt=next_month(month),
        )
        .exclude(end_date__lt=month)
        .select_related("customer", "csam__staff_profile", "billing")
        .order_by("pk")
    )


def _licences(contract: Contract) -> int:
    """The quote's licence count, else the customer's."""
    try:
        quoted = contract.billing.licence_count
    except ContractBilling.DoesNotExist:
        quoted = 0
    return quoted or contract.customer.licence_count or 0


FairUseEntry = tuple[Contract, Usage, FairUseFigure | None]


def fair_use_month_figures(*, provider_code: str, month: date) -> list[FairUseEntry]:
    """Each subscribed organisation of the month with its usage and its figure against the
    others (None without licences): the one computation behind the monthly flag, the dashboard
    and the portal. Two queries."""
    contracts = subscribed_contracts(provider_code=provider_code, month=month)
    minutes = month_minutes_by_contract(contracts=contracts, month=month)
    usage = {c.pk: Usage(minutes.get(c.pk, 0), _licences(c)) for c in contracts}
    figures = fair_use_figures(cast(Mapping[Hashable, Usage], usage))
    return [(c, usage[c.pk], figures.get(c.pk)) for c in contracts]


def fair_use_check(*, provider: Provider, month: date, now: datetime) -> int:
    """Flag the month's organisations above twice the mean; returns how many were new."""
    month = month_start(month)
    written = 0
    for contract, usage, figure in fair_use_month_figures(provider_code=provider.code, month=month):
        if figure is None or not figure.flagged:
            continue
        if _flag_write(contract, month, usage, figure, now):
            written += 1
    return written


@transaction.atomic
def _flag_write(
    contract: Contract, month: date, usage: Usage, figure: FairUseFigure, now: datetime
) -> bool:
    try:
        with transaction.atomic():
            flag = FairUseFlag.objects.create(
                contract=contract,
                month=month,
                minutes=usage.minutes,
                licences=usage.licences,
                minutes_per_licence=figure.per_licence.quantize(CENT),
                mean_of_others=figure.mean_of_others.quantize(CENT),
                flagged_at=now,
            )
    except IntegrityError:
        return False  # told already this month
    for recipient in _recipients(contract):
        _mail(flag, recipient, now)
    return True


def _recipients(contract: Contract) -> list[Recipient]:
    people = []
    if contract.csam is not None and contract.csam.email:
        people.append(staff_recipient(contract.csam, "customer success account manager"))
    people += [staff_recipient(user, "support coordinator") for user in coordinators()]
    unique = {r.email.lower(): r for r in reversed(people)}  # the CSAM's role wins
    return sorted(unique.values(), key=lambda r: r.email.lower())


def _mail(flag: FairUseFlag, recipient: Recipient, now: datetime) -> None:
    contract = flag.contract
    with override(recipient.language):
        month = f"{flag.month:%Y-%m}"
        heading = _("Fair use exceeded in %(month)s") % {"month": month}
        intro = _(
            "This organisation used more than twice the average time per licence of the other "
            "subscribed organisations. Discuss an adjusted proposal with the customer; nothing "
            "is billed automatically."
        )
        facts = [
            (_("Contract"), contract.reference),
            (_("Month"), month),
            (_("Minutes"), str(flag.minutes)),
            (_("Licences"), str(flag.licences)),
            (_("Minutes per licence"), f"{flag.minutes_per_licence}"),
            (_("Average of the other organisations"), f"{flag.mean_of_others}"),
        ]
        email = csam_contract_email(
            contract.reference, contract.customer.name, recipient, heading, intro, facts
        )
    key = f"fair-use:{contract.pk}:{month}:{recipient.email.lower()}"
    outbox_enqueue(key=key, email=email, now=now)


def usage_monthly(*, now: datetime) -> dict[str, int]:
    """The monthly beat: this month's fees, and fair use of the month that just ended. Runs
    often; the unique rows make every repeat a no-op."""
    this_month = month_of_moment(now)
    last_month = month_start(this_month - timedelta(days=1))
    fees = flags = 0
    providers = Provider.objects.filter(
        releases__is_current=True, releases__packages__billing_mode=BillingMode.SUBSCRIPTION
    ).distinct()
    for provider in providers.order_by("pk"):
        fees += monthly_fee_lines_write(provider=provider, month=this_month, now=now)
        flags += fair_use_check(provider=provider, month=last_month, now=now)
    return {"fees": fees, "fair_use_flags": flags}
