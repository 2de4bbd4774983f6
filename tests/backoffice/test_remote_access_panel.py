"""The work page's remote-access panel (SPEC SEC-04): the ticket's customer's active grants with
the time left, an expired one as expired (with when), a revoked one as revoked, and a clear
warning when there is no active grant. Another customer's grants never show."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.urls import reverse

from contracts.services.access import remote_access_revoke
from tests.access_support import NOW, GrantCustomer, grant_customer, granted, three_grants
from tests.backoffice.conftest import english_client, staff
from tests.tickets.helpers import create_ticket
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def alfa() -> GrantCustomer:
    return grant_customer("alfa")


def _ticket(who: GrantCustomer) -> Ticket:
    return create_ticket(who.named, NOW, subject="Server traag")


def _page(ticket: Ticket, role: str = "second") -> str:
    client = english_client(staff(role))
    response = client.get(reverse("admin:tickets_ticket_change", args=[ticket.pk]))
    assert response.status_code == 200
    return str(response.content.decode())


def test_the_work_page_shows_active_expired_and_revoked_grants(alfa: GrantCustomer) -> None:
    active, expired, revoked = three_grants(alfa)

    page = _page(_ticket(alfa))

    assert f'class="grant grant-active" id="grant-{active.pk}"' in page
    assert "erp-prod-01</strong>: logs lezen" in page
    assert "Active until 22 June 2026 10:00 (days left: 7)." in page
    assert f'class="grant grant-expired" id="grant-{expired.pk}"' in page
    assert "Expired on 14 June 2026 10:00." in page
    assert f'class="grant grant-revoked" id="grant-{revoked.pk}"' in page
    assert "Revoked on 15 June 2026 09:00 by Alfa Manager." in page
    assert 'id="no-active-grant"' not in page


def test_without_an_active_grant_the_page_says_no_remote_session(alfa: GrantCustomer) -> None:
    grant = granted(alfa, "erp-prod-01")
    remote_access_revoke(grant=grant, by=alfa.manager, now=NOW)

    page = _page(_ticket(alfa), role="first")

    assert 'id="no-active-grant"' in page
    assert "do not open a remote session" in page


def test_another_customers_grants_do_not_show(alfa: GrantCustomer) -> None:
    bravo = grant_customer("bravo")
    granted(bravo, "bravo-geheime-server")

    page = _page(_ticket(alfa))

    assert "bravo-geheime-server" not in page
    assert 'id="no-active-grant"' in page


def test_the_panel_costs_the_same_queries_for_one_grant_or_many(
    alfa: GrantCustomer, django_assert_max_num_queries: Any
) -> None:
    ticket = _ticket(alfa)
    client = english_client(staff("second"))
    url = reverse("admin:tickets_ticket_change", args=[ticket.pk])
    granted(alfa, "server-0")
    client.get(url)
    with django_assert_max_num_queries(200) as one:
        client.get(url)
    for n in range(1, 8):
        granted(alfa, f"server-{n}")

    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(url)


def test_a_coordinator_revokes_a_grant_in_the_admin_list(alfa: GrantCustomer) -> None:
    grant = granted(alfa, "erp-prod-01")
    coordinator = staff("coordinator")
    url = reverse("admin:contracts_remoteaccessgrant_changelist")

    response = english_client(coordinator).post(
        url, {"action": "revoke_selected", "_selected_action": [grant.pk]}, follow=True
    )

    grant.refresh_from_db()
    assert (grant.revoked_at, grant.revoked_by_user) == (NOW, coordinator)
    assert "Grants revoked: 1." in response.content.decode()


def test_an_engineer_reads_the_admin_list_without_the_revoke_action(alfa: GrantCustomer) -> None:
    granted(alfa, "erp-prod-01")
    client = english_client(staff("second"))

    page = client.get(reverse("admin:contracts_remoteaccessgrant_changelist") + "?state=active")

    assert page.status_code == 200
    assert "erp-prod-01" in page.content.decode()
    assert "revoke_selected" not in page.content.decode()
