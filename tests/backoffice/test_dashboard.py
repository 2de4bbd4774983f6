"""The staff dashboard (back-office issue §4): figures, compliance as tickets.compliance counts
it (D9), charts, the CSV with formula-safe cells, permissions and a constant number of
queries."""

import csv
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backoffice.dashboard import dashboard_figures, month_parse
from escalation.models import Escalation
from reports.csvexport import CsvSection, csv_cell, csv_text
from reports.svg import Bar, Series, bar_chart, line_chart
from tests.factories import ContractFactory, UserFactory, named_contact
from tests.tickets.helpers import ams, create_ticket
from tickets.compliance import sla_compliance
from tickets.services import ticket_reply, ticket_sla_exempt

pytestmark = pytest.mark.django_db

AMS = ZoneInfo("Europe/Amsterdam")
NOW = ams("2026-06-30 12:00")  # a Tuesday
JUNE = (ams("2026-06-01 00:00"), ams("2026-07-01 00:00"))
URL = "/admin/backoffice/dashboard/"
CSV_URL = "/admin/backoffice/dashboard.csv"


def _ticket(contact, start, level="top", reply_at=None, agent=None):
    ticket = create_ticket(contact, ams(start), priority_level=level)
    if reply_at is not None:
        ticket_reply(ticket=ticket, body="Bezig", now=ams(reply_at), author_user=agent)
    return ticket


def _contract_with_work(agent, day=1, customer_name=None):
    """A contract with a met, a late and an unanswered Top, a met Hoog and an exempt Top."""
    contract = ContractFactory(provider_code="onitnow", package_code="ons")
    if customer_name:
        contract.customer.name = customer_name
        contract.customer.save()
    contact = named_contact(contract)
    d = f"2026-06-{day:02d}"
    _ticket(contact, f"{d} 09:00", reply_at=f"{d} 09:30", agent=agent)
    _ticket(contact, f"{d} 11:00", reply_at=f"{d} 12:30", agent=agent)
    _ticket(contact, f"{d} 13:00")
    _ticket(contact, f"{d} 14:00", level="hoog", reply_at=f"{d} 15:00", agent=agent)
    exempt = _ticket(contact, f"{d} 15:00")
    ticket_sla_exempt(
        ticket=exempt, reason="geen toegang", vendor_owned=False, now=ams(f"{d} 15:05"), actor=agent
    )
    return contract, contact


@pytest.fixture
def agent():
    return UserFactory()


@pytest.fixture
def work(agent):
    """Two ONS contracts in June; on the 30th an unanswered Top breaches at 10:00 and is
    escalated; an information request has no target."""
    first, contact = _contract_with_work(agent, day=1)
    second, _ = _contract_with_work(agent, day=2)
    breaching = _ticket(contact, "2026-06-30 09:00")
    create_ticket(contact, ams("2026-06-10 09:00"), request_type="information")
    for level, at in ((1, "2026-06-30 10:00"), (0, "2026-06-29 16:00")):
        Escalation.objects.create(
            ticket=breaching, level=level, reason="x", clock_version=level, raised_at=ams(at)
        )
    return first, second


def _figures(month="2026-06"):
    """The figures as a provider role that sees every contract (a CSAM's: tests/test_role_walk)."""
    reader = UserFactory(username="dashboard-reader")
    return dashboard_figures(now=NOW, month=month_parse(month), zone=AMS, user=reader)


def test_open_tickets_are_counted_by_status_and_priority(work):
    figures = _figures()
    by_status = {t.key: t.count for t in figures.open_tickets.by_status}
    by_priority = {t.key: t.count for t in figures.open_tickets.by_priority}
    assert by_priority == {"p1": 9, "p2": 2, "p3": 0, "p4": 0, "none": 1}
    assert sum(by_status.values()) == figures.open_tickets.total == 12
    assert set(by_status) == {"new", "in_progress", "waiting_for_customer", "waiting_for_vendor"}


def test_breaches_and_escalations_of_today(work):
    today = _figures().today
    assert {t.key: t.count for t in today.breaches} == {"response": 1, "resolution": 0}
    assert {t.key: t.count for t in today.escalations} == {"l0": 0, "l1": 1, "l2": 0, "l3": 0}


def test_compliance_per_contract_equals_the_contract_report(work):
    rows = _figures().compliance
    assert {r.contract_id for r in rows} == {c.pk for c in work}
    for contract in work:
        report = sla_compliance(contract_id=contract.pk, start=JUNE[0], end=JUNE[1], now=NOW)
        mine = [m for r in rows if r.contract_id == contract.pk for m in r.metrics if m]
        assert [(m.level, m.metric, m.met, m.missed, m.percentage) for m in mine] == [
            (r.level, r.metric, r.met, r.missed, r.percentage) for r in report
        ]
        assert [m.excluded_count for m in mine] == [len(r.excluded) for r in report]


def test_compliance_figures_against_the_thresholds(work):
    top = next(r for r in _figures().compliance if r.contract_id == work[1].pk and r.rank == 1)
    response = top.response
    assert (response.met, response.missed, response.percentage) == (1, 2, Decimal("33.3"))
    assert (top.threshold, top.within_threshold, top.excluded_count) == (100, False, 1)


def test_the_trend_counts_june_per_provider(work):
    (trend,) = _figures().trends
    june = trend.points[-1]
    assert (trend.name, len(trend.points), trend.threshold) == ("onITnow", 12, Decimal("80"))
    assert (june.month.isoformat(), june.opened) == ("2026-06-01", 12)
    assert (june.response_met, june.response_missed) == (4, 5)  # includes the 30th's breach
    assert trend.points[0].opened == 0


def test_a_verdict_counts_in_its_amsterdam_month(agent):
    contract = ContractFactory(provider_code="onitnow", package_code="ons")
    contact = named_contact(contract)
    # Answered late at 00:30 on 1 June in Amsterdam (still 31 May in UTC): June's.
    _ticket(contact, "2026-05-29 09:00", reply_at="2026-06-01 00:30", agent=agent)
    _ticket(contact, "2026-05-29 10:00")  # never answered: missed when due on 29 May
    may, june = _figures().trends[0].points[-2:]
    assert (may.response_met, may.response_missed, may.opened) == (0, 1, 2)
    assert (june.response_met, june.response_missed, june.opened) == (0, 1, 0)
    (report,) = sla_compliance(contract_id=contract.pk, start=JUNE[0], end=JUNE[1], now=NOW)
    assert (report.metric, report.met, report.missed) == ("response", 0, 1)


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+x", "'+x"),
        ("-2", "'-2"),
        ("@a", "'@a"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Klant B.V.", "Klant B.V."),
        ("12", "12"),
        (12, "12"),
        ("", ""),
        (None, ""),
    ],
)
def test_csv_cells_that_could_be_formulas_get_a_quote(cell, written):
    assert csv_cell(cell) == written


def test_csv_text_escapes_every_cell_of_every_section():
    text = csv_text([CsvSection("=title", ["a", "@b"], [["=1+1", "+x", "-2", "@a", "ok"]])])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [["'=title"], ["a", "'@b"], ["'=1+1", "'+x", "'-2", "'@a", "ok"], []]


def test_charts_are_accessible_images_with_escaped_labels():
    svg = bar_chart(title='Open <b>"x"</b>', bars=[Bar("<script>alert(1)</script>", 3)])
    assert 'role="img"' in svg
    assert 'aria-label="Open &lt;b&gt;&quot;x&quot;&lt;/b&gt;"' in svg
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert ">3</text>" in svg
    line = line_chart(
        title="Trend",
        labels=[f"m{i}" for i in range(12)],
        series=[Series("response", [Decimal("50.0")] * 11 + [None])],
        threshold=Decimal("80"),
    )
    assert line.count("<circle") == 11
    assert ">50.0</text>" in line
    assert 'stroke-dasharray="6 4"' in line


def _coordinator(client):
    user = UserFactory(username="coordinator-dash")
    user.groups.add(Group.objects.get(name="Support coordinator"))
    client.force_login(user)
    return user


def _get(client, url, **params):
    with time_machine.travel(NOW, tick=False):
        return client.get(url, params, HTTP_ACCEPT_LANGUAGE="en")


def test_a_support_coordinator_sees_the_dashboard(work, client):
    _coordinator(client)
    response = _get(client, URL, month="2026-06")
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('role="img"') == 6  # 2 open, 2 today, lowest compliance, 1 provider
    assert work[0].reference in page
    assert "33.3 %" in page
    index = _get(client, "/admin/").content.decode()
    assert 'href="/admin/backoffice/dashboard/"' in index


def test_staff_without_the_permission_get_403_and_others_the_login(client):
    client.force_login(UserFactory(username="no-role"))
    assert _get(client, URL).status_code == 403
    assert _get(client, CSV_URL).status_code == 403
    client.logout()
    response = _get(client, URL)
    assert (response.status_code, response["Location"].startswith("/admin/login/")) == (302, True)


def test_an_invalid_month_is_explained_not_a_server_error(work, client):
    _coordinator(client)
    response = _get(client, URL, month="2026-13")
    assert response.status_code == 200
    assert "“2026-13” is not a month; use YYYY-MM." in response.content.decode()
    assert _get(client, CSV_URL, month="juni").status_code == 400


def test_the_csv_download_has_every_table_and_quotes_formulas(agent, client):
    _contract_with_work(agent, customer_name="=HYPERLINK(evil)")
    _coordinator(client)
    response = _get(client, CSV_URL, month="2026-06")
    assert response["Content-Disposition"] == 'attachment; filename="dashboard-2026-06.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    titles = [row[0] for row in rows if len(row) == 1]
    assert titles[0] == "Open tickets by status"
    assert "Compliance per contract, 2026-06" in titles
    assert len(titles) == 7  # ... and customer satisfaction per contract and month
    compliance = next(row for row in rows if row[:2] == ["onITnow", "'=HYPERLINK(evil)"])
    assert compliance[3:9] == ["Top", "100", "1", "2", "33.3", "no"]


def _scale(agent, contracts):
    for k in range(contracts):
        _contract_with_work(agent, day=1 + k)


def _dashboard_queries(client):
    with CaptureQueriesContext(connection) as ctx:
        assert _get(client, URL).status_code == 200
    return len(ctx.captured_queries)


def test_the_number_of_queries_does_not_grow_with_tickets_or_contracts(
    agent, client, django_assert_max_num_queries
):
    _coordinator(client)
    _scale(agent, 2)
    small = _dashboard_queries(client)
    _scale(agent, 2)  # twice the contracts and tickets
    # 16, and up to 3 for the usage sections (issue #14 §4: the CBG subscriptions with their
    # licences, their minutes, the Microsoft balances).
    with django_assert_max_num_queries(19):
        large = _dashboard_queries(client)
    assert large == small
    reader = UserFactory(username="dashboard-reader")
    with CaptureQueriesContext(connection) as ctx:
        dashboard_figures(now=NOW, month=month_parse("2026-06"), zone=AMS, user=reader)
    # 10 figures + the reader's roles: open, breaches, escalations, which months are rolled up
    # (none here), June's verdict groups, the trend of the other live months, tickets opened,
    # survey answers, contract and provider names (issue #16: tickets.figures).
    assert len(ctx.captured_queries) == 11
