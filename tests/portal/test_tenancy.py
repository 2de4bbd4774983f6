"""Tenancy (D15): a contact sees only its organisation, and within it what its role allows.

The walk iterates `portal.urls.urlpatterns`, so a new portal URL fails
`test_every_portal_url_is_classified` until it is put in one of the sets below.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from contracts.models import AemEvent
from portal import urls as portal_urls
from tests.factories import UserFactory
from tests.portal.conftest import Org, b_strings, client_for, leaked
from tickets.models import Ticket, TicketMessage

pytestmark = pytest.mark.django_db

# Public authentication pages: no organisation data on them.
AUTH_PAGES = {
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "language",  # the language switch (POST only), before and after login
}
# Pages about one object, named by the URL: another organisation's object answers 404.
OBJECT_PAGES = {"ticket", "ticket_sharing", "event_assessment"}
# Actions on one object that take a POST only: a GET is not allowed (405, before any lookup), and
# a POST about another organisation's object answers 404.
POST_OBJECT_PAGES = {"ticket_procedure"}
# Pages about the signed-in contact's own organisation.
ORGANISATION_PAGES = {
    "home",
    "tickets",
    "ticket_new",
    "contract",
    "organisation",
    "preferences",
    "api_tokens",
    "events",
    "phone_codes",
    "remote_access",
    "usage",  # issue #14 §4: a named contact sees its own tickets' lines, the manager more
    "reports",  # issue #15 §2: the organisation's contracts' service review packs
}
# Of those, the support services manager's only: another contact gets a 404.
MANAGER_PAGES = {
    "organisation",
    "api_tokens",
    "events",
    "phone_codes",
    "remote_access",
    "reports",
}
PATTERNS = portal_urls.urlpatterns
ACTIONS = ("reply", "priority", "escalate", "unsatisfied", "confirm", "reopen", "survey")


def _url(pattern: URLPattern, org: Org, number: str) -> str:
    user = org.manager.user
    values = {
        "number": number,
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": "not-a-valid-token",
        # Organisation B's event, if it has one (an AEM contract); else one that never existed.
        "pk": AemEvent.objects.filter(contract=org.contract).values_list("pk", flat=True).first()
        or 10**9,
    }
    kwargs = {name: values[name] for name in pattern.pattern.converters}
    return reverse(f"portal:{pattern.name}", kwargs=kwargs)


def test_every_portal_url_is_classified():
    names = {p.name for p in PATTERNS}
    assert names == AUTH_PAGES | OBJECT_PAGES | POST_OBJECT_PAGES | ORGANISATION_PAGES
    for pattern in PATTERNS:
        if pattern.pattern.converters and pattern.name not in AUTH_PAGES:
            assert pattern.name in OBJECT_PAGES | POST_OBJECT_PAGES, pattern.name


def _b_unchanged(org_b: Org) -> None:
    ticket = org_b.tickets["secret"]
    assert Ticket.objects.filter(customer=org_b.customer).count() == 1
    assert TicketMessage.objects.filter(ticket=ticket).count() == 2
    assert Ticket.objects.get(pk=ticket.pk).status == ticket.status


@pytest.mark.parametrize("pattern", PATTERNS, ids=lambda p: p.name)
@pytest.mark.parametrize("role", ["manager", "named"])
def test_another_organisations_data_never_shows(pattern, role, org_a, org_b):
    contact = getattr(org_a, role)
    client = client_for(contact)
    url = _url(pattern, org_b, org_b.tickets["secret"].number)
    forbidden = b_strings(org_b)
    get = client.get(url)
    if pattern.name in OBJECT_PAGES:
        assert get.status_code == 404
        for action in ACTIONS:
            post = client.post(
                url,
                {
                    "action": action,
                    f"{action}-body": "x",
                    f"{action}-reason": "x",
                    f"{action}-score": 5,
                },
            )
            assert post.status_code == 404, action
            assert leaked(post.content, forbidden) == []
    elif pattern.name in POST_OBJECT_PAGES:
        assert get.status_code == 405
        post = client.post(url, {"reason": "Niet naar tevredenheid opgelost"})
        assert post.status_code == 404
        assert leaked(post.content, forbidden) == []
    elif pattern.name in AUTH_PAGES:
        # Public pages: a signed-in contact is sent on (login), GET logout is not allowed.
        assert get.status_code in (200, 302, 405)
        if get.status_code == 302:
            assert get["Location"].startswith("/portal/")
    elif pattern.name in MANAGER_PAGES and role == "named":
        assert get.status_code == 404
    else:
        assert get.status_code == 200
    assert leaked(get.content, forbidden) == []
    _b_unchanged(org_b)


@pytest.mark.parametrize(
    "query", ["?everything=1", "?everything=1&q=Bravo", "?q=SD-&sort=-created_at&everything=on"]
)
def test_searching_for_the_other_organisation_finds_nothing(query, org_a, org_b):
    response = client_for(org_a.manager).get(reverse("portal:tickets") + query)
    assert response.status_code == 200
    assert leaked(response.content, b_strings(org_b)) == []
    if "Bravo" in query:
        assert org_a.tickets["shared"].number not in response.content.decode()


def test_a_new_ticket_under_the_other_organisations_contract_is_refused(org_a, org_b):
    client = client_for(org_a.manager)
    response = client.post(
        reverse("portal:ticket_new"),
        {
            "contract": org_b.contract.pk,
            "request_type": "incident",
            "subject": "Onder contract B",
            "description": "Poging",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["contract"]
    assert not Ticket.objects.filter(subject="Onder contract B").exists()
    assert leaked(response.content, b_strings(org_b)) == []


@pytest.mark.parametrize("role", ["manager", "named"])
def test_the_other_organisations_attachment_answers_404_without_content(role, org_a, org_b):
    """The download view lives in intake; the portal links to it (D15: 404, not 403)."""
    client = client_for(getattr(org_a, role))
    attachment = org_b.attachment("secret")
    response = client.get(reverse("attachment-download", args=[attachment.pk]))
    assert response.status_code == 404
    assert b"%PDF" not in response.content
    assert leaked(response.content, b_strings(org_b)) == []
    # Indistinguishable from an attachment that does not exist.
    missing = client.get(reverse("attachment-download", args=[attachment.pk + 1000]))
    assert missing.status_code == 404


def test_own_organisations_attachment_downloads_for_the_manager(org_a):
    for key in ("private", "shared", "own"):
        attachment = org_a.attachment(key)
        response = client_for(org_a.manager).get(
            reverse("attachment-download", args=[attachment.pk])
        )
        assert response.status_code == 200, key
        assert b"".join(response.streaming_content).startswith(b"%PDF")


def _numbers(response) -> str:
    return response.content.decode()


def test_a_named_contact_sees_its_own_and_shared_tickets_only(org_a):
    client = client_for(org_a.named)
    private = org_a.tickets["private"].number
    assert client.get(reverse("portal:organisation")).status_code == 404
    assert client.get(reverse("portal:ticket", args=[private])).status_code == 404
    post = client.post(
        reverse("portal:ticket", args=[private]), {"action": "reply", "reply-body": "x"}
    )
    assert post.status_code == 404
    assert org_a.tickets["private"].messages.count() == 1
    for key in ("shared", "own"):
        page = client.get(reverse("portal:ticket", args=[org_a.tickets[key].number]))
        assert page.status_code == 200, key
        assert org_a.tickets[key].subject in page.content.decode()
    for query in ("", "?everything=1"):
        listing = _numbers(client.get(reverse("portal:tickets") + query))
        assert org_a.tickets["shared"].number in listing
        assert org_a.tickets["own"].number in listing
        assert private not in listing
    home = _numbers(client.get(reverse("portal:home")))
    assert private not in home
    assert "Mia prive" not in home


def test_a_named_contact_cannot_download_an_unshared_tickets_attachment(org_a):
    attachment = org_a.attachment("private")
    response = client_for(org_a.named).get(reverse("attachment-download", args=[attachment.pk]))
    assert response.status_code == 404


def test_the_managers_everything_list_shows_all_of_the_organisation(org_a, org_b):
    client = client_for(org_a.manager)
    mine = _numbers(client.get(reverse("portal:tickets")))
    everything = _numbers(client.get(reverse("portal:tickets") + "?everything=1"))
    assert org_a.tickets["own"].number not in mine  # Noor's, not shared: only with everything
    for ticket in org_a.tickets.values():
        assert ticket.number in everything
    assert org_b.tickets["secret"].number not in everything
    own = client.get(reverse("portal:ticket", args=[org_a.tickets["own"].number]))
    assert own.status_code == 200
    assert client.get(reverse("portal:organisation")).status_code == 200


def _organisation_urls(org: Org) -> list[str]:
    """Every non-public portal page, filled in with the organisation's own shared ticket."""
    number = org.tickets["shared"].number
    return [_url(p, org, number) for p in PATTERNS if p.name in ORGANISATION_PAGES | OBJECT_PAGES]


def test_an_inactive_contact_gets_403_everywhere(org_a):
    org_a.named.is_active = False
    org_a.named.save(update_fields=["is_active"])
    client = client_for(org_a.named)
    for url in _organisation_urls(org_a):
        assert client.get(url).status_code == 403, url
    download = reverse("attachment-download", args=[org_a.attachment("shared").pk])
    assert client.get(download).status_code == 404  # intake's view: refused, nothing disclosed
    post = client.post(
        reverse("portal:ticket", args=[org_a.tickets["own"].number]),
        {"action": "reply", "reply-body": "nog actief?"},
    )
    assert post.status_code == 403
    assert org_a.tickets["own"].messages.count() == 1
    # The login page sends a signed-in user on, to a page that refuses it.
    assert client.get(reverse("portal:login"), follow=True).status_code == 403


@pytest.mark.parametrize("kind", ["staff", "superuser", "no-contact"])
def test_users_who_are_not_active_contacts_get_403_on_portal_pages(kind, org_a):
    user = UserFactory(
        username=f"user-{kind}",
        is_staff=kind != "no-contact",
        is_superuser=kind == "superuser",
    )
    client = client_for(user=user)
    for url in _organisation_urls(org_a):
        assert client.get(url).status_code == 403, url
        assert leaked(client.get(url).content, [org_a.tickets["shared"].subject]) == []


def test_anonymous_visitors_are_sent_to_the_portal_login(org_a):
    from django.test import Client

    client = Client()
    for url in _organisation_urls(org_a):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("portal:login") + "?next=")


def test_the_checked_strings_are_what_b_itself_sees(org_b):
    """Control: the leak check looks for strings that B's own pages really show."""
    client = client_for(org_b.manager)
    ticket = org_b.tickets["secret"]
    pages = "".join(
        client.get(url).content.decode()
        for url in (
            reverse("portal:ticket", args=[ticket.number]),
            reverse("portal:contract"),
            reverse("portal:organisation"),
        )
    )
    assert leaked(pages.encode(), b_strings(org_b)) == b_strings(org_b)
