"""Planning Azure Event Management events: 5 days, 8 weeks (generic vs Retail), one solution,
short notice waiting for the provider's agreement."""

import pytest

from contracts.exceptions import AemEventRefused
from contracts.models import AemEventStatus
from contracts.services.events import aem_event_agree, aem_event_short_notice_warning
from tests.aem_support import event_input, microsoft_contract, planned_event
from tests.factories import UserFactory
from tests.tickets.helpers import ams

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

NOW = ams("2026-03-02 10:00")  # Monday; 8 weeks later is Monday 27 April


@pytest.fixture
def contract():
    return microsoft_contract("azure-event-management", "retail-event-management")


def refusal(contract, starts, ends, **kwargs):
    with pytest.raises(AemEventRefused) as refused:
        planned_event(contract, starts, ends, now=NOW, **kwargs)
    return refused.value.errors


def test_an_event_of_five_days_with_eight_weeks_notice_is_planned(contract):
    event = planned_event(contract, "2026-04-27", "2026-05-01", now=NOW)
    assert (event.status, event.short_notice) == (AemEventStatus.PLANNED, False)


def test_an_event_of_six_days_is_refused_with_the_advice_to_plan_consecutive_events(contract):
    errors = refusal(contract, "2026-05-04", "2026-05-09")
    assert errors["ends_on"] == (
        "An event covers at most 5 consecutive calendar days; this one has 6. "
        "Plan consecutive events for a longer period."
    )


def test_consecutive_events_cover_a_longer_period(contract):
    planned_event(contract, "2026-05-04", "2026-05-08", now=NOW)
    second = planned_event(contract, "2026-05-09", "2026-05-13", now=NOW)
    assert second.status == AemEventStatus.PLANNED


def test_a_last_day_before_the_first_is_refused(contract):
    assert refusal(contract, "2026-05-04", "2026-05-03")["ends_on"] == (
        "The last day is before the first day."
    )


def test_fifty_five_days_notice_waits_for_the_providers_agreement(contract):
    # Confirmed 2 March, first day 26 April: 55 days.
    event = planned_event(contract, "2026-04-26", "2026-04-27", now=NOW)
    assert (event.status, event.short_notice) == (AemEventStatus.AWAITING_AGREEMENT, True)


def test_the_short_notice_warning_says_what_is_needed(contract):
    warning = aem_event_short_notice_warning(
        event_input(contract, "2026-04-26", "2026-04-27"), now=NOW
    )
    assert warning == (
        "Confirmed 55 days before the start, less than 8 weeks (56 days): the event needs the "
        "provider's agreement before its targets apply, and the pre-event assessment may be "
        "limited."
    )


def test_a_retail_event_at_short_notice_is_refused_without_exception(contract):
    errors = refusal(contract, "2026-04-26", "2026-04-27", is_retail=True)
    assert errors["confirmed_at"] == (
        "A Cloud for Retail event must be confirmed in writing at least 8 weeks (56 days) "
        "before it starts, without exception; the earliest first day is April 27, 2026."
    )


def test_a_retail_event_with_eight_weeks_notice_is_planned(contract):
    event = planned_event(contract, "2026-04-27", "2026-04-28", now=NOW, is_retail=True)
    assert event.status == AemEventStatus.PLANNED


def test_an_earlier_written_confirmation_counts_for_the_notice(contract):
    event = planned_event(
        contract, "2026-04-20", "2026-04-21", now=NOW, confirmed_at=ams("2026-02-20 09:00")
    )
    assert event.status == AemEventStatus.PLANNED


def test_the_agreement_lets_a_short_notice_event_apply(contract):
    event = planned_event(contract, "2026-03-10", "2026-03-11", now=NOW)
    staff = UserFactory()
    event = aem_event_agree(event=event, user=staff, now=NOW)
    assert (event.status, event.agreed_by, event.agreed_at) == (AemEventStatus.PLANNED, staff, NOW)


def test_an_event_with_enough_notice_needs_no_agreement(contract):
    event = planned_event(contract, "2026-04-27", "2026-04-28", now=NOW)
    with pytest.raises(AemEventRefused, match="does not wait for the provider's agreement"):
        aem_event_agree(event=event, user=UserFactory(), now=NOW)


@pytest.mark.parametrize("solution", ["Webshop, Payments", "Webshop and payments", "A; B"])
def test_an_event_covers_one_azure_solution(contract, solution):
    assert refusal(contract, "2026-05-04", "2026-05-05", solution=solution)["solution"] == (
        "An event covers one Azure solution; plan a separate event for each solution."
    )


def test_the_same_solution_cannot_be_covered_twice_on_a_day(contract):
    planned_event(contract, "2026-05-04", "2026-05-06", now=NOW)
    assert refusal(contract, "2026-05-06", "2026-05-07")["solution"] == (
        "An event for Webshop checkout already covers some of these days."
    )


def test_a_contract_without_the_service_cannot_plan_an_event():
    contract = microsoft_contract("rapid-response")
    assert refusal(contract, "2026-05-04", "2026-05-05")["contract"] == (
        f"Contract {contract.reference} does not include Azure Event Management."
    )


def test_an_event_in_the_past_is_refused(contract):
    errors = refusal(contract, "2026-03-02", "2026-03-03")
    assert errors["ends_on"] == "The event must start after today."
