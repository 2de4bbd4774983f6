"""Issue #14 §4, dashboard: fair use per CBG organisation (minutes per licence against twice
the mean of the others, as an accessible SVG chart and a table) and per Microsoft work order
the credits and EDE hours left with the days to the 60-day request deadline; a fixed number of
queries for any number of organisations; a CSAM sees only their own contracts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.backoffice.conftest import english_client, staff
from tests.factories import ContractFactory, CustomerFactory, named_contact
from tests.tickets.helpers import ams, create_ticket
from tests.usage.factories import ContractBillingFactory, work
from tests.usage.pages_world import world_build
from usage.selectors_pages import fair_use_month

pytestmark = pytest.mark.django_db

NOW = ams("2026-06-15 10:00")
DASHBOARD = reverse("backoffice:dashboard") + "?month=2026-05"


@pytest.fixture
def world():
    return world_build()


def _get(client: Client, url: str = DASHBOARD) -> str:
    with time_machine.travel(NOW, tick=False):
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _section(html: str, anchor: str) -> str:
    return html.split(f'id="{anchor}"')[1].split("</section>")[0]


def test_the_fair_use_chart_marks_twice_the_mean_of_the_others(world):
    html = _get(english_client(staff("coordinator")))

    section = _section(html, "fair-use")
    assert 'role="img"' in section
    assert section.count('class="threshold"') == 2
    assert "Alfa Bouw B.V. (CBG-ALFA)" in section
    table = _section(html, "fair-use").split('id="fair-use-table"')[1]
    alfa, bravo = table.split("<tr")[2:4]
    assert ">600<" in alfa
    assert ">60.0<" in alfa
    assert ">10.0<" in alfa  # twice Bravo's 5.0
    assert "bo-alert" in alfa
    assert ">5.0<" in bravo
    assert ">120.0<" in bravo
    assert "bo-alert" not in bravo


def test_the_microsoft_work_order_shows_what_is_left_and_the_days_to_the_deadline(world):
    html = _get(english_client(staff("ssm")))

    section = _section(html, "microsoft-balances")
    assert "MS-ALFA" in section
    assert ">75<" in section
    assert ">37.50<" in section
    assert ">139<" in section  # 1 November 2026 (31 December - 60 days) - 15 June 2026


def test_a_passed_request_deadline_reads_as_passed_on_its_day(world):
    world.microsoft.end_date = date(2026, 8, 1)  # deadline 2 June 2026
    world.microsoft.save(update_fields=["end_date"])

    section = _section(_get(english_client(staff("coordinator"))), "microsoft-balances")

    assert "passed on 2 June 2026" in section


def test_the_usage_sections_read_in_dutch(world):
    client = Client()
    client.force_login(staff("coordinator"))

    html = _get(client)

    assert '<html lang="nl"' in html
    assert 'id="fair-use"' in html
    assert ">ja<" in _section(html, "fair-use")
    assert "MS-ALFA" in _section(html, "microsoft-balances")


def test_a_csam_sees_only_their_own_organisations(world):
    csam = staff("csam")
    world.alfa.csam = csam
    world.alfa.save(update_fields=["csam"])

    html = _get(english_client(csam))

    section = _section(html, "fair-use")
    assert "CBG-ALFA" in section
    assert "Bravo" not in html
    assert "MS-ALFA" not in _section(html, "microsoft-balances")


def test_roles_without_billing_see_no_usage_sections(world):
    html = _get(english_client(staff("first")))

    assert 'id="fair-use"' not in html
    assert 'id="microsoft-balances"' not in html


def _organisations(count: int) -> None:
    for number in range(count):
        contract = ContractFactory(
            provider_code="cbg", package_code="extra", customer=CustomerFactory()
        )
        ContractBillingFactory(contract=contract, licence_count=5)
        ticket = create_ticket(named_contact(contract), ams("2026-05-06 08:00"))
        work(ticket, ams("2026-05-06 09:00"), 10 + number)
        ContractFactory(provider_code="microsoft", package_code="core", customer=contract.customer)


def _queries(client: Client) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries, time_machine.travel(NOW, tick=False):
        html = client.get(DASHBOARD).content.decode()
    return len(queries), html


def test_the_dashboard_costs_the_same_queries_for_many_organisations(
    world, django_assert_max_num_queries
):
    client = english_client(staff("coordinator"))
    _queries(client)  # warm: the session, the content types, the catalogue caches
    few, _ = _queries(client)
    _organisations(12)

    with django_assert_max_num_queries(few):
        _, html = _queries(client)

    assert _section(html, "fair-use").count('class="threshold"') == 14
    assert _section(html, "microsoft-balances").count("<tr") == 14


def test_fair_use_of_the_month_counts_the_minutes_of_every_subscription(world):
    rows = fair_use_month(date(2026, 5, 1))

    assert {r.reference: (r.minutes, r.per_licence, r.flagged) for r in rows.values()} == {
        "CBG-ALFA": (600, Decimal("60.0"), True),
        "CBG-BRAVO": (50, Decimal("5.0"), False),
    }
