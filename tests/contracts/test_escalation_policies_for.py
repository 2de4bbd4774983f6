"""Who escalates how, for many contracts in one query (contracts.selectors_escalation, D10): a
contract's own policy wins, else its package's catalogue policy, else D10's defaults; another
contract's own policy is never anyone else's, and a catalogue policy linked to one package is
not another package's."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contracts.models import Contract, EscalationPolicy
from contracts.selectors_escalation import escalation_policies_for
from tests.factories import ContractFactory

pytestmark = pytest.mark.django_db


def _fresh(contract: Contract) -> Contract:
    return Contract.objects.select_related("package").get(pk=contract.pk)


def test_own_then_the_packages_catalogue_policy_then_the_defaults_in_one_query() -> None:
    own = ContractFactory(provider_code="onitnow", package_code="ons")
    catalogue = ContractFactory(provider_code="onitnow", package_code="ons")
    other = ContractFactory(provider_code="cbg", package_code="basis")
    mine = EscalationPolicy.objects.create(contract=own, warning_percent=50)
    release = own.package.release
    EscalationPolicy.objects.filter(release=release).delete()  # the loaded catalogue's
    ons = EscalationPolicy.objects.create(release=release, warning_percent=60)
    ons.packages.add(own.package)
    elsewhere = [p for p in release.packages.all() if p.pk != own.package_id]
    if elsewhere:  # a catalogue policy of another package of the release is not ons's
        EscalationPolicy.objects.create(release=release, warning_percent=70).packages.add(
            elsewhere[0]
        )
    EscalationPolicy.objects.filter(release=other.package.release).delete()
    contracts = [_fresh(own), _fresh(catalogue), _fresh(other)]
    with CaptureQueriesContext(connection) as ctx:
        found = escalation_policies_for(contracts)
    assert len(ctx.captured_queries) == 1
    assert found[own.pk].pk == mine.pk
    assert found[catalogue.pk].pk == ons.pk
    assert found[other.pk].pk is None  # its release's catalogue policies were removed
    assert found[other.pk].warning_percent == EscalationPolicy().warning_percent


def test_a_policy_for_every_package_of_a_release_is_each_ones() -> None:
    contract = ContractFactory(provider_code="onitnow", package_code="ons")
    EscalationPolicy.objects.filter(release=contract.package.release).delete()
    everyone = EscalationPolicy.objects.create(release=contract.package.release, warning_percent=80)
    someone = ContractFactory(provider_code="onitnow", package_code="ons")
    EscalationPolicy.objects.create(contract=someone, warning_percent=40)
    found = escalation_policies_for([_fresh(contract), _fresh(someone)])
    assert found[contract.pk].pk == everyone.pk
    assert found[someone.pk].warning_percent == 40
    assert escalation_policies_for([]) == {}


def test_a_new_tickets_contract_read_brings_its_own_policy_whole() -> None:
    """The contract read of a new ticket joins the contract's own policy (issue #16): every
    field as the ORM reads it, its lists too; without one, the catalogue's."""
    from contracts.selectors import contract_for_submission, escalation_policy_cached
    from tests.factories import named_contact

    own = ContractFactory(provider_code="onitnow", package_code="ons")
    other = ContractFactory(provider_code="onitnow", package_code="ons")
    mine = EscalationPolicy.objects.create(
        contract=own, warning_percent=40, level1_on_create_levels=["top", "2"]
    )
    on = date(2026, 6, 1)

    read = escalation_policy_cached(contract_for_submission(contact=named_contact(own), on=on))
    catalogue = escalation_policy_cached(
        contract_for_submission(contact=named_contact(other), on=on)
    )

    assert (read.pk, read.warning_percent, read.level1_on_create_levels) == (
        mine.pk,
        40,
        ["top", "2"],
    )
    assert (catalogue.contract_id, catalogue.pk) == (
        None,
        escalation_policies_for([_fresh(other)])[other.pk].pk,
    )
