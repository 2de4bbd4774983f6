"""One definition of "at risk" (issue #11 §1): the policy's warning share of the business-time
budget. The queue's filter, the portal's clock state and the escalation warning agree on it."""

import pytest

from escalation.models import Escalation
from portal.selectors import sla_panel
from tests.escalation.helpers import coordinator, sweep
from tests.factories import ContractFactory, named_contact
from tests.tickets.helpers import ams, create_ticket
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def top() -> Ticket:
    """Top on ONS, Fri 5 Jun 17:00: response due Mon 8 Jun 09:00 (1 business hour); 75 % of it
    has run on Monday at 08:45, across the weekend."""
    coordinator()
    contract = ContractFactory(provider_code="onitnow", package_code="ons")
    ticket = create_ticket(
        named_contact(contract), ams("2026-06-05 17:00"), priority_level="top", send_receipt=False
    )
    return Ticket.objects.get(pk=ticket.pk)


def _portal_state(ticket: Ticket, when: str) -> str:
    ticket = Ticket.objects.prefetch_related("clocks", "segments").get(pk=ticket.pk)
    panel = sla_panel(ticket, ams(when))
    return panel["clocks"][0].state  # type: ignore[index]


def test_the_stored_moment_is_the_warning_share_of_business_time(top: Ticket) -> None:
    assert top.at_risk_at == ams("2026-06-08 08:45")


def test_portal_and_escalation_agree_on_the_moment(top: Ticket) -> None:
    assert _portal_state(top, "2026-06-08 08:44") == "running"
    assert sweep("2026-06-08 08:44") == 0
    assert _portal_state(top, "2026-06-08 08:45") == "at_risk"
    assert sweep("2026-06-08 08:45") == 1
    assert Escalation.objects.filter(ticket=top, reason="response_warning").count() == 1


def test_a_contracts_own_warning_share_moves_every_view(top: Ticket) -> None:
    from contracts.models import EscalationPolicy
    from contracts.selectors import catalogue_cache_clear
    from tickets.services import ticket_change_priority

    EscalationPolicy.objects.create(contract=top.contract, warning_percent=50)
    catalogue_cache_clear()
    # Any clock change recomputes the stored moment: 50 % of 1 bh = 30 min, all on Friday.
    ticket_change_priority(
        ticket=top, level="top", reason="recheck", now=ams("2026-06-05 17:05"), actor=coordinator()
    )
    top.refresh_from_db()
    assert top.at_risk_at == ams("2026-06-05 17:30")
    assert _portal_state(top, "2026-06-05 17:30") == "at_risk"


def test_a_new_ticket_follows_a_policy_another_process_just_changed(top: Ticket) -> None:
    # This process has the contract's policy cached (the fixture's ticket); another process
    # gives the contract its own warning share. The next ticket's contract read brings it along
    # (issue #16): no minute of the old share, and no query of its own.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from contracts.models import EscalationPolicy

    EscalationPolicy.objects.create(contract=top.contract, warning_percent=50)
    with CaptureQueriesContext(connection) as reads:
        ticket = create_ticket(
            named_contact(top.contract), ams("2026-06-05 17:00"), priority_level="top"
        )
    assert ticket.at_risk_at == ams("2026-06-05 17:30")
    read = {q["sql"].split(" FROM ", 1)[1].split()[0] for q in reads if " FROM " in q["sql"]}
    assert '"contracts_escalationpolicy"' not in read
