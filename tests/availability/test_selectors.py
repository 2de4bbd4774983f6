"""Availability per contract and month, its breaches and the maintenance performed (SPEC §6)."""

from datetime import date, time, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from availability.models import MaintenanceStatus, MaintenanceWindow, PlannedMaintenance
from availability.selectors import (
    INTERRUPTIONS,
    OFFICE,
    availability_breaches,
    contract_availability,
    maintenance_performed,
    maintenance_window_spec,
)
from availability.services.monitored import monitored_service_create
from contracts.models import Provider
from tests.availability.calendars import ams
from tests.availability.world import CREATED, cloud_service, incident, record_outage
from tests.factories import ContractFactory

pytestmark = pytest.mark.django_db

MARCH = (date(2026, 3, 1), date(2026, 4, 1))
MARCH_OFFICE = 22 * 9 * 3600


def test_a_cloud_service_starts_with_the_onitnow_cloud_promise():
    service = cloud_service()
    assert (
        service.office_target_percent,
        service.outside_target_percent,
        service.max_interruptions,
        service.target_basis,
    ) == (Decimal("99.50"), Decimal("95.00"), 3, "contract")


def test_an_on_premise_service_has_no_outside_hours_target():
    contract = ContractFactory(hosting="on_prem")
    service = monitored_service_create(
        contract=contract, name="Integratiedienst", kind="integration_service", now=CREATED
    )
    assert (service.office_target_percent, service.outside_target_percent) == (
        Decimal("97.50"),
        None,
    )


def test_a_cbg_office_365_tenancy_carries_microsofts_guarantee():
    contract = ContractFactory(provider_code="cbg", package_code="basis")
    service = monitored_service_create(
        contract=contract, name="Office 365", kind="office365", now=CREATED
    )
    assert (service.office_target_percent, service.target_basis) == (
        Decimal("99.90"),
        "vendor_guarantee",
    )


def test_a_month_of_a_contract_with_its_outages_and_tickets():
    service = cloud_service()
    ticket = incident(service.contract, ams(2026, 3, 10, 10, 5))
    counted = record_outage(service, ams(2026, 3, 10, 10, 0), 3600, tickets=[ticket])
    excluded = record_outage(
        service, ams(2026, 3, 12, 10, 0), 600, exclusion_reason="third_party_telecom"
    )
    [month] = contract_availability(contract=service.contract, start=MARCH[0], end=MARCH[1])
    assert (month.month, month.service, month.office.down_seconds) == (
        date(2026, 3, 1),
        service,
        3600,
    )
    assert month.office.length_seconds == MARCH_OFFICE
    # 1 - 3600 / 712800 = 99.494...: below 99.5 %.
    assert (month.office.percent, month.office.met, month.met) == (Decimal("99.49"), False, False)
    assert (month.interruptions, month.max_interruptions, month.interruptions_met) == (1, 3, True)
    assert [(o.id, o.ticket_numbers) for o in month.counted] == [(counted.pk, (ticket.number,))]
    assert [(o.id, o.reason) for o in month.excluded] == [(excluded.pk, "third_party_telecom")]


@pytest.mark.usefixtures("english")
def test_the_breach_lists_the_broken_promise_and_its_outages():
    service = cloud_service()
    outage = record_outage(service, ams(2026, 3, 10, 10, 0), 3600)
    [breach] = availability_breaches(contract=service.contract, start=MARCH[0], end=MARCH[1])
    assert (breach.kind, breach.kind_label) == (OFFICE, "availability in office hours")
    assert (breach.achieved, breach.promised, breach.down_seconds) == ("99.49 %", "99.50 %", 3600)
    assert [o.id for o in breach.outages] == [outage.pk]


def test_a_fourth_interruption_is_a_breach_of_its_own():
    service = cloud_service()
    for day in (3, 10, 17, 24):
        record_outage(service, ams(2026, 3, day, 2, 0), 60)
    breaches = availability_breaches(contract=service.contract, start=MARCH[0], end=MARCH[1])
    assert [(b.kind, b.achieved, b.promised) for b in breaches] == [(INTERRUPTIONS, "4", "3")]


def test_a_met_month_has_no_breach():
    service = cloud_service()
    record_outage(service, ams(2026, 3, 10, 10, 0), 3564)
    assert availability_breaches(contract=service.contract, start=MARCH[0], end=MARCH[1]) == []


def test_months_outside_the_contract_are_not_listed():
    service = cloud_service(start_date=date(2026, 2, 15), end_date=date(2026, 3, 31))
    months = contract_availability(
        contract=service.contract, start=date(2026, 1, 1), end=date(2026, 6, 1)
    )
    assert [m.month for m in months] == [date(2026, 2, 1), date(2026, 3, 1)]


def test_planned_work_in_the_onitnow_window_is_left_out_without_a_stored_window():
    service = cloud_service()
    record_outage(service, ams(2026, 3, 10, 21, 0), 3600, planned=True)
    [month] = contract_availability(contract=service.contract, start=MARCH[0], end=MARCH[1])
    assert (month.outside.down_seconds, [o.reason for o in month.excluded]) == (
        0,
        ["maintenance_window"],
    )


def test_a_stored_window_replaces_the_default():
    provider = Provider.objects.get(code="onitnow")
    MaintenanceWindow.objects.create(
        provider=provider, weekdays=[5, 6], start_time=time(8), end_time=time(12)
    )
    spec = maintenance_window_spec(provider)
    assert (spec.weekdays, spec.start, spec.end) == (frozenset({5, 6}), time(8), time(12))


def test_cbg_has_no_maintenance_window():
    assert maintenance_window_spec(Provider.objects.get(code="cbg")) is None


def test_the_queries_do_not_grow_with_outages_or_tickets():
    service = cloud_service()
    record_outage(service, ams(2026, 3, 2, 2, 0), 60)

    def count():
        with CaptureQueriesContext(connection) as queries:
            contract_availability(
                contract=service.contract, start=date(2026, 1, 1), end=date(2027, 1, 1)
            )
        return len(queries)

    count()  # the process caches (calendar revision) are warm from here on
    few = count()
    for day in range(3, 28):
        ticket = incident(service.contract, ams(2026, 3, day, 9, 0))
        record_outage(service, ams(2026, 3, day, 2, 0), 60, tickets=[ticket])
    assert count() == few
    assert few <= 6


def test_maintenance_performed_lists_this_contracts_work_in_the_period():
    service = cloud_service()
    other = cloud_service()
    provider = service.contract.provider

    def plan(title, start, services, **fields):
        row = PlannedMaintenance.objects.create(
            provider=provider,
            title=title,
            start=start,
            end=start + timedelta(hours=2),
            created_at=CREATED,
            **fields,
        )
        row.services.set(services)
        return row

    done = plan("Upgrade", ams(2026, 3, 10, 21, 0), [service, other], inside_window=True)
    plan("Cancelled", ams(2026, 3, 11, 21, 0), [service], status=MaintenanceStatus.CANCELLED)
    plan("Other customer", ams(2026, 3, 12, 21, 0), [other])
    plan("April", ams(2026, 4, 1, 0, 30), [service])
    lines = maintenance_performed(contract=service.contract, start=MARCH[0], end=MARCH[1])
    assert [(m.id, m.service_names, m.inside_window) for m in lines] == [
        (done.pk, ("Integratiedienst",), True)
    ]
