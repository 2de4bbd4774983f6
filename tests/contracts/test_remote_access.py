"""Remote-access grants (SPEC SEC-04, D17): only the customer's manager grants and revokes,
for at most 90 days and into the future, one identical active grant at a time; a revocation
is recorded once; the state (active, expired, revoked) follows from time."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from contracts.models import GrantState, RemoteAccessGrant
from contracts.selectors_access import grant_state_words, remote_access_panel
from contracts.services.access import (
    RemoteAccessRefused,
    remote_access_grant,
    remote_access_revoke,
)
from tests.access_support import NOW, GrantCustomer, grant_customer, granted, three_grants
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def alfa() -> GrantCustomer:
    return grant_customer("alfa")


@pytest.fixture
def bravo() -> GrantCustomer:
    return grant_customer("bravo")


def test_the_manager_grants_access_to_a_system_until_a_moment(alfa: GrantCustomer) -> None:
    grant = granted(alfa, "  erp-prod-01\u200b ", scope="logs lezen")

    assert (grant.system, grant.scope, grant.customer_id) == (
        "erp-prod-01",
        "logs lezen",
        alfa.contract.customer_id,
    )
    assert (grant.granted_by, grant.granted_at, grant.contract) == (
        alfa.manager,
        NOW,
        alfa.contract,
    )
    assert grant.state(NOW) == GrantState.ACTIVE


@pytest.mark.usefixtures("english")
def test_a_plain_named_contact_may_not_grant_access(alfa: GrantCustomer) -> None:
    with pytest.raises(RemoteAccessRefused, match="support services manager"):
        remote_access_grant(
            contact=alfa.named,
            system="erp",
            scope="logs",
            expires_at=NOW + timedelta(days=1),
            now=NOW,
        )
    assert RemoteAccessGrant.objects.count() == 0


@pytest.mark.usefixtures("english")
def test_an_inactive_manager_may_not_grant_access(alfa: GrantCustomer) -> None:
    alfa.manager.is_active = False
    alfa.manager.save()

    with pytest.raises(RemoteAccessRefused, match="support services manager"):
        granted(alfa, "erp")


@pytest.mark.usefixtures("english")
@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"system": " \u200b "}, "system", "Name the system"),
        ({"scope": ""}, "scope", "Say what our engineers may do"),
        ({"system": "x" * 201}, "system", "at most 200 characters"),
        ({"expires_at": NOW}, "expires_at", "must end in the future"),
        ({"expires_at": NOW - timedelta(hours=1)}, "expires_at", "must end in the future"),
        ({"expires_at": NOW + timedelta(days=90, seconds=1)}, "expires_at", "at most 90 days"),
    ],
)
def test_a_grant_is_refused_with_the_field_at_fault(
    alfa: GrantCustomer, fields: dict[str, object], field: str, words: str
) -> None:
    given: dict[str, object] = {
        "system": "erp",
        "scope": "logs",
        "expires_at": NOW + timedelta(days=1),
        **fields,
    }
    with pytest.raises(RemoteAccessRefused, match=words) as refused:
        remote_access_grant(contact=alfa.manager, now=NOW, **given)

    assert refused.value.field == field
    assert RemoteAccessGrant.objects.count() == 0


def test_ninety_days_exactly_is_allowed(alfa: GrantCustomer) -> None:
    grant = granted(alfa, "erp", days=90)

    assert grant.expires_at == NOW + timedelta(days=90)


@pytest.mark.usefixtures("english")
def test_another_customers_contract_is_refused(alfa: GrantCustomer, bravo: GrantCustomer) -> None:
    with pytest.raises(RemoteAccessRefused, match="not your organisation's") as refused:
        remote_access_grant(
            contact=alfa.manager,
            system="erp",
            scope="logs",
            expires_at=NOW + timedelta(days=1),
            now=NOW,
            contract=bravo.contract,
        )
    assert refused.value.field == "contract"


@pytest.mark.usefixtures("english")
def test_the_same_access_sent_twice_is_recorded_once(alfa: GrantCustomer) -> None:
    granted(alfa, "erp-prod-01", scope="Logs lezen")

    with pytest.raises(RemoteAccessRefused, match="already has this access"):
        granted(alfa, "ERP-prod-01", scope="logs lezen", days=3)
    assert RemoteAccessGrant.objects.count() == 1


def test_another_scope_on_the_same_system_is_its_own_grant(alfa: GrantCustomer) -> None:
    granted(alfa, "erp-prod-01", scope="logs lezen")
    granted(alfa, "erp-prod-01", scope="beheersessie")

    assert RemoteAccessGrant.objects.active(NOW).count() == 2


def test_after_its_end_a_grant_is_expired_and_may_be_granted_again(alfa: GrantCustomer) -> None:
    old = granted(alfa, "erp", days=1)
    later = NOW + timedelta(days=1)

    again = granted(alfa, "erp", at=later, days=1)

    assert old.state(later) == GrantState.EXPIRED
    assert again.state(later) == GrantState.ACTIVE


def test_the_manager_revokes_a_grant_at_once(alfa: GrantCustomer) -> None:
    grant = granted(alfa, "erp")
    at = NOW + timedelta(hours=1)

    grant = remote_access_revoke(grant=grant, by=alfa.manager, now=at, reason=" klaar ")

    assert (grant.revoked_at, grant.revoked_by_contact, grant.revoke_reason) == (
        at,
        alfa.manager,
        "klaar",
    )
    assert grant.state(at) == GrantState.REVOKED
    assert RemoteAccessGrant.objects.active(at).count() == 0


@pytest.mark.usefixtures("english")
def test_revoking_twice_is_refused_and_keeps_the_first_revocation(alfa: GrantCustomer) -> None:
    grant = granted(alfa, "erp")
    first = NOW + timedelta(hours=1)
    remote_access_revoke(grant=grant, by=alfa.manager, now=first)
    staff = UserFactory(username="coordinator-x")

    with pytest.raises(RemoteAccessRefused, match="revoked already"):
        remote_access_revoke(grant=grant, by=staff, now=first + timedelta(minutes=5))

    grant.refresh_from_db()
    assert (grant.revoked_at, grant.revoked_by_contact, grant.revoked_by_user) == (
        first,
        alfa.manager,
        None,
    )


@pytest.mark.usefixtures("english")
def test_an_expired_grant_needs_no_revoking(alfa: GrantCustomer) -> None:
    grant = granted(alfa, "erp", days=1)

    with pytest.raises(RemoteAccessRefused, match="run out already"):
        remote_access_revoke(grant=grant, by=alfa.manager, now=NOW + timedelta(days=2))
    grant.refresh_from_db()
    assert grant.revoked_at is None


@pytest.mark.usefixtures("english")
def test_neither_a_named_contact_nor_another_customers_manager_may_revoke(
    alfa: GrantCustomer, bravo: GrantCustomer
) -> None:
    grant = granted(alfa, "erp")

    for who in (alfa.named, bravo.manager):
        with pytest.raises(RemoteAccessRefused, match="support services manager"):
            remote_access_revoke(grant=grant, by=who, now=NOW)
    grant.refresh_from_db()
    assert grant.revoked_at is None


def test_provider_staff_may_revoke_a_grant(alfa: GrantCustomer) -> None:
    grant = granted(alfa, "erp")
    staff = UserFactory(username="coordinator-y")

    grant = remote_access_revoke(grant=grant, by=staff, now=NOW, reason="telefonisch")

    assert (grant.revoked_by_user, grant.revoked_by_contact) == (staff, None)


def test_the_database_refuses_an_end_before_the_grant(alfa: GrantCustomer) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        RemoteAccessGrant.objects.create(
            customer=alfa.contract.customer,
            system="erp",
            scope="logs",
            granted_by=alfa.manager,
            granted_at=NOW,
            expires_at=NOW,
        )


def test_naive_times_are_refused(alfa: GrantCustomer) -> None:
    with pytest.raises(ValueError, match="aware"):
        remote_access_grant(
            contact=alfa.manager,
            system="erp",
            scope="logs",
            expires_at=NOW.replace(tzinfo=None) + timedelta(days=1),
            now=NOW,
        )


def test_the_queryset_and_the_row_agree_on_each_state(alfa: GrantCustomer) -> None:
    active, expired, revoked = three_grants(alfa)
    rows = RemoteAccessGrant.objects.all()

    assert list(rows.active(NOW)) == [active]
    assert list(rows.expired(NOW)) == [expired]
    assert list(rows.revoked()) == [revoked]
    assert [g.state(NOW) for g in (active, expired, revoked)] == [
        GrantState.ACTIVE,
        GrantState.EXPIRED,
        GrantState.REVOKED,
    ]


@pytest.mark.usefixtures("english")
def test_the_state_in_words_tells_the_days_left_or_when_it_ended(alfa: GrantCustomer) -> None:
    active, expired, revoked = three_grants(alfa)
    short = granted(alfa, "printer", days=0.2)

    with timezone.override(ZoneInfo("Europe/Amsterdam")):  # as the pages show it
        words = [grant_state_words(g, NOW) for g in (active, short, expired, revoked)]

    assert words == [
        "Active until 22 June 2026 10:00 (days left: 7).",
        "Active until today 14:48.",
        "Expired on 14 June 2026 10:00.",
        "Revoked on 15 June 2026 09:00 by Alfa Manager.",
    ]


def test_the_work_panel_lists_active_grants_and_the_ended_ones_in_two_queries(
    alfa: GrantCustomer, bravo: GrantCustomer, django_assert_num_queries: Any
) -> None:
    active, expired, revoked = three_grants(alfa)
    granted(bravo, "bravo-server")

    with django_assert_num_queries(2):
        panel = remote_access_panel(alfa.contract.customer_id, NOW)

    assert [row.grant for row in panel.active] == [active]
    assert [row.grant for row in panel.ended] == [revoked, expired]


def test_a_grant_and_a_revocation_are_logged(
    alfa: GrantCustomer, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="contracts.access"):
        grant = granted(alfa, "erp", scope="geheime beheersessie")
        remote_access_revoke(grant=grant, by=alfa.manager, now=NOW)

    assert [r.getMessage().split(":")[0] for r in caplog.records] == [
        "remote access granted",
        "remote access revoked",
    ]
    assert "geheime" not in caplog.text
