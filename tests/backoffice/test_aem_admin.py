"""AEM events in the back-office: planned through the same service (the CSAM told of short
notice), the provider's agreement recorded by an action, the summary on the event's page; the
support coordinators plan and agree, every other role reads, a CSAM their own contracts' events
(backoffice.0006, contracts.staff_scope)."""

import pytest
import time_machine
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from contracts.models import AemEvent, AemEventStatus
from notifications.models import OutboxEmail
from tests.aem_support import CSAM, microsoft_contract, planned_event
from tests.factories import UserFactory
from tests.tickets.helpers import ams

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

NOW = ams("2026-03-02 10:00")

COORDINATOR = "Support coordinator"
FIRST = "First line"
CSAM_ROLE = "Customer success account manager"
SHORT_NOTICE = {
    "solution": "Webshop",
    "starts_on": "2026-03-20",
    "ends_on": "2026-03-21",
    "confirmed_at_0": "2026-03-02",
    "confirmed_at_1": "09:00",
    "notes": "",
}
ADD = reverse("admin:contracts_aemevent_add")
CHANGELIST = reverse("admin:contracts_aemevent_changelist")


@pytest.fixture
def client():
    user = UserFactory(username="root", is_superuser=True)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@time_machine.travel(NOW, tick=False)
def test_staff_plan_a_short_notice_event_and_agree_to_it(client):
    contract = microsoft_contract("azure-event-management")
    response = client.post(ADD, {"contract": contract.pk, **SHORT_NOTICE})
    assert response.status_code == 302, response.context["adminform"].form.errors
    event = AemEvent.objects.get()
    assert event.status == AemEventStatus.AWAITING_AGREEMENT
    assert (
        OutboxEmail.objects.filter(to_email=CSAM, key__startswith="csam-aem-short-notice:").count()
        == 1
    )
    _agree(client, event)
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


def _member(role: str, language: str = "en") -> tuple[User, Client]:
    user = UserFactory(username=f"aem-{role.split()[0].lower()}")
    user.groups.add(Group.objects.get(name=role))
    member = Client(HTTP_ACCEPT_LANGUAGE=language)
    member.force_login(user)
    return user, member


def _change(event: AemEvent) -> str:
    return reverse("admin:contracts_aemevent_change", args=[event.pk])


def _agree(member: Client, event: AemEvent) -> None:
    member.post(CHANGELIST, {"action": "agree_short_notice", "_selected_action": [event.pk]})


@time_machine.travel(NOW, tick=False)
def test_a_support_coordinator_plans_a_short_notice_event_and_agrees_to_it():
    user, coordinator = _member(COORDINATOR)
    contract = microsoft_contract("azure-event-management")

    response = coordinator.post(ADD, {"contract": contract.pk, **SHORT_NOTICE})
    event = AemEvent.objects.get()
    waiting = event.status
    _agree(coordinator, event)

    assert response.status_code == 302
    assert (waiting, event.requested_by_user) == (AemEventStatus.AWAITING_AGREEMENT, user)
    event.refresh_from_db()
    assert (event.status, event.agreed_by) == (AemEventStatus.PLANNED, user)


@time_machine.travel(NOW, tick=False)
def test_the_first_line_reads_events_but_cannot_plan_agree_or_change_them():
    event = planned_event(
        microsoft_contract("azure-event-management"),
        "2026-03-20",
        "2026-03-21",
        now=NOW,
    )
    _, first = _member(FIRST)

    listing = first.get(CHANGELIST)
    page = first.get(_change(event))
    _agree(first, event)

    assert listing.status_code == 200
    assert event.solution in listing.content.decode()
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert first.get(ADD).status_code == 403
    assert first.post(ADD, {"contract": event.contract_id, **SHORT_NOTICE}).status_code == 403
    event.refresh_from_db()
    assert (event.status, AemEvent.objects.count()) == (AemEventStatus.AWAITING_AGREEMENT, 1)


@time_machine.travel(NOW, tick=False)
def test_a_planned_event_is_not_edited_even_by_a_coordinator():
    event = planned_event(
        microsoft_contract("azure-event-management"), "2026-06-01", "2026-06-02", now=NOW
    )
    _, coordinator = _member(COORDINATOR)

    page = coordinator.get(_change(event))
    refused = coordinator.post(_change(event), {"solution": "Iets anders"})

    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert refused.status_code == 403
    event.refresh_from_db()
    assert event.solution == "Webshop checkout"


@time_machine.travel(NOW, tick=False)
def test_a_csam_reads_only_the_events_of_their_own_contracts():
    user, csam = _member(CSAM_ROLE)
    own = microsoft_contract("azure-event-management", csam=False)
    own.csam = user
    own.save(update_fields=["csam"])
    other = microsoft_contract("azure-event-management")
    mine = planned_event(own, "2026-06-01", "2026-06-02", now=NOW, solution="Eigen webshop")
    theirs = planned_event(other, "2026-06-01", "2026-06-02", now=NOW, solution="Andere kassa")

    listing = csam.get(CHANGELIST).content.decode()

    assert "Eigen webshop" in listing
    assert "Andere kassa" not in listing
    assert csam.get(_change(mine)).status_code == 200
    assert csam.get(_change(theirs)).status_code == 302  # the admin's "does not exist"
    assert csam.get(ADD).status_code == 403


@time_machine.travel(NOW, tick=False)
def test_a_too_large_assessment_is_refused_on_the_form(settings):
    settings.INTAKE_MAX_ATTACHMENT_BYTES = 2**20
    _, coordinator = _member(COORDINATOR)
    contract = microsoft_contract("azure-event-management")
    upload = SimpleUploadedFile("beoordeling.pdf", b"%PDF-1.4 " + b"x" * 2**20)

    response = coordinator.post(
        ADD, {"contract": contract.pk, **SHORT_NOTICE, "assessment": upload}
    )

    assert response.status_code == 200
    assert "beoordeling.pdf is larger than 1 MB." in response.content.decode()
    assert not AemEvent.objects.exists()


@pytest.mark.parametrize(
    ("language", "words"),
    [("nl", ("Azure-oplossing", "Beoordeling vooraf")), ("en", ("Azure solution", "Pre-event"))],
)
@time_machine.travel(NOW, tick=False)
def test_the_event_pages_load_in_dutch_and_english(language, words):
    event = planned_event(
        microsoft_contract("azure-event-management"), "2026-06-01", "2026-06-02", now=NOW
    )
    _, coordinator = _member(COORDINATOR, language)
    solution, assessment = words

    listing = coordinator.get(CHANGELIST)
    add = coordinator.get(ADD)
    page = coordinator.get(_change(event))

    assert (listing.status_code, add.status_code, page.status_code) == (200, 200, 200)
    assert solution in add.content.decode()
    assert assessment in add.content.decode()
    assert solution in page.content.decode()
