"""`manage.py seed_demo` gives the demo availability (`availability.demo`): services on the
onITnow and CBG contracts, last month's outages (left out, planned in the window, a broken
office-hours promise, some users only) and next week's maintenance announced by mail.

The demo is loaded once for this module inside a transaction rolled back at its end."""

from datetime import date, datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from availability.demo import availability_demo_seed
from availability.models import MaintenanceAnnouncement, MonitoredService, PlannedMaintenance
from availability.selectors import availability_breaches, contract_availability
from availability.selectors_pages import maintenance_announced_for_contract

DEMO_NOW = "2026-11-21T12:00:00+01:00"
NOW = datetime.fromisoformat(DEMO_NOW)
OCTOBER, NOVEMBER = date(2026, 10, 1), date(2026, 11, 1)

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def demo_output(django_db_setup, django_db_blocker):
    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=hashers),
        transaction.atomic(),
    ):
        out = StringIO()
        call_command("seed_demo", "--now", DEMO_NOW, stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


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
