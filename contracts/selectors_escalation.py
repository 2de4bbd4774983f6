"""Who escalates how, for many contracts at once (DECISIONS D10, SPEC §1.4).

A contract's own escalation policy and contacts, else its package's in the catalogue. The
sweep reads them for a page of tickets of many contracts: each read here takes the same few
queries for one contract as for a hundred (`escalation_policy_for` and
`escalation_contacts_for` in contracts.selectors are these, for one).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar, cast

from django.db.models import F, Model, Q, QuerySet

from contracts.models import Contract, EscalationContact, EscalationPolicy, Package

M = TypeVar("M", bound=Model)


def _catalogue_choice(rows: list[M], contract: Contract) -> list[M]:
    """The catalogue rows of the contract's package, in query order, each once: `rows` carry
    `linked`, one of their packages (None: a row for every package of its release)."""
    chosen: dict[int, M] = {}
    for row in rows:
        fields: Any = row  # a catalogue row, with its annotation
        if fields.release_id != contract.package.release_id:
            continue
        if fields.linked is None or fields.linked == contract.package_id:
            chosen.setdefault(row.pk, row)
    return list(chosen.values())


def _own_and_catalogue(model: type[M], contracts: dict[int, Contract]) -> QuerySet[M]:
    """The contracts' own rows of `model` and the catalogue rows of their packages' releases,
    each catalogue row with `linked` (see `_catalogue_choice`)."""
    releases = Package.objects.filter(pk__in={c.package_id for c in contracts.values()})
    rows = model._default_manager.filter(
        Q(contract_id__in=contracts) | Q(release_id__in=releases.values("release_id"))
    )
    return cast("QuerySet[M]", rows.annotate(linked=F("packages")))


def escalation_policies_for(contracts: Iterable[Contract]) -> dict[int, EscalationPolicy]:
    """Each contract's own policy, else the catalogue's for its package (the first by id),
    else D10's defaults; one query: the own rows and the catalogue rows of the packages'
    releases together (a new ticket reads its contract's once a minute, the sweep a page's)."""
    by_pk = {contract.pk: contract for contract in contracts}
    if not by_pk:
        return {}
    rows = list(_own_and_catalogue(EscalationPolicy, by_pk).order_by("pk"))
    found: dict[int, EscalationPolicy] = {}
    for policy in rows:
        if policy.contract_id is not None:
            found.setdefault(policy.contract_id, policy)
    catalogue = [row for row in rows if row.contract_id is None]
    for pk, contract in by_pk.items():
        if pk not in found:
            chosen = _catalogue_choice(catalogue, contract)
            found[pk] = chosen[0] if chosen else EscalationPolicy()
    return found


def escalation_contacts_of(
    contracts: Iterable[Contract], levels: Iterable[int], **columns: Any
) -> dict[tuple[int, int], list[EscalationContact]]:
    """(contract, level) -> its contract-specific contacts if any, else the catalogue's for
    its package; one query: the own rows and the catalogue rows of the packages' releases
    together (the sweep reads a page's, a ticket paged on call its contract's). `columns`:
    annotations each row carries, read in that query (a layer above this one names what it
    knows of a contact's address, such as its staff member's language)."""
    by_pk = {contract.pk: contract for contract in contracts}
    wanted = sorted(set(levels))
    if not by_pk or not wanted:
        return {}
    rows = list(
        _own_and_catalogue(EscalationContact, by_pk)
        .filter(level__in=wanted)
        .annotate(**columns)
        .order_by("level", "role", "pk")
    )
    own: dict[tuple[int, int], dict[int, EscalationContact]] = {}
    for row in rows:
        if row.contract_id is not None:
            own.setdefault((row.contract_id, row.level), {}).setdefault(row.pk, row)
    found = {key: list(chosen.values()) for key, chosen in own.items()}
    catalogue = [row for row in rows if row.contract_id is None]
    for contract in by_pk.values():
        for level in wanted:
            if (contract.pk, level) not in found:
                of_level = [row for row in catalogue if row.level == level]
                found[(contract.pk, level)] = _catalogue_choice(of_level, contract)
    return found
