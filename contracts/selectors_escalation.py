"""Who escalates how, for many contracts at once (DECISIONS D10, SPEC §1.4).

A contract's own escalation policy and contacts, else its package's in the catalogue. The
sweep reads them for a page of tickets of many contracts: each read here takes the same few
queries for one contract as for a hundred (`escalation_policy_for` and
`escalation_contacts_for` in contracts.selectors are these, for one).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django.db.models import F, Model, Q

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


def escalation_policies_for(contracts: Iterable[Contract]) -> dict[int, EscalationPolicy]:
    """Each contract's own policy, else the catalogue's for its package (the first by id),
    else D10's defaults; one query: the own rows and the catalogue rows of the packages'
    releases together (a new ticket reads its contract's once a minute, the sweep a page's)."""
    by_pk = {contract.pk: contract for contract in contracts}
    if not by_pk:
        return {}
    releases = Package.objects.filter(pk__in={c.package_id for c in by_pk.values()})
    rows = list(
        EscalationPolicy.objects.filter(
            Q(contract_id__in=by_pk) | Q(release_id__in=releases.values("release_id"))
        )
        .annotate(linked=F("packages"))
        .order_by("pk")
    )
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
    contracts: Iterable[Contract], levels: Iterable[int]
) -> dict[tuple[int, int], list[EscalationContact]]:
    """(contract, level) -> its contract-specific contacts if any, else the catalogue's for
    its package; two queries at most."""
    by_pk = {contract.pk: contract for contract in contracts}
    wanted = sorted(set(levels))
    order = ("level", "role", "pk")
    own: dict[tuple[int, int], list[EscalationContact]] = {}
    for row in EscalationContact.objects.filter(contract_id__in=by_pk, level__in=wanted).order_by(
        *order
    ):
        own.setdefault((row.contract_id or 0, row.level), []).append(row)
    missing = [(c, level) for c in by_pk.values() for level in wanted if (c.pk, level) not in own]
    rows: list[EscalationContact] = []
    if missing:
        releases = {contract.package.release_id for contract, _ in missing}
        rows = list(
            EscalationContact.objects.filter(release_id__in=releases, level__in=wanted)
            .annotate(linked=F("packages"))
            .order_by(*order)
        )
    found = dict(own)
    for contract, level in missing:
        of_level = [row for row in rows if row.level == level]
        found[(contract.pk, level)] = _catalogue_choice(of_level, contract)
    return found
