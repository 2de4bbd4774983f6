"""Availability in the back-office (issue #15 §1): a contract's page per month or period, the
overview of this month's broken promises, and "Open outage" on a disruption's work page."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from availability.models import Outage
from tests.availability.world import cloud_service, record_outage
from tests.backoffice.conftest import english_client, staff
from tests.factories import ContractFactory, named_contact
from tests.tickets.helpers import create_ticket

pytestmark = pytest.mark.django_db

AMS = ZoneInfo("Europe/Amsterdam")
NOVEMBER = datetime(2025, 11, 12, 10, tzinfo=AMS)  # a Wednesday, in office hours


def _page(contract_pk: int, query: str = "") -> str:
    return reverse("backoffice:contract-availability", args=[contract_pk]) + query


def test_a_month_shows_the_breach_and_the_outages_counted_and_left_out() -> None:
    service = cloud_service()
    record_outage(service, NOVEMBER, 8 * 3600, description="Storing koppeling")
    record_outage(
        service,
        NOVEMBER + timedelta(days=7),
        3600,
        exclusion_reason="third_party_telecom",
        description="Glasvezel KPN",
    )
    response = english_client(staff("ssm")).get(_page(service.contract.pk, "?month=2025-11"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Availability promises broken: 1" in page
    assert "availability in office hours" in page
    assert "no: failure of a third party&#x27;s telecom" in page
    assert "Storing koppeling" in page


def test_a_period_shows_each_month_and_a_kept_promise() -> None:
    service = cloud_service()
    response = english_client(staff("first")).get(
        _page(service.contract.pk, "?start=2025-10&end=2025-12")
    )
    page = response.content.decode()
    assert [m in page for m in ("October 2025", "November 2025", "December 2025")] == [True] * 3
    assert "Every availability promise was kept in this period." in page


def test_a_month_that_is_no_month_says_so_and_shows_this_month() -> None:
    service = cloud_service()
    response = english_client(staff("coordinator")).get(
        _page(service.contract.pk, "?month=2025-13")
    )
    assert "Give the month as YYYY-MM." in response.content.decode()


def test_the_page_reads_in_dutch() -> None:
    service = cloud_service()
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    client.force_login(staff("ssm"))
    response = client.get(_page(service.contract.pk, "?month=2025-11"))
    assert response.status_code == 200
    assert "november 2025" in response.content.decode()


def test_a_csam_finds_only_their_own_contracts_page() -> None:
    csam = staff("csam")
    own = cloud_service(csam=csam)
    other = cloud_service()
    client = english_client(csam)
    assert client.get(_page(own.contract.pk)).status_code == 200
    assert client.get(_page(other.contract.pk)).status_code == 404


def test_the_overview_lists_contracts_with_services_and_this_months_breaches() -> None:
    service = cloud_service()
    now = timezone.now()
    month_start = now.astimezone(AMS).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    record_outage(service, month_start, int((now - month_start).total_seconds()) // 2)
    page = english_client(staff("officer")).get(reverse("backoffice:availability")).content
    assert service.contract.reference.encode() in page
    assert b'class="bo-below"' in page


def test_the_contract_and_the_dashboard_link_to_availability() -> None:
    service = cloud_service()
    client = english_client(staff("coordinator"))
    contract_page = client.get(
        reverse("admin:contracts_contract_change", args=[service.contract.pk])
    )
    dashboard = client.get(reverse("backoffice:dashboard"))
    assert b'id="availability-link"' in contract_page.content
    assert b'id="availability-overview-link"' in dashboard.content


# --- the work page's Open outage -----------------------------------------------------------


def _work(ticket_pk: int) -> str:
    return reverse("admin:tickets_ticket_change", args=[ticket_pk])


def _disruption(contract: object) -> object:
    return create_ticket(
        named_contact(contract),
        timezone.now() - timedelta(minutes=40),
        impact_scope="multiple_users",
    )


def test_a_coordinator_opens_an_outage_from_a_disruption() -> None:
    service = cloud_service()
    ticket = _disruption(service.contract)
    client = english_client(staff("coordinator"))
    assert b'id="outage-open"' in client.get(_work(ticket.pk)).content
    start = timezone.localtime(ticket.created_at).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        _work(ticket.pk),
        {"do": "outage_open", "outage_open-service": service.pk, "outage_open-start": start},
        follow=True,
    )
    outage = Outage.objects.get(tickets=ticket)
    assert (outage.service, outage.end) == (service, None)
    assert b"Outage of Integratiedienst opened." in response.content
    assert b'id="linked-outage"' in response.content


def test_a_second_disruption_joins_the_ongoing_outage() -> None:
    service = cloud_service()
    first, second = _disruption(service.contract), _disruption(service.contract)
    client = english_client(staff("first"))
    start = timezone.localtime(first.created_at).strftime("%Y-%m-%dT%H:%M")
    for ticket in (first, second):
        response = client.post(
            _work(ticket.pk),
            {"do": "outage_open", "outage_open-service": service.pk, "outage_open-start": start},
            follow=True,
        )
    assert Outage.objects.count() == 1
    assert b"The ticket joins the ongoing outage of Integratiedienst." in response.content


def test_a_ticket_of_one_user_or_a_reading_role_is_not_offered_an_outage() -> None:
    service = cloud_service()
    single = create_ticket(named_contact(service.contract), timezone.now() - timedelta(minutes=5))
    disruption = _disruption(service.contract)
    coordinator, ssm = english_client(staff("coordinator")), english_client(staff("ssm"))
    assert b'id="outage-open"' not in coordinator.get(_work(single.pk)).content
    assert b'id="outage-open"' not in ssm.get(_work(disruption.pk)).content


def test_a_contract_without_services_is_not_offered_an_outage() -> None:
    ticket = _disruption(ContractFactory())
    page = english_client(staff("coordinator")).get(_work(ticket.pk)).content
    assert b'id="outage-open"' not in page
