"""What a provider-side staff user may see (DECISIONS D15, issue #10 §5): one rule, one home.

Every provider role reads every customer's rows, except a customer success account manager
(CSAM) without another provider role: they see only what their own contracts cover (the
contracts whose `csam` they are), and of the catalogue only the providers of those contracts.
Every back-office page and admin list asks `staff_rows` for its rows, so one table below says,
per model, how a row reaches a contract or a provider. A model missing from the table shows a
CSAM nothing at all: a new model is closed until someone decides how it is scoped.

The table names lookups as strings, so this module (in the lowest layer) imports no model of
the layers above it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Model, Q, QuerySet

from contracts.models import Contract

CSAM_GROUP = "Customer success account manager"
WORKING_GROUPS = (
    "First line",
    "Second line",
    "Support coordinator",
    "Service support manager",
    "Escalation officer",
)

M = TypeVar("M", bound=Model)
StaffUser = AbstractBaseUser | AnonymousUser
# (the user's contracts, the user's providers) -> the rows of one model the user may see
Scope = Callable[[QuerySet[Contract], QuerySet[Contract]], Q]


def _contract(path: str) -> Scope:
    """Rows reaching one of the user's contracts through `path` ("" for the contract itself)."""
    lookup = f"{path}__in" if path else "pk__in"
    return lambda contracts, providers: Q(**{lookup: contracts.values("pk")})


def _provider(path: str, *, catalogue_only: bool = False) -> Scope:
    """Catalogue rows of the providers of the user's contracts. With `catalogue_only` the model
    holds contract-specific rows too: those are reached only through their own contract."""

    def scope(contracts: QuerySet[Contract], providers: QuerySet[Contract]) -> Q:
        q = Q(**{f"{path}__in": providers.values("provider_id")})
        if catalogue_only:
            return (Q(contract__isnull=True) & q) | Q(contract__in=contracts.values("pk"))
        return q

    return scope


def _either(*scopes: Scope) -> Scope:
    def scope(contracts: QuerySet[Contract], providers: QuerySet[Contract]) -> Q:
        q = Q(pk__in=[])
        for one in scopes:
            q |= one(contracts, providers)
        return q

    return scope


# model label -> which rows a CSAM-only user sees. Absent: none.
SCOPES: dict[str, Scope] = {
    # What is promised: their contracts, those contracts' customers and contacts.
    "contracts.contract": _contract(""),
    "contracts.customer": _contract("contracts"),
    "contracts.contact": _contract("customer__contracts"),
    "contracts.contactrole": _contract("contract"),
    "contracts.contactchangerequest": _contract("contracts"),
    "contracts.entitlementmovement": _contract("contract"),
    "contracts.phonecode": _contract("contract"),
    # Remote-access grants (SEC-04): those of their contracts' customers, as their contacts.
    "contracts.remoteaccessgrant": _contract("customer__contracts"),
    # AEM events (issue #13 §3): their contracts' events, as they get their mails.
    "contracts.aemevent": _contract("contract"),
    "contracts.escalationcontact": _provider("release__provider", catalogue_only=True),
    "contracts.escalationpolicy": _provider("release__provider", catalogue_only=True),
    # The catalogue of the providers they work with.
    "contracts.provider": _provider("pk"),
    "contracts.cataloguerelease": _provider("provider"),
    "contracts.package": _provider("release__provider"),
    "contracts.businesscalendar": _provider("release__provider"),
    "contracts.catalogueservice": _provider("release__provider"),
    "contracts.serviceinclusion": _provider("service__release__provider"),
    "contracts.providerchannel": _provider("release__provider"),
    "contracts.slapolicy": _provider("release__provider"),
    "contracts.slatarget": _provider("policy__release__provider"),
    # What was asked and done: their contracts' tickets and everything hanging off them.
    "tickets.ticket": _contract("contract"),
    "tickets.ticketmessage": _contract("ticket__contract"),
    "tickets.ticketevent": _contract("ticket__contract"),
    "tickets.slaclock": _contract("ticket__contract"),
    "tickets.clocksegment": _contract("ticket__contract"),
    "tickets.prioritychangerequest": _contract("ticket__contract"),
    "tickets.satisfactionsurvey": _contract("ticket__contract"),
    "tickets.timeentry": _contract("ticket__contract"),
    "tickets.vendorescalation": _contract("ticket__contract"),
    # A problem is theirs when one of its incidents (or the one that opened it) is.
    "tickets.problem": _either(
        _contract("incidents__contract"), _contract("source_ticket__contract")
    ),
    # The dashboard's monthly roll-up (issue #16): their contracts' rows.
    "tickets.monthclockfigures": _contract("contract"),
    "tickets.monthticketfigures": _contract("contract"),
    "escalation.escalation": _contract("ticket__contract"),
    # On call (issue #13 §1): the rota of the providers they work with, their tickets' pages.
    "contracts.oncallshift": _provider("provider"),
    "escalation.oncallpage": _contract("ticket__contract"),
    "notifications.outboxemail": _contract("ticket__contract"),
    # Webhooks: the endpoints of their contracts' customers and of their providers (as they
    # see those customers and that catalogue); of what was sent, only their contracts' tickets'
    # events, also on a provider's endpoint or on a customer's endpoint that hears of tickets
    # under another contract.
    "notifications.webhookendpoint": _either(
        _contract("customer__contracts"), _provider("provider")
    ),
    "notifications.webhookevent": _contract("ticket__contract"),
    "notifications.webhookdelivery": _contract("event__ticket__contract"),
    "notifications.webhookattempt": _contract("delivery__event__ticket__contract"),
    # Email in: only what became a ticket of theirs (triage of unknown senders is not theirs).
    "intake.inboundmessage": _contract("ticket__contract"),
    "tickets.attachment": _contract("ticket__contract"),
    # Billing (issue #14 §4): their contracts' rates, lines and fair-use flags; the closed
    # months of the providers they work with.
    "usage.contractbilling": _contract("contract"),
    "usage.billingline": _contract("contract"),
    "usage.fairuseflag": _contract("contract"),
    "usage.billingmonth": _provider("provider"),
    # Microsoft usage (issue #14 §2): their work orders' locations, requests and exchanges; the
    # credit rates of their work orders and the provider-wide ones of their providers.
    "contracts.supportlocation": _contract("contract"),
    "contracts.servicerequest": _contract("contract"),
    "contracts.servicerequestchange": _contract("request__contract"),
    "contracts.serviceexchange": _contract("contract"),
    "contracts.locationexchange": _contract("contract"),
    "contracts.servicerate": _provider("provider", catalogue_only=True),
    # Availability (issue #15 §1): their contracts' services, outages, maintenance and who was
    # told; the maintenance windows of the providers they work with.
    "availability.monitoredservice": _contract("contract"),
    "availability.outage": _contract("service__contract"),
    "availability.plannedmaintenance": _contract("services__contract"),
    "availability.maintenanceannouncement": _contract("maintenance__services__contract"),
    "availability.maintenancewindow": _provider("provider"),
    # Service review packs (issue #15 §2): their contracts' stored packs.
    "reports.reviewpack": _contract("contract"),
}


def staff_csam_only(user: StaffUser) -> bool:
    """A CSAM without another provider role (and not a superuser)."""
    if not user.is_authenticated or getattr(user, "is_superuser", False):
        return False
    cached = getattr(user, "_staff_csam_only", None)  # one query per request, not per list
    if cached is None:
        groups = getattr(user, "groups", None)
        names = set(groups.values_list("name", flat=True)) if groups is not None else set()
        cached = CSAM_GROUP in names and not names & set(WORKING_GROUPS)
        setattr(user, "_staff_csam_only", cached)  # noqa: B010 - a per-request cache
    return bool(cached)


def staff_contracts(user: StaffUser) -> QuerySet[Contract]:
    """The contracts the user's figures cover: all, or a CSAM-only user's own."""
    rows = Contract.objects.all()
    return rows.filter(csam_id=user.pk) if staff_csam_only(user) else rows


def staff_rows(user: StaffUser, rows: QuerySet[M]) -> QuerySet[M]:
    """`rows` narrowed to what the user may see (see the module docstring). The filter is a
    `pk IN (subquery)`, so it never duplicates rows and keeps the caller's annotations."""
    if not staff_csam_only(user):
        return rows
    label = rows.model._meta.label_lower
    scope = SCOPES.get(label)
    if scope is None:
        return rows.none()
    contracts = Contract.objects.filter(csam_id=user.pk)
    visible = rows.model._default_manager.filter(scope(contracts, contracts)).values("pk")
    return rows.filter(pk__in=visible)
