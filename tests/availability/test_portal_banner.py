"""The portal shows announced maintenance to the affected customer's contacts only."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import Client

from availability.services.maintenance import MaintenanceInput, maintenance_plan
from tests.availability.calendars import ams
from tests.availability.world import cloud_service
from tests.factories import ContractFactory, UserFactory, named_contact

pytestmark = pytest.mark.django_db

NOW = ams(2026, 3, 9, 10, 0)


def _portal(contact):
    user = UserFactory(username=contact.email, is_staff=False)
    contact.user = user
    contact.save(update_fields=["user"])
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    return client


def test_the_banner_shows_for_the_affected_customer_until_the_work_is_over():
    service = cloud_service()
    affected = _portal(named_contact(service.contract))
    bystander = _portal(named_contact(ContractFactory()))
    maintenance_plan(
        data=MaintenanceInput(
            provider=service.contract.provider,
            services=[service],
            title="Upgrade integratieplatform",
            start=ams(2026, 3, 9, 21, 0),
            end=ams(2026, 3, 9, 23, 0),
        ),
        by=None,
        now=NOW,
    )
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        assert b"Upgrade integratieplatform" in affected.get("/portal/").content
        assert b"Upgrade integratieplatform" not in bystander.get("/portal/").content
    with time_machine.travel(ams(2026, 3, 9, 23, 30), tick=False):
        assert b"Upgrade integratieplatform" not in affected.get("/portal/").content
