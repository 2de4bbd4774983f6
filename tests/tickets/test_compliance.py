"""Target compliance per month and priority (D9, TKT-70/71)."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from tests.factories import ContractFactory, UserFactory, named_contact
from tests.tickets.helpers import ams, create_ticket
from tickets.compliance import sla_compliance
from tickets.models import Status
from tickets.services import (
    ticket_reply,
    ticket_resolve,
    ticket_sla_exempt,
    ticket_transition,
)

pytestmark = pytest.mark.django_db

JUNE = (ams("2026-06-01 00:00"), ams("2026-07-01 00:00"))


@pytest.fixture
def setting():
    contract = ContractFactory(provider_code="onitnow", package_code="ons")
    return contract, named_contact(contract), UserFactory()


def _top(contact, agent, start, reply_after_minutes=None):
    ticket = create_ticket(contact, ams(start), priority_level="top")
    if reply_after_minutes is not None:
        hour, minute = divmod(9 * 60 + reply_after_minutes, 60)
        ticket_reply(
            ticket=ticket,
            body="Bezig",
            now=ams(f"{start[:10]} {hour:02d}:{minute:02d}"),
            author_user=agent,
        )
    return ticket


def _rows(contract, now="2026-06-30 12:00"):
    rows = sla_compliance(contract_id=contract.pk, start=JUNE[0], end=JUNE[1], now=ams(now))
    return {(r.level, r.metric): r for r in rows}


def test_response_compliance_counts_met_late_and_overdue_clocks(setting):
    contract, contact, agent = setting
    _top(contact, agent, "2026-06-01 09:00", reply_after_minutes=30)  # met
    _top(contact, agent, "2026-06-02 09:00", reply_after_minutes=90)  # late: missed
    _top(contact, agent, "2026-06-03 09:00")  # never answered: missed
    row = _rows(contract)[("top", "response")]
    assert (row.met, row.missed, row.percentage) == (1, 2, Decimal("33.3"))
    assert (row.threshold, row.within_threshold) == (Decimal("100.00"), False)


def test_hoog_is_measured_separately_against_eighty_percent(setting):
    contract, contact, agent = setting
    for day in ("01", "02", "03", "04", "05"):
        ticket = create_ticket(contact, ams(f"2026-06-{day} 09:00"), priority_level="hoog")
        ticket_reply(ticket=ticket, body="ok", now=ams(f"2026-06-{day} 10:00"), author_user=agent)
    row = _rows(contract)[("hoog", "response")]
    assert (row.met, row.missed, row.within_threshold) == (5, 0, True)
    assert ("top", "response") not in _rows(contract)


def test_cancelled_tickets_and_clocks_not_yet_due_do_not_count(setting):
    contract, contact, agent = setting
    cancelled = _top(contact, agent, "2026-06-01 09:00")
    ticket_transition(
        ticket=cancelled, to_status=Status.CANCELLED, now=ams("2026-06-01 09:10"), actor=agent
    )
    _top(contact, agent, "2026-06-30 11:30")  # due 12:30, after "now"
    assert _rows(contract) == {}


def test_exempt_and_vendor_owned_tickets_are_listed_not_counted(setting):
    contract, contact, agent = setting
    exempt = _top(contact, agent, "2026-06-01 09:00")
    ticket_sla_exempt(
        ticket=exempt,
        reason="geen toegang via trust (TKT-07)",
        vendor_owned=False,
        now=ams("2026-06-01 09:05"),
        actor=agent,
    )
    vendor = _top(contact, agent, "2026-06-02 09:00", reply_after_minutes=10)
    ticket_sla_exempt(
        ticket=vendor, reason="", vendor_owned=True, now=ams("2026-06-02 09:20"), actor=agent
    )
    ticket_resolve(
        ticket=vendor, kind="fix", text="Xurrent fix", now=ams("2026-06-04 09:00"), actor=agent
    )
    rows = _rows(contract)
    response, resolution = rows[("top", "response")], rows[("top", "resolution")]
    assert (response.met, response.missed) == (1, 0)
    assert response.excluded == [f"{exempt.number}: exempt (geen toegang via trust (TKT-07))"]
    assert (resolution.met, resolution.missed) == (0, 0)
    assert resolution.excluded == [f"{vendor.number}: resolution owned by the vendor"]


def test_the_command_prints_the_month(setting):
    contract, contact, agent = setting
    _top(contact, agent, "2026-06-01 09:00", reply_after_minutes=30)
    out = StringIO()
    call_command("sla_compliance", contract=contract.reference, month="2026-06", stdout=out)
    assert "Top         response        1       0   100.0     100  yes" in out.getvalue()
