"""`manage.py seed_demo` gives the demo availability (`availability.demo`): services on the
onITnow and CBG contracts, last month's outages (left out, planned in the window, a broken
office-hours promise, some users only) and next week's maintenance announced by mail.

The demo is loaded once for the package (tests/demo/conftest.py)."""

from datetime import date, datetime

import pytest

from availability.demo import availability_demo_seed
from availability.models import MaintenanceAnnouncement, MonitoredService, PlannedMaintenance
from availability.selectors import availability_breaches, contract_availability
from availability.selectors_pages import maintenance_announced_for_contract
from tests.demo.seeding import DEMO_NOW

NOW = datetime.fromisoformat(DEMO_NOW)
OCTOBER, NOVEMBER = date(2026, 10, 1), date(2026, 11, 1)

pytestmark = pytest.mark.django_db


def service(code: str) -> MonitoredService:
    return MonitoredService.objects.select_related("contract").get(contract__customer__code=code)


def test_the_output_counts_the_availability_part(demo_output):
    assert "availability: 3 monitored services, 4 outages, 1 planned maintenance" in demo_output


def test_bakkerij_van_dam_broke_its_office_hours_promise_last_month():
    contract = service("bakkerij-vandam").contract
    breaches = availability_breaches(contract=contract, start=OCTOBER, end=NOVEMBER)
    (row,) = contract_availability(contract=contract, start=OCTOBER, end=NOVEMBER)
    assert [b.kind for b in breaches] == ["office"]
    assert [line.reason for line in row.excluded] == ["third_party_telecom"]


def test_kuipers_planned_work_and_the_partial_outage_are_left_out():
    contract = service("kuipers-installatie").contract
    (row,) = contract_availability(contract=contract, start=OCTOBER, end=NOVEMBER)
    assert sorted(line.reason for line in row.excluded) == ["maintenance_window", "some_users"]
    assert row.met is True


def test_next_weeks_maintenance_is_announced_to_bakkerij_van_dams_contacts():
    contract = service("bakkerij-vandam").contract
    (maintenance,) = maintenance_announced_for_contract(contract_id=contract.pk, now=NOW)
    assert (maintenance.inside_window, maintenance.start.date()) == (True, date(2026, 11, 24))
    assert MaintenanceAnnouncement.objects.filter(maintenance=maintenance).count() >= 1


def test_a_second_run_changes_nothing():
    before = PlannedMaintenance.objects.count(), MonitoredService.objects.count()
    assert availability_demo_seed(now=NOW) == {}
    assert (PlannedMaintenance.objects.count(), MonitoredService.objects.count()) == before
