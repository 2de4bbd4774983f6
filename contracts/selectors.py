"""Reads of contracts and the catalogue. Catalogue rows are immutable once loaded (D3), so the
SLA policy lookups are cached per process; `catalogue_cache_clear` empties the cache."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Count, Model, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from contracts.exceptions import (
    AmbiguousContract,
    ContactInactive,
    NoCurrentContract,
    NotNamedContact,
    UnknownCalendarError,
    UnknownPolicy,
)
from contracts.joined import joined_fetch, joined_select
from contracts.models import (
    BusinessCalendar,
    CatalogueService,
    Contact,
    ContactChangeRequest,
    ContactChangeStatus,
    ContactRole,
    ContactRoleKind,
    Contract,
    ContractStatus,
    Customer,
    EntitlementMovement,
    EscalationContact,
    EscalationPolicy,
    Package,
    Provider,
    SlaPolicy,
    SlaTarget,
)
from contracts.selectors_escalation import escalation_contacts_of, escalation_policies_for

SUBMITTER_ROLES = (ContactRoleKind.NAMED_CONTACT, ContactRoleKind.SUPPORT_SERVICES_MANAGER)


@dataclass(frozen=True)
class PolicyTargets:
    policy: SlaPolicy
    targets: tuple[SlaTarget, ...]


_POLICIES: dict[tuple[int, str], PolicyTargets | None] = {}
_PACKAGES: dict[int, Package] = {}
_CALENDARS: dict[int, BusinessCalendar] = {}
# (release id, calendar code) -> (monotonic expiry, current revision). Unlike the rows, which
# is current changes when a coordinator revises a calendar (D3): the revising process clears
# this at once; other processes (workers) pick the revision up within the time below, and at
# once for a new ticket: its contract read names the current revisions of its release and
# renews these entries (`_calendar_revisions_renew`).
_CURRENT_REVISIONS: dict[tuple[int, str], tuple[float, BusinessCalendar]] = {}
CURRENT_REVISION_CACHE_SECONDS = 60.0


def catalogue_cache_clear() -> None:
    from contracts import calendars, selectors_events

    selectors_events.extended_cache_clear()
    _POLICIES_CACHED.clear()
    _CATALOGUE_POLICIES.clear()
    _POLICY_ROWS.clear()
    _POLICIES.clear()
    _PACKAGES.clear()
    _CALENDARS.clear()
    _CURRENT_REVISIONS.clear()
    calendars._BY_ROW.clear()


def escalation_policy_for(contract: Contract) -> EscalationPolicy:
    """The contract's own policy, else the catalogue's for its package, else D10's defaults."""
    return escalation_policies_for([contract])[contract.pk]


# contract id -> (monotonic expiry, policy): a contract's own policy may be edited, so it is read
# again after a minute (the escalation sweep reads the policy itself, uncached). A ticket's
# contract read (`contract_for_submission`) reads the contract's own policy with it and renews
# the entry: a new ticket never reads it apart, and never an out-of-date one.
_POLICIES_CACHED: dict[int, tuple[float, EscalationPolicy]] = {}
POLICY_CACHE_SECONDS = 60.0
# package id -> the catalogue's policy for it (or D10's defaults): for contracts without their
# own; catalogue rows never change (D3).
_CATALOGUE_POLICIES: dict[int, EscalationPolicy] = {}


def escalation_policy_cached(contract: Contract) -> EscalationPolicy:
    """`escalation_policy_for`, read again after POLICY_CACHE_SECONDS: for what every new ticket
    needs of it (the warning share, the on-call acknowledgement wait)."""
    cached = _POLICIES_CACHED.get(contract.pk)
    clock = time.monotonic()
    if cached is not None and cached[0] > clock:
        return cached[1]
    policy = escalation_policy_for(contract)
    _POLICIES_CACHED[contract.pk] = (clock + POLICY_CACHE_SECONDS, policy)
    return policy


def _escalation_policy_renew(contract: Contract, own: EscalationPolicy | None) -> None:
    """What `escalation_policy_cached` answers for `contract` for the next POLICY_CACHE_SECONDS,
    from its own policy just read with it (None: it has none, the catalogue's applies)."""
    if own is None:
        policy = _CATALOGUE_POLICIES.get(contract.package_id)
        if policy is None:
            policy = _CATALOGUE_POLICIES[contract.package_id] = escalation_policy_for(contract)
        if policy.contract_id is not None:  # made its own since its contract was read
            _POLICIES_CACHED.pop(contract.pk, None)
            _CATALOGUE_POLICIES.pop(contract.package_id, None)
            return
        own = policy
    _POLICIES_CACHED[contract.pk] = (time.monotonic() + POLICY_CACHE_SECONDS, own)


def warning_percent_for(contract: Contract) -> int:
    """The share of a target after which a ticket is "at risk" (the policy's warning level)."""
    return escalation_policy_cached(contract).warning_percent


def calendar_revision_cache_clear() -> None:
    _CURRENT_REVISIONS.clear()


def package_row(pk: int) -> Package:
    """A package row with its default calendar; cached, as catalogue rows never change (D3)."""
    if pk not in _PACKAGES:
        _PACKAGES[pk] = Package.objects.select_related("default_calendar").get(pk=pk)
    return _PACKAGES[pk]


_POLICY_ROWS: dict[int, SlaPolicy] = {}


def policy_row(pk: int) -> SlaPolicy:
    """An SLA policy row; cached, as catalogue rows never change (D3)."""
    if pk not in _POLICY_ROWS:
        _POLICY_ROWS[pk] = SlaPolicy.objects.get(pk=pk)
    return _POLICY_ROWS[pk]


def calendar_row(pk: int) -> BusinessCalendar:
    if pk not in _CALENDARS:
        _CALENDARS[pk] = BusinessCalendar.objects.get(pk=pk)
    return _CALENDARS[pk]


def calendar_revision_current(row: BusinessCalendar) -> BusinessCalendar:
    """The current revision of `row`'s calendar: same release and code (D3). New tickets freeze
    it; at most one query per release and minute: the current revisions of every calendar of
    the release are read together (a ticket on a 24x7 target outside office hours needs two
    calendars of its release, and they expire together)."""
    key = (row.release_id, row.code)
    cached = _CURRENT_REVISIONS.get(key)
    clock = time.monotonic()
    if cached is not None and cached[0] > clock:
        return cached[1]
    expiry = clock + CURRENT_REVISION_CACHE_SECONDS
    current = row
    for found in BusinessCalendar.objects.filter(
        release_id=row.release_id, is_current_revision=True
    ):
        if found.code == row.code:
            current = row if found.pk == row.pk else found
        else:
            _CURRENT_REVISIONS[(found.release_id, found.code)] = (expiry, found)
    _CURRENT_REVISIONS[key] = (expiry, current)
    return current


def _calendar_revisions_renew(current: str | None) -> None:
    """What `calendar_revision_current` answers for the next CURRENT_REVISION_CACHE_SECONDS for
    the calendars of a release, from the ids of their current revisions just read (a ticket's
    contract read names those of its package's release: a new ticket never reads them apart,
    and never freezes a revision that was just replaced). Rows are cached for good (D3); ones
    not seen yet (a new revision) are read in one query."""
    ids = [int(pk) for pk in current.split(",")] if current else []
    missing = [pk for pk in ids if pk not in _CALENDARS]
    if missing:
        _CALENDARS.update((row.pk, row) for row in BusinessCalendar.objects.filter(pk__in=missing))
    expiry = time.monotonic() + CURRENT_REVISION_CACHE_SECONDS
    for pk in ids:
        row = _CALENDARS.get(pk)
        if row is not None:
            _CURRENT_REVISIONS[(row.release_id, row.code)] = (expiry, row)


def contract_calendar(contract: Contract) -> BusinessCalendar | None:
    """The calendar the contract's clock uses today: its own or its package's, current revision."""
    row = contract.calendar or contract.package.default_calendar
    return calendar_revision_current(row) if row is not None else None


def contract_calendars(contract: Contract) -> list[BusinessCalendar]:
    """Every calendar a clock of the contract may run on, as current revisions: the contract's
    own (or its package's) and those of the SLA targets of its package's policies and of the
    services it purchased. Unique, in that order."""
    targets = SlaTarget.objects.filter(
        Q(policy__packages=contract.package_id) | Q(policy__service__in=contract.services.all())
    )
    rows = [contract.calendar or contract.package.default_calendar]
    rows += list(BusinessCalendar.objects.filter(pk__in=targets.values("calendar_id")))
    unique: dict[int, BusinessCalendar] = {}
    for row in rows:
        if row is not None:
            current = calendar_revision_current(row)
            unique.setdefault(current.pk, current)
    return list(unique.values())


def calendar_revisions(row: BusinessCalendar) -> list[BusinessCalendar]:
    """Every revision of `row`'s calendar in its release, newest first."""
    return list(
        BusinessCalendar.objects.filter(release_id=row.release_id, code=row.code)
        .select_related("revised_by")
        .order_by("-revision")
    )


def _contracts_current_filter(
    queryset: QuerySet[Contract], *, customer_id: int, on: date
) -> QuerySet[Contract]:
    return queryset.filter(
        customer_id=customer_id, status=ContractStatus.ACTIVE, start_date__lte=on
    ).filter(Q(end_date__isnull=True) | Q(end_date__gte=on))


def contracts_current(*, customer_id: int, on: date) -> QuerySet[Contract]:
    """Active contracts whose dates cover `on`."""
    return _contracts_current_filter(
        Contract.objects.all(), customer_id=customer_id, on=on
    ).select_related("package", "provider", "customer", "calendar")


def _submission_candidates(contact: Contact, on: date, contract_id: int | None) -> list[_Candidate]:
    """At most two current contracts of the contact's customer, each with "is this contact a
    submitter" folded in: one plain query, as every ticket of every channel runs it (the ORM's
    own compilation of this query cost more than the database's answer). With each: its own
    escalation policy (or None) and the ids of the current revisions of its package release's
    calendars, which the new ticket uses (`contract_for_submission` renews their caches)."""
    contracts, roles = Contract._meta.db_table, ContactRole._meta.db_table
    marks = ", ".join(["%s"] * len(SUBMITTER_ROLES))
    through = Contract.services.through
    joined = "string_agg" if connection.vendor == "postgresql" else "group_concat"
    service = _column(through, "catalogueservice")
    sql = (
        f"SELECT {joined_select(_JOINED)}, EXISTS (SELECT 1 FROM {roles} r "
        f"WHERE r.contract_id = c.id AND r.contact_id = %s AND r.role IN ({marks})), "
        f"(SELECT {joined}(s.code, ',') FROM {through._meta.db_table} cs "
        f"JOIN {CatalogueService._meta.db_table} s ON s.id = cs.{service} "
        f"WHERE cs.{_column(through, 'contract')} = c.id), "
        f"(SELECT {joined}(CAST(b.id AS TEXT), ',') FROM {BusinessCalendar._meta.db_table} b "
        f"WHERE b.release_id = (SELECT g.release_id FROM {Package._meta.db_table} g "
        "WHERE g.id = c.package_id) AND b.is_current_revision) "
        f"FROM {contracts} c "
        f"JOIN {Provider._meta.db_table} p ON p.id = c.provider_id "
        f"JOIN {Customer._meta.db_table} k ON k.id = c.customer_id "
        f"LEFT JOIN {EscalationPolicy._meta.db_table} e ON e.contract_id = c.id "
        "WHERE c.customer_id = %s AND c.status = %s "
        "AND c.start_date <= %s AND (c.end_date IS NULL OR c.end_date >= %s)"
    )
    params: list[Any] = [contact.pk, *SUBMITTER_ROLES, contact.customer_id]
    params += [ContractStatus.ACTIVE, on, on]
    if contract_id is not None:
        sql += " AND c.id = %s"
        params.append(contract_id)
    found = []
    for rows, (may_submit, codes, calendars) in joined_fetch(sql + " LIMIT 2", params, _JOINED):
        # The ticket (its webhook event, the API's answer) names them without a query.
        contract = rows["c"]
        contract.provider, contract.customer = rows["p"], rows["k"]
        contract.contact_may_submit = bool(may_submit)
        # The codes of the services it purchased (the extended-service rule reads them).
        contract.service_codes = frozenset(codes.split(",")) if codes else frozenset()
        found.append(_Candidate(contract, rows["e"], calendars))
    return found


def _column(model: type[Model], name: str) -> str:
    return str(model._meta.get_field(name).column)  # type: ignore[union-attr]


_JOINED: dict[str, type[Model]] = {
    "c": Contract,
    "p": Provider,
    "k": Customer,
    "e": EscalationPolicy,
}


@dataclass(frozen=True, slots=True)
class _Candidate:
    contract: Contract
    own_policy: EscalationPolicy | None
    current_calendars: str | None  # ids of the current revisions of its release's calendars


def contract_for_submission(
    *, contact: Contact, on: date, contract_id: int | None = None, allow_not_named: bool = False
) -> Contract:
    """The contract under which `contact` may file a ticket today, or a clear refusal (D14).
    `allow_not_named`: a coordinator overrides "not a named contact" (issue #11 §3)."""
    if not contact.is_active:
        raise ContactInactive(
            _("Contact %(email)s is inactive and cannot submit tickets.") % {"email": contact.email}
        )
    found = _submission_candidates(contact, on, contract_id)
    if not found:
        if contract_id is None:
            raise NoCurrentContract(
                _("%(customer)s has no current contract on %(date)s.")
                % {"customer": contact.customer, "date": on.isoformat()}
            )
        raise NoCurrentContract(
            _("%(customer)s has no current contract with id %(id)s on %(date)s.")
            % {"customer": contact.customer, "id": contract_id, "date": on.isoformat()}
        )
    if len(found) > 1:
        raise AmbiguousContract(
            _("%(customer)s has several current contracts; choose one of them.")
            % {"customer": contact.customer}
        )
    contract = found[0].contract
    contract.package = package_row(contract.package_id)
    if contract.calendar_id is not None:
        contract.calendar = calendar_row(contract.calendar_id)
    _calendar_revisions_renew(found[0].current_calendars)
    _escalation_policy_renew(contract, found[0].own_policy)
    named_only = contract.package.requires_named_contact and not allow_not_named
    if named_only and not getattr(contract, "contact_may_submit", False):
        raise NotNamedContact(
            _(
                "%(email)s is not a named contact under contract %(contract)s; "
                "the %(package)s package accepts tickets from named contacts only."
            )
            % {
                "email": contact.email,
                "contract": contract.reference,
                "package": contract.package.name,
            }
        )
    return contract


def contact_is_submitter(*, contact: Contact, contract: Contract) -> bool:
    return ContactRole.objects.filter(
        contact=contact, contract=contract, role__in=SUBMITTER_ROLES
    ).exists()


def sla_policy_targets(*, contract: Contract, policy_code: str = "") -> PolicyTargets | None:
    """The SLA policy for the contract's package (or a chosen extended-service context)."""
    key = (contract.package_id, policy_code)
    if key not in _POLICIES:
        _POLICIES[key] = _policy_targets_load(contract, policy_code)
    result = _POLICIES[key]
    if (
        policy_code
        and result is not None
        and result.policy.service_id is not None
        and not contract.services.filter(pk=result.policy.service_id).exists()
    ):
        raise UnknownPolicy(
            _(
                "Contract %(contract)s does not include %(service)s; "
                "the %(policy)s targets do not apply."
            )
            % {
                "contract": contract.reference,
                "service": result.policy.service,
                "policy": result.policy.name,
            }
        )
    return result


def _policy_targets_load(contract: Contract, policy_code: str) -> PolicyTargets | None:
    release_id = contract.package.release_id
    policies = SlaPolicy.objects.filter(release_id=release_id)
    if policy_code:
        policy = policies.filter(code=policy_code).first()
        if policy is None:
            raise UnknownPolicy(
                _("No SLA policy %(policy)r for contract %(contract)s.")
                % {"policy": policy_code, "contract": contract.reference}
            )
    else:
        policy = policies.filter(packages=contract.package_id, is_default=True).first()
    if policy is None:
        return None
    targets = tuple(SlaTarget.objects.filter(policy=policy).select_related("calendar"))
    return PolicyTargets(policy=policy, targets=targets)


def calendar_current(*, code: str) -> BusinessCalendar:
    """The calendar with `code` in the current catalogue releases."""
    row = (
        BusinessCalendar.objects.filter(code=code, release__is_current=True)
        .select_related("release")
        .first()
    )
    if row is None:
        known = sorted(
            BusinessCalendar.objects.filter(release__is_current=True).values_list("code", flat=True)
        )
        raise UnknownCalendarError(
            f"unknown calendar {code!r}; known calendars: {', '.join(known) or 'none loaded'}"
        )
    return row


def escalation_contacts_for(*, contract: Contract, level: int) -> list[EscalationContact]:
    """Contract-specific contacts for the level if any, else the catalogue's (SPEC §1.4)."""
    return escalation_contacts_of([contract], [level])[(contract.pk, level)]


def named_contact_cap(contract: Contract) -> int | None:
    """The most named contacts the contract allows; None is unlimited (D14, A-24).

    The package sets the cap (Core 10, Advanced 50); a contract may raise it, never lower it
    below the package's entitlement."""
    package_cap = contract.package.named_contact_max
    if package_cap is None:
        return None
    return max(package_cap, contract.named_contact_cap or 0)


def contracts_with_named_count(rows: QuerySet[Contract]) -> QuerySet[Contract]:
    """`rows` with `named_contact_count`: the contacts holding the named-contact role (D14),
    counted against `named_contact_cap` in one query for a whole list."""
    return rows.annotate(
        named_contact_count=Count(
            "contact_roles", filter=Q(contact_roles__role=ContactRoleKind.NAMED_CONTACT)
        )
    )


def contact_role_problem(
    *, contact: Contact, contract: Contract, role: str, named_contacts_after: int | None = None
) -> str | None:
    """Why `contact` cannot hold `role` under `contract`, or None if it can.

    `named_contacts_after` lets a form check a whole set of roles at once; by default the
    stored roles plus this one are counted."""
    if contact.customer_id != contract.customer_id:
        return _(
            "%(name)s works for %(customer)s, not for %(contract_customer)s; "
            "roles are only granted within the contract's own organisation."
        ) % {
            "name": contact.name,
            "customer": contact.customer,
            "contract_customer": contract.customer,
        }
    if role == ContactRoleKind.NAMED_CONTACT:
        cap = named_contact_cap(contract)
        if named_contacts_after is None:
            named_contacts_after = (
                ContactRole.objects.filter(contract=contract, role=role)
                .exclude(contact=contact)
                .count()
                + 1
            )
        if cap is not None and named_contacts_after > cap:
            return _(
                "Contract %(contract)s allows %(cap)s named contacts (%(package)s); "
                "raise the contract's cap to add more."
            ) % {"contract": contract.reference, "cap": cap, "package": contract.package.name}
    if role == ContactRoleKind.SUPPORT_SERVICES_MANAGER:
        other = (
            ContactRole.objects.filter(contract=contract, role=role)
            .exclude(contact=contact)
            .select_related("contact")
            .first()
        )
        if other is not None:
            return _(
                "Contract %(contract)s already has a support services manager: "
                "%(name)s. There is exactly one."
            ) % {"contract": contract.reference, "name": other.contact.name}
    return None


def contract_escalation_problems(contract: Contract) -> list[str]:
    """Configuration gaps a coordinator should fix before an escalation needs them."""
    problems = []
    for level in (1, 2):
        if not any(c.email for c in escalation_contacts_for(contract=contract, level=level)):
            problems.append(
                _("no level-%(level)s escalation contact with an email address") % {"level": level}
            )
    if contract.csam is not None and not contract.csam.email:
        problems.append(_("the customer success account manager has no email address"))
    return problems


def entitlement_balances(contract: Contract) -> dict[str, Decimal]:
    """Balance per entitlement, derived from the ledger (D20); only kinds with movements."""
    rows = (
        EntitlementMovement.objects.filter(contract=contract)
        .values("kind")
        .annotate(balance=Sum("quantity"))
        .order_by("kind")
    )
    return {row["kind"]: row["balance"] for row in rows}


def contract_date_problems(
    *,
    start: date | None,
    go_live: date | None,
    end: date | None,
    renewal: date | None,
    notice_deadline: date | None,
) -> dict[str, str]:
    """Inconsistent contract dates, per field (D18): go-live and renewal within the term,
    the notice deadline before what it gives notice of."""
    problems: dict[str, str] = {}
    if start and end and end < start:
        problems["end_date"] = _("The end date is before the start date.")
    if start and go_live and go_live < start:
        problems["go_live_date"] = _("Go-live cannot be before the start date.")
    elif end and go_live and go_live > end:
        problems["go_live_date"] = _("Go-live cannot be after the end date.")
    if renewal and start and renewal <= start:
        problems["renewal_date"] = _("The renewal date must be after the start date.")
    elif renewal and go_live and renewal <= go_live:
        problems["renewal_date"] = _("The renewal date must be after go-live.")
    if notice_deadline is None:
        return problems
    if start and notice_deadline < start:
        problems["renewal_notice_deadline"] = _(
            "The notice deadline cannot be before the start date."
        )
    elif renewal and notice_deadline >= renewal:
        problems["renewal_notice_deadline"] = _(
            "The notice deadline must be before the renewal date (%(date)s)."
        ) % {"date": renewal.isoformat()}
    elif not renewal and end and notice_deadline > end:
        problems["renewal_notice_deadline"] = _(
            "The notice deadline cannot be after the end date (%(date)s)."
        ) % {"date": end.isoformat()}
    elif not renewal and not end:
        problems["renewal_notice_deadline"] = _(
            "A notice deadline needs a renewal date or an end date to give notice before."
        )
    return problems


def contract_manager_missing(contract: Contract) -> bool:
    """An active contract whose package needs a support services manager has none (D14)."""
    return (
        contract.package.requires_support_services_manager
        and contract.status == ContractStatus.ACTIVE
        and not ContactRole.objects.filter(
            contract=contract, role=ContactRoleKind.SUPPORT_SERVICES_MANAGER
        ).exists()
    )


def contact_is_manager(contact: Contact) -> bool:
    """The support services manager of any of the organisation's contracts: sees all of its
    tickets and keeps its manager pages (API tokens, events, phone codes, remote access)."""
    return ContactRole.objects.filter(
        contact=contact, role=ContactRoleKind.SUPPORT_SERVICES_MANAGER
    ).exists()


def contact_change_requests_pending(customer_id: int) -> int:
    return ContactChangeRequest.objects.filter(
        customer_id=customer_id, status=ContactChangeStatus.PENDING
    ).count()
