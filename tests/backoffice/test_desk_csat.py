"""Customer satisfaction per contract and month on the dashboard and in its CSV (issue #11 §2):
the number of answers and their average, by the Amsterdam month they were answered, limited to
the contracts the staff user may see."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client

from backoffice.dashboard import ContractCsat, dashboard_figures, month_parse
from contracts.models import Contract
from tests.backoffice.conftest import english_client, staff
from tests.factories import ContractFactory, named_contact
from tests.tickets.helpers import ams, create_ticket
from tickets.models import SatisfactionSurvey

pytestmark = pytest.mark.django_db
AMS = ZoneInfo("Europe/Amsterdam")
NOW = ams("2026-06-30 12:00")
URL = "/admin/backoffice/dashboard/"
CSV_URL = "/admin/backoffice/dashboard.csv"


def _answer(contract: Contract, score: int, at: str) -> None:
    """A survey answered at `at` (Amsterdam) on a fresh ticket of the contract."""
    contact = named_contact(contract)
    ticket = create_ticket(contact, ams("2026-01-05 10:00"))
    SatisfactionSurvey.objects.create(
        ticket=ticket, contact=contact, score=score, comment="", answered_at=ams(at)
    )


def _csat(user: User, month: str = "2026-06") -> dict[str, ContractCsat]:
    figures = dashboard_figures(now=NOW, month=month_parse(month), zone=AMS, user=user)
    return {row.reference: row for row in figures.csat}


def _month(row: ContractCsat, month: str) -> tuple[int, Decimal | None]:
    (cell,) = [m for m in row.months if m.month.strftime("%Y-%m") == month]
    return cell.answers, cell.average


def test_answers_and_average_per_contract_and_month() -> None:
    contract = ContractFactory(reference="C-CSAT-1")
    _answer(contract, 5, "2026-06-10 10:00")
    _answer(contract, 4, "2026-06-11 10:00")
    _answer(contract, 4, "2026-06-12 10:00")
    _answer(contract, 2, "2026-04-12 10:00")

    row = _csat(staff("coordinator"))["C-CSAT-1"]

    assert _month(row, "2026-06") == (3, Decimal("4.3"))
    assert _month(row, "2026-05") == (0, None)
    assert _month(row, "2026-04") == (1, Decimal("2.0"))
    assert row.answers == 4
    assert len(row.months) == 12


def test_the_month_is_the_amsterdam_month_the_customer_answered() -> None:
    contract = ContractFactory(reference="C-CSAT-2")
    _answer(contract, 1, "2026-05-31 23:30")  # 21:30 UTC: still May in Amsterdam
    _answer(contract, 5, "2026-06-01 00:30")  # 22:30 UTC on 31 May: June in Amsterdam

    row = _csat(staff("coordinator"))["C-CSAT-2"]

    assert _month(row, "2026-05") == (1, Decimal("1.0"))
    assert _month(row, "2026-06") == (1, Decimal("5.0"))


def test_a_csam_sees_the_satisfaction_of_their_own_contracts_only() -> None:
    csam = staff("csam")
    mine = ContractFactory(reference="C-MINE", csam=csam)
    other = ContractFactory(reference="C-OTHER")
    _answer(mine, 3, "2026-06-03 10:00")
    _answer(other, 5, "2026-06-03 10:00")

    assert set(_csat(csam)) == {"C-MINE"}
    assert set(_csat(staff("coordinator"))) == {"C-MINE", "C-OTHER"}


@time_machine.travel(NOW, tick=False)
def test_the_dashboard_shows_the_averages_with_their_answers() -> None:
    contract = ContractFactory(reference="C-CSAT-PAGE")
    _answer(contract, 5, "2026-06-10 10:00")
    _answer(contract, 4, "2026-06-11 10:00")

    html = english_client(staff("coordinator")).get(URL).content.decode()

    section = html[html.index('id="csat"') :].split("</section>")[0]
    assert "Customer satisfaction per contract" in section
    assert "C-CSAT-PAGE" in section
    assert '<span class="bo-csat-average">4.5</span> <span class="bo-sub">(2)</span>' in section


@time_machine.travel(NOW, tick=False)
def test_the_dashboard_in_dutch_writes_the_average_with_a_comma() -> None:
    contract = ContractFactory(reference="C-CSAT-NL")
    _answer(contract, 5, "2026-06-10 10:00")
    _answer(contract, 4, "2026-06-11 10:00")
    client = Client()
    client.force_login(staff("coordinator"))

    html = client.get(URL).content.decode()

    assert '<span class="bo-csat-average">4,5</span>' in html


@time_machine.travel(NOW, tick=False)
def test_the_csv_lists_each_contract_month_with_answers() -> None:
    contract = ContractFactory(reference="C-CSAT-CSV")
    _answer(contract, 5, "2026-06-10 10:00")
    _answer(contract, 2, "2026-06-11 10:00")
    _answer(contract, 3, "2026-03-11 10:00")

    response = english_client(staff("coordinator")).get(CSV_URL + "?month=2026-06")

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    start = next(i for i, r in enumerate(rows) if r and r[0].startswith("Customer satisfaction"))
    header, body = rows[start + 1], rows[start + 2 :]
    body = body[: body.index([])]
    assert header == ["provider", "customer", "contract", "month", "answers", "average score (1-5)"]
    assert [r[2:] for r in body] == [
        ["C-CSAT-CSV", "2026-03", "1", "3.0"],
        ["C-CSAT-CSV", "2026-06", "2", "3.5"],
    ]


@time_machine.travel(NOW, tick=False)
def test_the_dashboard_costs_the_same_for_one_or_many_contracts(
    django_assert_max_num_queries: object,
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = english_client(staff("coordinator"))
    _answer(ContractFactory(), 4, "2026-06-10 10:00")
    client.get(URL)
    with CaptureQueriesContext(connection) as one:
        client.get(URL)
    for score in (1, 2, 3, 4, 5):
        _answer(ContractFactory(), score, "2026-05-10 10:00")
    with django_assert_max_num_queries(len(one)):
        html = client.get(URL).content.decode()
    assert html.count("bo-csat-average") == 6
