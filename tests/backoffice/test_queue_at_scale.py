"""The queue at 100,000 tickets (issue #16): its date drill-down offers the calendar between
the first and the last registration without reading the tickets for their dates, its
priority filter offers P1-P4 without a DISTINCT over the table, and its rows (checkbox,
links, cells) are Django's HTML, made with less work per row."""

from __future__ import annotations

import html
import re

import pytest
import time_machine
from django import forms
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME, ActionForm
from django.contrib.admin.templatetags.admin_list import results
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import override

from escalation.models import Escalation
from tests.backoffice.conftest import english_client, staff
from tests.factories import ContractFactory, UserFactory, named_contact
from tests.intake.conftest import Desk
from tests.tickets.helpers import ams, create_ticket
from tickets.admin import QueueActionForm
from tickets.admin_queue import queue_results, two_lines
from tickets.models import Ticket

pytestmark = pytest.mark.django_db
QUEUE = "admin:tickets_ticket_changelist"
NOW = ams("2026-11-20 12:00")


def _get(client: Client, query: str) -> tuple[str, list[str]]:
    with time_machine.travel(NOW, tick=False), CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse(QUEUE) + query)
    assert response.status_code == 200
    return response.content.decode(), [q["sql"] for q in ctx.captured_queries]


def _toplinks(page: str) -> list[str]:
    nav = re.search(r'<nav class="toplinks">(.*?)</nav>', page, re.S)
    assert nav is not None
    links = re.findall(r">([^<>]+)</a>", html.unescape(nav.group(1)))
    return [re.sub(r"\s+", " ", text).strip() for text in links]


@pytest.fixture
def tickets(desk: Desk) -> list[Ticket]:
    """Registered on 28 October 2025, 3 November and 18 November 2026."""
    moments = ("2025-10-28 10:00", "2026-11-03 09:00", "2026-11-18 15:00")
    return [create_ticket(desk.anna, ams(at), priority_level="hoog") for at in moments]


def test_the_drill_down_starts_at_the_years_of_the_first_and_the_last_ticket(tickets):
    page, queries = _get(english_client(staff("coordinator")), "?work=all")

    assert _toplinks(page) == ["2025", "2026"]
    assert not [q for q in queries if "DISTINCT" in q or "DATE_TRUNC" in q.upper()]


def test_a_year_lists_its_months_between_the_first_and_the_last_ticket(tickets):
    page, queries = _get(english_client(staff("coordinator")), "?work=all&created_at__year=2025")

    assert _toplinks(page) == ["‹ All dates", "October 2025", "November 2025", "December 2025"]
    assert not [q for q in queries if "DISTINCT" in q]


def test_a_month_lists_its_days_up_to_the_last_ticket_and_filters_the_list(tickets):
    client = english_client(staff("coordinator"))
    page, queries = _get(client, "?work=all&created_at__year=2026&created_at__month=11")

    days = _toplinks(page)
    assert (days[0], days[1], days[-1], len(days)) == ("‹ 2026", "November 1", "November 18", 19)
    shown = [t.number in page for t in tickets]
    assert shown == [False, True, True]
    assert not [q for q in queries if "DISTINCT" in q]


def test_a_day_shows_its_tickets_only(tickets):
    client = english_client(staff("coordinator"))
    query = "?work=all&created_at__year=2026&created_at__month=11&created_at__day=3"
    page, _ = _get(client, query)

    assert _toplinks(page) == ["‹ November 2026"]
    assert [t.number in page for t in tickets] == [False, True, False]


def test_a_csam_drills_down_through_their_own_contracts_dates_only(desk: Desk, tickets):
    contract = ContractFactory(provider_code="onitnow", package_code="ons")
    create_ticket(named_contact(contract), ams("2026-11-05 09:00"), priority_level="hoog")
    csam = staff("csam")
    contract.csam = csam
    contract.save()

    page, _ = _get(english_client(csam), "?work=all")

    # Their one ticket's month and its days, not the years of the others' tickets.
    assert _toplinks(page) == ["‹ 2026", "November 5"]


def test_the_priority_filter_offers_every_rank_without_reading_the_tickets(desk: Desk, tickets):
    page, queries = _get(english_client(staff("coordinator")), "?priority_rank=2")

    assert all(f"?priority_rank={rank}" in page for rank in (1, 2, 3, 4))
    assert "priority_rank__isnull=True" in page
    assert tickets[2].number in page
    assert not [q for q in queries if '"priority_rank" AS "priority_rank"' in q]


def test_the_row_checkbox_is_djangos(tickets):
    ticket = tickets[0]
    queue = admin.site._registry[Ticket]

    assert queue.action_checkbox(ticket) == admin.ModelAdmin.action_checkbox(queue, ticket)
    assert f'name="{ACTION_CHECKBOX_NAME}" value="{ticket.pk}"' in queue.action_checkbox(ticket)


def test_the_queue_shows_no_count_of_every_ticket_ever(tickets):
    client = english_client(UserFactory(username="admin", is_superuser=True))
    _, queries = _get(client, "")

    counts = [q for q in queries if q.startswith("SELECT COUNT(*)")]
    assert counts
    assert all("WHERE" in q for q in counts)


def test_a_filtered_queue_links_its_rows_as_django_does(tickets):
    client = english_client(staff("coordinator"))
    query = "?work=all&created_at__year=2026&created_at__month=11&status__exact=new"
    page, _ = _get(client, query)

    change = reverse("admin:tickets_ticket_change", args=[tickets[1].pk])
    django_link = add_preserved_filters(
        {"preserved_filters": urlencode({"_changelist_filters": query[1:]}), "opts": Ticket._meta},
        change,
    )
    assert django_link.startswith(f"{change}?_changelist_filters=")
    assert f'href="{escape(django_link)}"' in page


@pytest.mark.parametrize("query", ["?work=all", "?work=all&status__exact=new&o=2.-5"])
def test_the_queue_rows_are_the_html_django_makes(desk: Desk, query: str):
    agent = staff("coordinator")
    moments = ("2026-11-02 09:00", "2026-11-03 10:00", "2026-11-04 11:00", "2026-11-05 12:00")
    made = [create_ticket(desk.anna, ams(at), priority_level="hoog") for at in moments]
    create_ticket(desk.anna, ams("2026-11-06 09:00"), request_type="information")
    Ticket.objects.filter(pk=made[0].pk).update(customer_replied=True, assignee=agent)
    Ticket.objects.filter(pk=made[1].pk).update(status="waiting_for_customer", line="second")
    Ticket.objects.filter(pk=made[2].pk).update(subject="  ", status="resolved")
    Escalation.objects.create(ticket=made[3], level=2, reason="x", clock_version=1, raised_at=NOW)
    client = english_client(agent)

    with time_machine.travel(NOW, tick=False):
        response = client.get(reverse(QUEUE) + query)
        cl = response.context["cl"]
        django_rows = [list(row) for row in results(cl)]
        rows = [list(row) for row in queue_results(cl)]

    assert len(rows) == len(cl.result_list) >= 3
    assert rows == django_rows
    page = response.content.decode()
    assert all("".join(row) in page for row in django_rows)


def _bar(form: QueueActionForm | ActionForm) -> list[str]:
    return [str(form[name]) for name in form.fields]


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_action_bar_is_the_html_django_makes_in_each_language(language: str):
    def django_form() -> ActionForm:  # Django's own widgets for the same fields
        form = ActionForm(auto_id=None)
        form.fields["reason"] = forms.CharField(
            required=False,
            max_length=500,
            widget=forms.TextInput(attrs={"placeholder": _("reason (for a status change)")}),
        )
        return form

    for choices in ([("", "---------"), ("unassign", _("Unassign"))], [("to_first_line", "x")]):
        with override(language):
            ours, theirs = QueueActionForm(auto_id=None), django_form()
            ours.fields["action"].choices = theirs.fields["action"].choices = choices
            assert _bar(ours) == _bar(theirs)
            assert _bar(ours) == _bar(theirs)  # again: now from the kept HTML
            assert f'value="{choices[-1][0]}"' in _bar(ours)[0]


def test_the_action_bar_is_kept_per_language_and_shows_what_was_chosen():
    with override("en"):
        english = str(QueueActionForm(auto_id=None)["reason"])
    with override("nl"):
        dutch = str(QueueActionForm(auto_id=None)["reason"])
        chosen = QueueActionForm({"action": "unassign"}, auto_id=None)
        chosen.fields["action"].choices = [("", "-"), ("unassign", "Vrijgeven")]

    assert 'placeholder="reason (for a status change)"' in english
    assert 'placeholder="reden (bij een statuswijziging)"' in dutch
    assert '<option value="unassign" selected>' in str(chosen["action"])


def test_a_two_line_cell_escapes_both_lines_and_the_tooltip():
    cell = two_lines("<b>Smit & Zn</b>", "Pakket <i>", 'Pakket "x"')

    assert cell == (
        "&lt;b&gt;Smit &amp; Zn&lt;/b&gt;<br>"
        '<small title="Pakket &quot;x&quot;">Pakket &lt;i&gt;</small>'
    )
    assert two_lines("a", "b") == "a<br><small>b</small>"
