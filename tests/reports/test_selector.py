"""The review pack selector (issue #15 §2): compliance per priority (D9), the breaches with
cause and what was done (REP-04), the previous period revisited, volumes, escalations,
problems (D21), CSAT and vendor escalations; no person named; queries independent of tickets."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.selectors import review_pack
from tests.factories import named_contact
from tests.reports.world import AFTER, NOVEMBER, pack_world
from tests.tickets.helpers import ams, create_ticket

pytestmark = pytest.mark.django_db


def _pack(world, now=AFTER):
    return review_pack(contract=world.contract, start=NOVEMBER[0], end=NOVEMBER[1], now=now)


def test_top_response_compliance_counts_the_met_and_the_late_and_excludes_the_exempt():
    world = pack_world()
    (top,) = [line for line in _pack(world).compliance if line.level == "top"]
    assert (top.response.met, top.response.missed, top.response.excluded) == (1, 2, 1)
    assert (str(top.response.percentage), top.response.within_threshold) == ("33.3", False)
    assert str(top.threshold) == "100.00"


@pytest.mark.usefixtures("english")
def test_each_breach_is_listed_with_cause_what_was_done_and_minutes_late():
    world = pack_world()
    breaches = {(b.ticket, b.metric): b for b in _pack(world).breaches}
    late = breaches[(world.late.number, "response")]
    assert (late.late_minutes, late.counted, late.cause) == (60, True, "Certificaat verlopen")
    assert late.done == "Fix: Certificaat vernieuwd"
    assert late.actual == "2026-11-03T11:00+01:00"
    assert late.problem is not None  # every Top incident opens a problem (D21)


def test_a_breach_still_open_at_the_end_of_the_period_counts_until_that_end():
    world = pack_world()
    breach = {(b.ticket, b.metric): b for b in _pack(world).breaches}[
        (world.open_breach.number, "response")
    ]
    assert (breach.actual, breach.done) == (None, "")
    assert breach.late_minutes == 14 * 60  # due 30 Nov 10:00, counted to 1 Dec 00:00


@pytest.mark.usefixtures("english")
def test_an_exempt_breach_is_listed_with_its_reason_but_not_counted():
    world = pack_world()
    exempt = [b for b in _pack(world).breaches if b.ticket == world.exempt.number]
    assert {b.counted for b in exempt} == {False}
    assert exempt[0].cause == "Exempt: geen toegang via trust"


def test_the_previous_months_breaches_are_revisited_with_their_state_now():
    world = pack_world()
    pack = _pack(world)
    assert pack.previous_period.text == "2026-10"
    (october,) = [b for b in pack.previous_breaches if b.metric == "response"]
    assert (october.ticket, october.late_minutes) == (world.october.number, 120)
    assert (october.status, october.resolved) == ("new", None)


def test_volumes_escalations_vendor_escalations_and_csat_of_the_month():
    world = pack_world()
    pack = _pack(world)
    assert pack.volumes.total == 4
    assert {t.key: t.count for t in pack.volumes.by_type}["incident"] == 4
    assert [(t.key, t.count) for t in pack.volumes.by_priority] == [("top", 4)]
    assert {t.key: t.count for t in pack.escalations.by_level} == {"l1": 1, "l2": 0, "l3": 0}
    assert [v.reference for v in pack.vendor_escalations.items] == ["XR-77"]
    assert (pack.csat.answers, str(pack.csat.average)) == (1, "4.0")


def test_the_problem_of_a_top_incident_is_listed_with_its_rca_due_date():
    world = pack_world()
    problems = {p.number: p for p in _pack(world).problems}
    problem = problems[world.late.problem.number]
    assert problem.rca_due == "2026-12-03T12:00+01:00"  # a calendar month after resolution
    assert problem.overdue is False


def test_the_pack_names_no_contact():
    world = pack_world()
    text = json.dumps(_pack(world).to_dict())
    assert "Petra" not in text
    assert "petra@pakket.example" not in text


def test_a_pack_before_the_end_of_the_period_holds_as_of_now():
    world = pack_world()
    pack = _pack(world, now=ams("2026-11-30 12:00"))
    assert pack.as_of == "2026-11-30T12:00+01:00"
    breach = {(b.ticket, b.metric): b for b in pack.breaches}[
        (world.open_breach.number, "response")
    ]
    assert breach.late_minutes == 120


def test_the_number_of_queries_does_not_grow_with_the_tickets():
    world = pack_world()
    _pack(world)  # the catalogue's and calendars' process caches filled
    with CaptureQueriesContext(connection) as few:
        _pack(world)
    contact = named_contact(world.contract)
    for day in range(6, 26):
        create_ticket(contact, ams(f"2026-11-{day:02d} 09:00"), priority_level="hoog")
    with CaptureQueriesContext(connection) as many:
        _pack(world)
    assert len(many) == len(few)


def test_availability_below_the_promise_and_a_fourth_interruption_are_breaches():
    world = pack_world()
    availability = _pack(world).availability
    (month,) = availability.months
    assert (month.service, month.interruptions, month.max_interruptions) == (
        "Integratiedienst",
        4,
        3,
    )
    assert month.office_met is False
    assert {b.promise for b in availability.breaches} == {"office", "interruptions"}
    assert all(world.open_breach.number in o for b in availability.breaches for o in b.outages)
    assert [o.counted for o in availability.outages] == [True] * 4
