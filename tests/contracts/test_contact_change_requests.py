"""Named-contact change requests: asked in the portal, decided by a coordinator (D14)."""

from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import Group

from contracts.exceptions import ContactChangeDecided, ContactChangeError
from contracts.models import (
    Contact,
    ContactChangeRequest,
    ContactChangeStatus,
    ContactRole,
    ContactRoleKind,
)
from contracts.services.contacts import (
    contact_change_approve,
    contact_change_reject,
    contact_change_request_record,
)
from notifications.models import OutboxEmail
from portal.services import contact_change_request
from tests.factories import ContactFactory, ContractFactory, UserFactory, named_contact

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


ASKED = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
DECIDED = datetime(2026, 6, 2, 10, 0, tzinfo=UTC)
NAMED = ContactRoleKind.NAMED_CONTACT


@pytest.fixture
def core():
    """A Microsoft Core contract (at most 10 named contacts) with its support services manager."""
    contract = ContractFactory(provider_code="microsoft", package_code="core")
    manager = ContactFactory(customer=contract.customer, name="Mia Manager")
    ContactRole.objects.create(
        contact=manager, contract=contract, role=ContactRoleKind.SUPPORT_SERVICES_MANAGER
    )
    return contract, manager


@pytest.fixture
def coordinator():
    user = UserFactory(username="coordinator", email="coord@provider.example")
    user.groups.add(Group.objects.get(name="Support coordinator"))
    return user


def _ask(contract, manager, action="add", email="nieuw@klant.example", note="Nieuwe collega"):
    return contact_change_request_record(
        requested_by=manager,
        contracts=[contract],
        action=action,
        name="Nina Nieuw",
        email=email,
        note=note,
        now=ASKED,
    )


def _fill(contract, count):
    for _ in range(count):
        named_contact(contract)


def test_the_portal_request_is_stored_and_mailed_to_the_coordinators(core, coordinator):
    contract, manager = core

    written = contact_change_request(
        contact=manager,
        contracts=[contract],
        action="add",
        name="Nina Nieuw",
        email="nina@klant.example",
        note="Start maandag",
        now=ASKED,
    )

    stored = ContactChangeRequest.objects.get()
    assert (stored.customer, stored.requested_by, list(stored.contracts.all())) == (
        contract.customer,
        manager,
        [contract],
    )
    assert (stored.action, stored.name, stored.email, stored.note, stored.status) == (
        "add",
        "Nina Nieuw",
        "nina@klant.example",
        "Start maandag",
        ContactChangeStatus.PENDING,
    )
    assert (stored.created_at, stored.decided_at, stored.contact) == (ASKED, None, None)
    mail = OutboxEmail.objects.get(to_email="coord@provider.example")
    assert written == 1
    assert f"/admin/contracts/contactchangerequest/{stored.pk}/change/" in mail.body_text


def test_approving_an_addition_creates_the_named_contact(core, coordinator):
    contract, manager = core
    request = _ask(contract, manager)

    decided = contact_change_approve(request=request, now=DECIDED, actor=coordinator, note="ok")

    contact = Contact.objects.get(customer=contract.customer, email="nieuw@klant.example")
    assert (contact.name, contact.is_active) == ("Nina Nieuw", True)
    assert ContactRole.objects.filter(contact=contact, contract=contract, role=NAMED).count() == 1
    decided.refresh_from_db()
    assert (decided.status, decided.decided_by, decided.decided_at, decided.decision_note) == (
        ContactChangeStatus.APPROVED,
        coordinator,
        DECIDED,
        "ok",
    )
    assert decided.contact == contact


def test_approving_an_addition_reactivates_a_former_contact(core, coordinator):
    contract, manager = core
    former = ContactFactory(customer=contract.customer, email="Nieuw@Klant.example")
    former.is_active = False
    former.save()

    contact_change_approve(request=_ask(contract, manager), now=DECIDED, actor=coordinator)

    former.refresh_from_db()
    assert former.is_active is True
    assert list(former.roles.values_list("role", flat=True)) == [NAMED]
    assert Contact.objects.filter(customer=contract.customer).count() == 2


def test_an_approval_above_the_cap_is_refused_and_the_request_stays_pending(core, coordinator):
    contract, manager = core
    request = _ask(contract, manager)
    _fill(contract, 10)  # the Core limit was reached after the request was made

    with pytest.raises(ContactChangeError, match=r"stays pending: .*allows 10 named contacts"):
        contact_change_approve(request=request, now=DECIDED, actor=coordinator)

    request.refresh_from_db()
    assert (request.status, request.decided_at) == (ContactChangeStatus.PENDING, None)
    assert not Contact.objects.filter(email="nieuw@klant.example").exists()
    assert ContactRole.objects.filter(contract=contract, role=NAMED).count() == 10


def test_approving_a_removal_ends_the_role_and_deactivates_a_contact_without_roles(
    core, coordinator
):
    contract, manager = core
    leaving = named_contact(contract, email="weg@klant.example")

    contact_change_approve(
        request=_ask(contract, manager, action="remove", email="weg@klant.example"),
        now=DECIDED,
        actor=coordinator,
    )

    leaving.refresh_from_db()
    assert (leaving.is_active, leaving.roles.count()) == (False, 0)


def test_removing_someone_who_is_not_a_named_contact_is_refused(core, coordinator):
    contract, manager = core
    request = _ask(contract, manager, action="remove", email=manager.email)

    with pytest.raises(ContactChangeError, match="is not a named contact under"):
        contact_change_approve(request=request, now=DECIDED, actor=coordinator)

    manager.refresh_from_db()
    assert manager.is_active is True


def test_a_rejection_needs_a_note(core, coordinator):
    contract, manager = core
    request = _ask(contract, manager)

    with pytest.raises(ContactChangeError, match="A reason is required"):
        contact_change_reject(request=request, note="  ", now=DECIDED, actor=coordinator)
    rejected = contact_change_reject(
        request=request, note="Not an employee", now=DECIDED, actor=coordinator
    )

    rejected.refresh_from_db()
    assert (rejected.status, rejected.decision_note, rejected.decided_by) == (
        ContactChangeStatus.REJECTED,
        "Not an employee",
        coordinator,
    )
    assert not Contact.objects.filter(email="nieuw@klant.example").exists()


def test_a_request_is_decided_only_once(core, coordinator):
    contract, manager = core
    request = _ask(contract, manager)
    contact_change_approve(request=request, now=DECIDED, actor=coordinator)

    with pytest.raises(ContactChangeDecided, match="already approved"):
        contact_change_reject(request=request, note="too late", now=DECIDED, actor=coordinator)
    with pytest.raises(ContactChangeDecided, match="already approved"):
        contact_change_approve(request=request, now=DECIDED, actor=coordinator)

    request.refresh_from_db()
    assert (request.status, request.decision_note) == (ContactChangeStatus.APPROVED, "")


# --- the back-office --------------------------------------------------------------------------

CHANGELIST = "/admin/contracts/contactchangerequest/"


def _change_url(request):
    return f"{CHANGELIST}{request.pk}/change/"


def test_the_admin_approves_from_the_change_page(admin_client, admin_user, core):
    contract, manager = core
    request = _ask(contract, manager)
    page = admin_client.get(_change_url(request), HTTP_ACCEPT_LANGUAGE="en")

    response = admin_client.post(_change_url(request), {"_approve": "1", "decision_note": "ok"})

    request.refresh_from_db()
    assert b'name="_approve"' in page.content
    assert b'name="_save"' not in page.content
    assert response.status_code == 302
    assert (request.status, request.decided_by, request.decision_note) == (
        ContactChangeStatus.APPROVED,
        admin_user,
        "ok",
    )
    assert ContactRole.objects.filter(contact=request.contact, role=NAMED).count() == 1


def test_the_admin_shows_the_cap_and_keeps_the_request_pending(admin_client, core):
    contract, manager = core
    request = _ask(contract, manager)
    _fill(contract, 10)

    response = admin_client.post(
        _change_url(request), {"_approve": "1"}, follow=True, HTTP_ACCEPT_LANGUAGE="en"
    )

    request.refresh_from_db()
    assert b"allows 10 named contacts" in response.content
    assert request.status == ContactChangeStatus.PENDING


def test_the_admin_reject_without_a_note_changes_nothing(admin_client, core):
    contract, manager = core
    request = _ask(contract, manager)

    response = admin_client.post(
        _change_url(request),
        {"_reject": "1", "decision_note": ""},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )

    request.refresh_from_db()
    assert b"A reason is required to reject a request." in response.content
    assert request.status == ContactChangeStatus.PENDING


def test_the_reject_action_asks_for_a_note_then_rejects(admin_client, core):
    contract, manager = core
    first, second = _ask(contract, manager), _ask(contract, manager, email="ander@klant.example")
    selected = {"action": "reject_selected", "_selected_action": [first.pk, second.pk]}

    asked = admin_client.post(CHANGELIST, selected, HTTP_ACCEPT_LANGUAGE="en")
    done = admin_client.post(
        CHANGELIST, {**selected, "confirm": "yes", "decision_note": "Geen medewerker"}
    )

    assert asked.status_code == 200
    assert b'name="decision_note"' in asked.content
    assert done.status_code == 302
    assert list(
        ContactChangeRequest.objects.order_by("pk").values_list("status", "decision_note")
    ) == [
        (ContactChangeStatus.REJECTED, "Geen medewerker"),
        (ContactChangeStatus.REJECTED, "Geen medewerker"),
    ]


def test_the_approve_action_approves_each_pending_request(admin_client, core):
    contract, manager = core
    first, second = _ask(contract, manager), _ask(contract, manager, email="ander@klant.example")

    admin_client.post(
        CHANGELIST, {"action": "approve_selected", "_selected_action": [first.pk, second.pk]}
    )

    assert set(ContactChangeRequest.objects.values_list("status", flat=True)) == {"approved"}
    assert set(
        ContactRole.objects.filter(contract=contract, role=NAMED).values_list(
            "contact__email", flat=True
        )
    ) == {"nieuw@klant.example", "ander@klant.example"}


def test_the_list_shows_pending_requests_first(admin_client, core, coordinator):
    contract, manager = core
    _ask(contract, manager, email="pending@klant.example")
    decided = _ask(contract, manager, email="decided@klant.example")  # newer, but decided
    contact_change_reject(request=decided, note="nee", now=DECIDED, actor=coordinator)

    page = admin_client.get(CHANGELIST, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert page.index("pending@klant.example") < page.index("decided@klant.example")


def test_the_customer_page_counts_pending_requests(admin_client, core):
    contract, manager = core
    _ask(contract, manager)
    _ask(contract, manager, email="ander@klant.example")

    page = admin_client.get(
        f"/admin/contracts/customer/{contract.customer.pk}/change/", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()

    assert "2 pending" in page
