"""The portal's contract page shows the last full month's and this month's availability per
service against the targets, and the announced maintenance to come (issue #15 §1)."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from availability.services.maintenance import MaintenanceInput, maintenance_plan
from tests.availability.calendars import ams
from tests.availability.world import cloud_service, record_outage
from tests.factories import UserFactory, named_contact

pytestmark = pytest.mark.django_db

NOW = ams(2026, 3, 9, 10, 0)  # a Monday; February is the last full month


def _portal(contact, language="en"):
    user = UserFactory(username=contact.email, is_staff=False)
    contact.user = user
    contact.save(update_fields=["user"])
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(user)
    return client


def test_the_contract_page_shows_both_months_the_breach_and_the_maintenance():
    service = cloud_service()
    record_outage(service, ams(2026, 2, 11, 10, 0), 4 * 3600)  # February, office hours
    client = _portal(named_contact(service.contract))
    maintenance_plan(
        data=MaintenanceInput(
            provider=service.contract.provider,
            services=[service],
            title="Upgrade integratieplatform",
            start=ams(2026, 3, 12, 21, 0),
            end=ams(2026, 3, 12, 23, 0),
        ),
        by=None,
        now=NOW - timedelta(days=1),
    )
    with time_machine.travel(NOW, tick=False):
        page = client.get(reverse("portal:contract")).content.decode()
    assert "February 2026" in page
    assert "March 2026 so far" in page
    assert 'class="below-target"' in page
    assert "target 99.50 %" in page
    assert "Upgrade integratieplatform" in page


def test_the_contract_page_reads_in_dutch():
    service = cloud_service()
    client = _portal(named_contact(service.contract), language="nl")
    with time_machine.travel(NOW, tick=False):
        page = client.get(reverse("portal:contract")).content.decode()
    assert "Februari 2026" in page


def test_the_availability_adds_a_bounded_number_of_queries_whatever_the_outages():
    service = cloud_service()
    client = _portal(named_contact(service.contract))

    def count():
        with time_machine.travel(NOW, tick=False), CaptureQueriesContext(connection) as ctx:
            client.get(reverse("portal:contract"))
        return len(ctx.captured_queries)

    few = count()
    for day in range(2, 20):
        record_outage(service, ams(2026, 2, day, 3, 0), 600)
    assert count() == few
