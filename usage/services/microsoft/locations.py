"""Multinational work orders (CON-42, CON-60..70) and exchanges between services (CON-23).

A work order has exactly one host location; a downstream location needs the host first. An
exception country needs a work order of its own: it can be the only location of one, never a
location beside others, and never a side of an exchange. Credits move between the host and a
downstream location of the same work order at the locations' rates, rounded up."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from contracts.models import (
    CatalogueService,
    Contract,
    EntitlementKind,
    EntitlementMovement,
    Inclusion,
    LocationExchange,
    LocationRole,
    MovementCause,
    ServiceExchange,
    ServiceInclusion,
    SupportLocation,
)
from usage.credits import EXCEPTION_COUNTRIES, exchange_credits
from usage.exceptions import ExchangeRefused, LocationRefused
from usage.selectors_microsoft import ledger_balance
from usage.services.microsoft.common import (
    contract_lock,
    ended_text,
    local_today,
    microsoft_required,
    number_text,
    work_order_ended,
)

_COUNTRY = re.compile(r"^[A-Z]{2}$")


def _exception_text(country: str) -> str:
    return _(
        "%(country)s is an exception country: it needs a work order of its own and is "
        "invoiced locally."
    ) % {"country": country}


def _location_refusal(contract: Contract, country: str, role: str) -> str | None:
    locations = list(contract.support_locations.all())
    host = next((loc for loc in locations if loc.role == LocationRole.HOST), None)
    if any(loc.country == country for loc in locations):
        return _("%(country)s is already a support location of this work order.") % {
            "country": country
        }
    if role == LocationRole.HOST and host is not None:
        return _(
            "This work order already has its host location (%(country)s); it has exactly one."
        ) % {"country": host.country}
    if role == LocationRole.DOWNSTREAM and host is None:
        return _("Add the host location first: a multinational work order has exactly one host.")
    if role == LocationRole.DOWNSTREAM and country in EXCEPTION_COUNTRIES:
        return _exception_text(country)
    if role == LocationRole.DOWNSTREAM and host is not None and host.country in EXCEPTION_COUNTRIES:
        return _exception_text(host.country) + " " + _("It cannot have downstream locations.")
    return None


@transaction.atomic
def support_location_add(
    *,
    contract: Contract,
    country: str,
    role: str,
    credit_rate: Decimal,
    currency: str = "EUR",
    now: datetime,
) -> SupportLocation:
    """Add a support location to a Microsoft work order (CON-60..62, 70)."""
    contract = contract_lock(contract)
    microsoft_required(contract, LocationRefused)
    country = country.strip().upper()
    if not _COUNTRY.match(country):
        raise LocationRefused(_("Give the country as a two-letter ISO code, e.g. NL."))
    if role not in LocationRole.values:
        raise LocationRefused(_("A support location is the host or a downstream location."))
    if credit_rate <= 0:
        raise LocationRefused(_("The value of one credit must be positive."))
    refusal = _location_refusal(contract, country, role)
    if refusal is not None:
        raise LocationRefused(refusal)
    return SupportLocation.objects.create(
        contract=contract,
        country=country,
        role=role,
        currency=currency.strip().upper()[:3],
        credit_rate=credit_rate,
        created_at=now,
    )


def _exchange_refusal(giving: SupportLocation, receiving: SupportLocation) -> str | None:
    for location in (giving, receiving):
        if location.country in EXCEPTION_COUNTRIES:
            return (
                _("Credits cannot be exchanged to or from %(country)s.")
                % {"country": location.country}
                + " "
                + _exception_text(location.country)
            )
    if giving.contract_id != receiving.contract_id:
        return _("Credits can only be exchanged between locations of the same work order.")
    if {giving.role, receiving.role} != {LocationRole.HOST, LocationRole.DOWNSTREAM}:
        return _("Credits can only be exchanged between the host and a downstream location.")
    return None


@transaction.atomic
def credits_exchange_locations(
    *,
    from_location: SupportLocation,
    to_location: SupportLocation,
    credits_given: Decimal,
    recorded_by: User | None,
    now: datetime,
) -> LocationExchange:
    """Move whole credits from one location to the other: ceil(credits x rate_from / rate_to)."""
    refusal = _exchange_refusal(from_location, to_location)
    if refusal is not None:
        raise ExchangeRefused(refusal)
    contract = contract_lock(from_location.contract)
    if work_order_ended(contract, local_today(now)):
        raise ExchangeRefused(ended_text(contract))
    if credits_given <= 0 or credits_given != credits_given.to_integral_value():
        raise ExchangeRefused(_("Exchange a whole, positive number of credits."))
    giving = SupportLocation.objects.get(pk=from_location.pk)
    receiving = SupportLocation.objects.get(pk=to_location.pk)
    kind = EntitlementKind.PROACTIVE_CREDITS
    left = ledger_balance(contract=contract, kind=kind, location=giving)
    if left < credits_given:
        raise ExchangeRefused(
            _("%(country)s has only %(left)s credits left.")
            % {"country": giving.country, "left": number_text(left)}
        )
    received = exchange_credits(credits_given, giving.credit_rate, receiving.credit_rate)
    exchange = LocationExchange.objects.create(
        contract=contract,
        from_location=giving,
        to_location=receiving,
        credits_from=credits_given,
        credits_to=received,
        rate_from=giving.credit_rate,
        rate_to=receiving.credit_rate,
        recorded_by=recorded_by,
        recorded_at=now,
    )
    for location, quantity in ((giving, -credits_given), (receiving, received)):
        EntitlementMovement.objects.create(
            contract=contract,
            kind=kind,
            quantity=quantity,
            reason=f"{giving.country} -> {receiving.country}",
            occurred_at=now,
            recorded_by=recorded_by,
            cause=MovementCause.EXCHANGE,
            location=location,
            location_exchange=exchange,
        )
    return exchange


@transaction.atomic
def service_exchange_record(
    *,
    contract: Contract,
    from_service: CatalogueService,
    to_service: CatalogueService,
    value: Decimal,
    approver: User | None,
    approved_on: date,
    recorded_by: User | None,
    now: datetime,
) -> ServiceExchange:
    """Record that an ordered service's value goes to another service of the base package,
    approved by the Service Delivery resource (CON-23); the approver is required."""
    if approver is None:
        raise ExchangeRefused(
            _(
                "An exchange needs the consent of the Service Delivery resource: "
                "name who approved it."
            )
        )
    contract = contract_lock(contract)
    microsoft_required(contract, ExchangeRefused)
    if from_service.code == to_service.code:
        raise ExchangeRefused(_("Choose two different services."))
    if value <= 0:
        raise ExchangeRefused(_("The value must be positive."))
    if work_order_ended(contract, local_today(now)):
        raise ExchangeRefused(ended_text(contract))
    available = ServiceInclusion.objects.filter(package_id=contract.package_id).exclude(
        inclusion=Inclusion.NOT_OFFERED
    )
    for service in (from_service, to_service):
        if not available.filter(service__code=service.code).exists():
            raise ExchangeRefused(
                _("%(service)s is not available in this base package.") % {"service": service.name}
            )
    return ServiceExchange.objects.create(
        contract=contract,
        from_service=from_service,
        to_service=to_service,
        value=value,
        approver=approver,
        approved_on=approved_on,
        recorded_by=recorded_by,
        recorded_at=now,
    )
