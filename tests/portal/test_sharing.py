"""Sharing in the portal (D15, issue #11 §5): an unshared ticket is its reporter's and the
manager's only; the reporter or the manager changes that on the ticket page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from contracts.models import ContactRoleKind
from tests.portal.conftest import client_for, contact_in_role
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def _share(client, ticket: Ticket, shared: bool):
    url = reverse("portal:ticket_sharing", args=[ticket.number])
    return client.post(url, {"shared": "yes" if shared else "no"}, follow=True)


def test_a_colleague_does_not_see_an_unshared_ticket_until_it_is_shared(org_a):
    own = org_a.tickets["own"]  # Noor's, not shared
    colleague = contact_in_role(org_a.contract, ContactRoleKind.NAMED_CONTACT)
    page = reverse("portal:ticket", args=[own.number])
    assert client_for(colleague).get(page).status_code == 404
    assert own.number not in client_for(colleague).get(reverse("portal:tickets")).content.decode()
    _share(client_for(org_a.named), own, True)
    assert client_for(colleague).get(page).status_code == 200
    assert own.number in client_for(colleague).get(reverse("portal:tickets")).content.decode()


def test_the_reporter_sees_the_switch_and_stops_sharing(org_a):
    shared = org_a.tickets["shared"]  # Mia's
    client = client_for(org_a.manager)
    page = client.get(reverse("portal:ticket", args=[shared.number])).content.decode()
    assert reverse("portal:ticket_sharing", args=[shared.number]) in page
    _share(client, shared, False)
    assert Ticket.objects.get(pk=shared.pk).shared_with_organisation is False
    page = client_for(org_a.named).get(reverse("portal:ticket", args=[shared.number]))
    assert page.status_code == 404


def test_the_manager_shares_a_colleagues_ticket(org_a):
    own = org_a.tickets["own"]
    _share(client_for(org_a.manager), own, True)
    assert Ticket.objects.get(pk=own.pk).shared_with_organisation is True


def test_a_colleague_who_sees_a_shared_ticket_cannot_unshare_it(org_a):
    shared = org_a.tickets["shared"]
    client = client_for(org_a.named)
    page = client.get(reverse("portal:ticket", args=[shared.number])).content.decode()
    assert reverse("portal:ticket_sharing", args=[shared.number]) not in page
    response = _share(client, shared, False)
    assert "kan wijzigen wie het" in response.content.decode()
    assert Ticket.objects.get(pk=shared.pk).shared_with_organisation is True


def test_the_sharing_address_takes_posts_only(org_a):
    url = reverse("portal:ticket_sharing", args=[org_a.tickets["shared"].number])
    assert client_for(org_a.manager).get(url).status_code == 405


def test_an_invisible_tickets_sharing_answers_404(org_a):
    private = org_a.tickets["private"]  # Mia's, not shared
    response = client_for(org_a.named).post(
        reverse("portal:ticket_sharing", args=[private.number]), {"shared": "yes"}
    )
    assert response.status_code == 404
    assert Ticket.objects.get(pk=private.pk).shared_with_organisation is False
