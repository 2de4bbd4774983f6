"""Issue #14 §4, back-office: a contract's ledger (every line a row, the running total
derived, nothing editable), a month's billable lines with their CSV, and closing a month
(coordinators only; refusals shown as messages; a closed month shows as closed)."""

from __future__ import annotations

import csv
import io

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from tests.backoffice.conftest import english_client, staff
from tests.tickets.helpers import ams
from tests.usage.pages_world import world_build
from usage.models import BillingMonth

pytestmark = pytest.mark.django_db

NOW = ams("2026-06-15 10:00")
MONTH = reverse("backoffice:billing-month")
CSV = reverse("backoffice:billing-month-csv")


@pytest.fixture
def world():
    return world_build()


def dutch_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _ledger(world):
    return reverse("backoffice:billing-ledger", args=[world.alfa.pk])


def test_the_ledger_lists_every_line_oldest_first_with_the_running_total(
    world, django_assert_max_num_queries
):
    client = english_client(staff("coordinator"))

    with django_assert_max_num_queries(12):
        html = client.get(_ledger(world)).content.decode()

    rows = html.split('class="ledger-line"')[1:]
    assert len(rows) == 4
    assert [r.split('<td class="bo-num">')[-1].split("<")[0] for r in rows] == [
        "135.00",
        "202.50",
        "277.50",
        "300.00",
    ]
    assert 'id="ledger-total">300.00<' in html
    assert "<input" not in html.split('id="billing-ledger"')[1]  # nothing editable in place


def test_the_ledger_reads_in_dutch(world):
    response = dutch_client(staff("coordinator")).get(_ledger(world))

    # New texts turn Dutch when the lead compiles locale/pending/pages14.json; these are known.
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="nl"' in html
    assert ">categorie<" in html
    assert ">omschrijving<" in html


def test_the_ledger_costs_the_same_queries_for_many_lines(world, django_assert_max_num_queries):
    from tests.usage.pages_world import line

    for minutes in range(1, 30):
        line(world.alfa, world.manager_ticket, minutes, "90.00")
    client = english_client(staff("coordinator"))

    with django_assert_max_num_queries(12):
        response = client.get(_ledger(world))

    assert response.content.decode().count('class="ledger-line"') == 33


def test_the_contract_page_links_to_its_ledger(world):
    client = english_client(staff("coordinator"))

    html = client.get(reverse("admin:contracts_contract_change", args=[world.alfa.pk])).content

    assert _ledger(world).encode() in html


def test_a_csam_reads_their_own_contracts_ledger_and_gets_404_for_another(world):
    csam = staff("csam")
    world.alfa.csam = csam
    world.alfa.save(update_fields=["csam"])
    client = english_client(csam)

    own = client.get(_ledger(world))
    other = client.get(reverse("backoffice:billing-ledger", args=[world.bravo.pk]))
    month = client.get(f"{MONTH}?month=2026-05").content.decode()

    assert own.status_code == 200
    assert other.status_code == 404
    assert "CBG-ALFA" in month
    assert "Bravo Zorg" not in month


def test_the_first_line_may_not_read_billing(world):
    client = english_client(staff("first"))

    assert client.get(_ledger(world)).status_code == 403
    assert client.get(MONTH).status_code == 403
    assert client.get(CSV).status_code == 403


def test_the_month_lists_its_lines_filtered_by_provider_and_customer(
    world, django_assert_max_num_queries
):
    client = english_client(staff("ssm"))
    query = f"?month=2026-05&provider={world.alfa.provider_id}&customer={world.alfa.customer_id}"

    with django_assert_max_num_queries(14):
        html = client.get(MONTH + query).content.decode()

    assert html.count('class="billing-line"') == 3
    assert 'id="month-total">277.50<' in html
    assert "CBG-BRAVO" not in html.split('id="billing-lines"')[1]
    assert 'id="billing-close"' not in html  # the SSM reads; only coordinators close


def test_the_month_page_reads_in_dutch(world):
    html = dutch_client(staff("coordinator")).get(f"{MONTH}?month=2026-05").content.decode()

    assert '<html lang="nl"' in html
    assert "CSV downloaden" in html
    assert 'value="Tonen"' in html
    assert html.count('class="billing-line"') == 4


def test_a_bad_month_is_said_and_this_month_shown(world):
    with time_machine.travel(NOW, tick=False):
        html = english_client(staff("coordinator")).get(f"{MONTH}?month=mei").content.decode()

    assert "Give the month as YYYY-MM." in html
    assert 'value="2026-06"' in html


def test_the_csv_has_one_row_per_line_with_the_invoicing_columns(world):
    client = english_client(staff("coordinator"))

    response = client.get(f"{CSV}?month=2026-05&provider={world.alfa.provider_id}")

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert response["Content-Disposition"] == 'attachment; filename="billing-cbg-2026-05.csv"'
    assert "no-store" in response["Cache-Control"]
    assert rows[0] == [
        "customer",
        "contract",
        "date",
        "ticket",
        "category",
        "minutes",
        "rate",
        "amount",
        "vat_code",
    ]
    assert rows[1:] == [
        [
            "Alfa Bouw B.V.",
            "CBG-ALFA",
            "2026-05-12",
            world.named_ticket.number,
            "over_limit",
            "90",
            "90",
            "135.00",
            "NL-21",
        ],
        [
            "Alfa Bouw B.V.",
            "CBG-ALFA",
            "2026-05-12",
            world.manager_ticket.number,
            "over_limit",
            "45",
            "90",
            "67.50",
            "NL-21",
        ],
        [
            "Alfa Bouw B.V.",
            "CBG-ALFA",
            "2026-05-12",
            "",
            "monthly_fee",
            "",
            "7.5",
            "75.00",
            "NL-21",
        ],
        [
            "Bravo Zorg B.V.",
            "CBG-BRAVO",
            "2026-05-12",
            world.bravo_ticket.number,
            "over_limit",
            "30",
            "90",
            "45.00",
            "NL-21",
        ],
    ]


def test_the_csv_escapes_a_formula_in_a_name_but_keeps_a_negative_amount_a_number(world):
    from tests.usage.pages_world import line

    world.bravo.customer.name = "=cmd|calc"
    world.bravo.customer.save(update_fields=["name"])
    line(world.bravo, world.bravo_ticket, -30, "90.00")
    client = english_client(staff("coordinator"))

    text = client.get(f"{CSV}?month=2026-05&customer={world.bravo.customer_id}").content.decode()

    rows = list(csv.reader(io.StringIO(text)))
    assert [r[0] for r in rows[1:]] == ["'=cmd|calc", "'=cmd|calc"]
    assert [r[7] for r in rows[1:]] == ["45.00", "-45.00"]


def test_the_csv_of_a_bad_month_is_refused(world):
    response = english_client(staff("coordinator")).get(f"{CSV}?month=2026-13")

    assert response.status_code == 400


def test_a_coordinator_closes_a_month_and_it_shows_as_closed(world):
    client = english_client(staff("coordinator"))
    data = {"month": "2026-05", "provider": world.alfa.provider_id}

    with time_machine.travel(NOW, tick=False):
        response = client.post(MONTH, data, follow=True)

    html = response.content.decode()
    assert BillingMonth.objects.filter(provider=world.alfa.provider, month="2026-05-01").exists()
    assert "May 2026 is closed for CBG Connect." in html
    assert "later changes land in the next month" in html
    assert 'id="billing-close"' not in html


def test_closing_a_month_that_is_not_over_is_refused_with_a_message_in_dutch(world):
    client = dutch_client(staff("coordinator"))
    data = {"month": "2026-06", "provider": world.alfa.provider_id}

    with time_machine.travel(NOW, tick=False):
        html = client.post(MONTH, data, follow=True).content.decode()

    assert not BillingMonth.objects.exists()
    assert "2026-06" in html
    assert 'class="error"' in html


def test_closing_a_month_that_is_not_over_is_refused_with_a_message_in_english(world):
    client = english_client(staff("coordinator"))
    data = {"month": "2026-06", "provider": world.alfa.provider_id}

    with time_machine.travel(NOW, tick=False):
        html = client.post(MONTH, data, follow=True).content.decode()

    assert not BillingMonth.objects.exists()
    assert "2026-06 is not over yet" in html


def test_only_coordinators_see_the_close_button_and_others_get_403_on_post(world):
    ssm = english_client(staff("ssm"))
    query = f"?month=2026-05&provider={world.alfa.provider_id}"
    coordinator = english_client(staff("coordinator")).get(MONTH + query).content.decode()

    with time_machine.travel(NOW, tick=False):
        refused = ssm.post(MONTH, {"month": "2026-05", "provider": world.alfa.provider_id})

    assert 'id="billing-close"' in coordinator
    assert 'id="billing-close"' not in ssm.get(MONTH + query).content.decode()
    assert refused.status_code == 403
    assert not BillingMonth.objects.exists()
