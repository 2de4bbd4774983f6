"""AEM events in the back-office: planned through the same service (the CSAM told of short
notice), the provider's agreement recorded by an action, the summary on the event's page."""

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from contracts.models import AemEvent, AemEventStatus
from notifications.models import OutboxEmail
from tests.aem_support import CSAM, microsoft_contract
from tests.factories import UserFactory
from tests.tickets.helpers import ams

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

NOW = ams("2026-03-02 10:00")


@pytest.fixture
def client():
    user = UserFactory(username="root", is_superuser=True)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@time_machine.travel(NOW, tick=False)
def test_staff_plan_a_short_notice_event_and_agree_to_it(client):
    contract = microsoft_contract("azure-event-management")
    response = client.post(
        reverse("admin:contracts_aemevent_add"),
        {
            "contract": contract.pk,
            "solution": "Webshop",
            "starts_on": "2026-03-20",
            "ends_on": "2026-03-21",
            "confirmed_at_0": "2026-03-02",
            "confirmed_at_1": "09:00",
            "notes": "",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    event = AemEvent.objects.get()
    assert event.status == AemEventStatus.AWAITING_AGREEMENT
    assert (
        OutboxEmail.objects.filter(to_email=CSAM, key__startswith="csam-aem-short-notice:").count()
        == 1
    )
    client.post(
        reverse("admin:contracts_aemevent_changelist"),
        {"action": "agree_short_notice", "_selected_action": [event.pk]},
    )
    event.refresh_from_db()
    assert event.status == AemEventStatus.PLANNED
    assert event.agreed_by.username == "root"


@time_machine.travel(NOW, tick=False)
def test_a_retail_event_at_short_notice_is_refused_on_the_form(client):
    contract = microsoft_contract("retail-event-management")
    response = client.post(
        reverse("admin:contracts_aemevent_add"),
        {
            "contract": contract.pk,
            "solution": "Kassa's",
            "is_retail": "on",
            "starts_on": "2026-03-20",
            "ends_on": "2026-03-21",
            "confirmed_at_0": "2026-03-02",
            "confirmed_at_1": "09:00",
        },
    )
    assert response.status_code == 200
    assert "without exception" in response.content.decode()
    assert not AemEvent.objects.exists()
