"""Issue #14 §4, portal: the support services manager sees the balances (Microsoft credits and
EDE hours, a CBG subscription's minutes against fair use) and the month's billable lines; a
named contact sees only the lines of its own tickets; another customer's data never shows and
another customer's contract answers 404 (D15)."""

from __future__ import annotations

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse

from contracts.models import Contact
from tests.tickets.helpers import ams
from tests.usage.pages_world import line, world_build

pytestmark = pytest.mark.django_db

NOW = ams("2026-06-15 10:00")
USAGE = reverse("portal:usage")
MAY = f"{USAGE}?month=2026-05"
BRAVO_MARKERS = ("Bravo Zorg", "CBG-BRAVO", "Bravo geheim", "45,00", "45.00")


@pytest.fixture
def world():
    return world_build()


def portal_client(contact: Contact, language: str = "en") -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(contact.user)
    return client


def _get(client: Client, url: str) -> str:
    with time_machine.travel(NOW, tick=False):
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_manager_sees_balances_and_every_line_of_the_month(
    world, django_assert_max_num_queries
):
    client = portal_client(world.manager)

    with django_assert_max_num_queries(22), time_machine.travel(NOW, tick=False):
        html = client.get(MAY).content.decode()

    assert html.count('class="usage-line"') == 3
    assert 'id="usage-total">€ 277.50<' in html
    assert 'class="credits">75<' in html
    assert 'class="ede-hours">37.50<' in html
    assert "1 November 2026" in html  # the last day for requests: end - 60 days
    assert 'class="minutes">600<' in html  # travel is not support time
    assert "60.0 (10 licences)" in html
    assert 'class="fair-use-limit">10.0' in html  # twice the other organisation's 5.0
    assert "above the limit" in html
    assert not [m for m in BRAVO_MARKERS if m in html]


def test_the_usage_page_reads_in_dutch(world):
    html = _get(portal_client(world.manager, "nl"), MAY)

    assert '<html lang="nl"' in html
    assert "Tonen" in html
    assert "vorige maand" in html
    assert "€ 277,50" in html


def test_a_named_contact_sees_only_the_lines_of_its_own_tickets(world):
    html = _get(portal_client(world.named), MAY)

    assert html.count('class="usage-line"') == 1
    assert world.named_ticket.number in html
    assert world.manager_ticket.number not in html
    assert "monthly fee" not in html.lower()
    assert 'class="credits"' not in html  # balances are the manager's


def test_the_month_picker_shows_another_month(world):
    html = _get(portal_client(world.manager), f"{USAGE}?month=2026-06")

    assert html.count('class="usage-line"') == 1
    assert 'id="usage-total">€ 22.50<' in html
    assert 'value="2026-06"' in html


def test_a_bad_month_is_said_and_this_month_shown(world):
    html = _get(portal_client(world.manager), f"{USAGE}?month=juni")

    assert "Give the month as YYYY-MM." in html
    assert 'value="2026-06"' in html


def test_another_customers_contract_answers_404(world):
    client = portal_client(world.manager)

    with time_machine.travel(NOW, tick=False):
        other = client.get(f"{MAY}&contract={world.bravo.pk}")
        own = client.get(f"{MAY}&contract={world.alfa.pk}")

    assert other.status_code == 404
    assert not [m for m in BRAVO_MARKERS if m in other.content.decode()]
    assert own.status_code == 200
    assert own.content.decode().count('class="usage-line"') == 3


def test_the_other_customer_sees_only_its_own_lines(world):
    html = _get(portal_client(world.bravo_manager), MAY)

    assert html.count('class="usage-line"') == 1
    assert "Alfa Bouw" not in html
    assert world.named_ticket.number not in html
    assert 'class="fair-use-limit">120.0' in html


def test_the_page_costs_the_same_queries_for_many_lines(world, django_assert_max_num_queries):
    for minutes in range(1, 30):
        line(world.alfa, world.manager_ticket, minutes, "90.00")
    client = portal_client(world.manager)

    with django_assert_max_num_queries(22), time_machine.travel(NOW, tick=False):
        html = client.get(MAY).content.decode()

    assert html.count('class="usage-line"') == 32


def test_the_navigation_links_to_the_usage_page(world):
    html = _get(portal_client(world.named), reverse("portal:contract"))

    assert f'href="{USAGE}" id="usage-link"' in html


def test_the_manager_sees_each_contracts_next_deadline(world):
    html = _get(portal_client(world.manager), MAY)
    assert '<dd class="next-deadline">ends: 31 December 2026</dd>' in html
