"""Issue #10 §5: walk every back-office page and admin page as each provider role.

Like the portal's tenancy walk (tests/portal/test_tenancy.py): the URL patterns under /admin/ are
enumerated through the URL resolver, and every registered ModelAdmin's changelist, add and
change pages are asked for as each of the six roles and a superuser. Each page is classified in
the tables below; `test_every_admin_url_and_model_is_classified` fails when a new page or admin
is not. Two customers with contracts at two providers, each with its own CSAM: a CSAM never
sees the other contract's rows on any page, and the other's change pages answer "does not
exist" (the admin's redirect).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from availability.models import (
    MaintenanceAnnouncement,
    MaintenanceWindow,
    MonitoredService,
    Outage,
    PlannedMaintenance,
)
from backoffice.dashboard import dashboard_figures, month_parse
from contracts.models import (
    AemEvent,
    CatalogueService,
    Contact,
    ContactChangeRequest,
    Contract,
    RemoteAccessGrant,
    ServiceRequest,
    ServiceRequestChange,
)
from contracts.staff_scope import staff_rows
from escalation.models import Escalation
from intake.models import InboundMessage
from notifications.models import WebhookEndpoint
from tests.factories import ContractFactory, CustomerFactory, UserFactory, named_contact
from tests.portal.conftest import attachment_add
from tests.tickets.helpers import ams, create_ticket
from tickets.models import Problem, Ticket, TimeEntry, VendorEscalation
from tickets.services.problems import problem_attach_rca, problem_open

pytestmark = pytest.mark.django_db

GROUPS = {
    "first": "First line",
    "second": "Second line",
    "coordinator": "Support coordinator",
    "ssm": "Service support manager",
    "officer": "Escalation officer",
    "csam": "Customer success account manager",
}
ORDER = ("first", "second", "coordinator", "ssm", "officer", "csam", "super")
NOW = ams("2026-06-15 10:00")

# --- The classification ---------------------------------------------------------------------
# Per model admin, one letter per role in ORDER, for the changelist and for the add page:
#   r  200, every customer's rows       s  200, only the CSAM's own contracts' rows
#   a  200 (the add form)               -  403 forbidden
# A change page follows the changelist: 200 where it reads (r, s), 403 where it is forbidden,
# and for `s` another contract's row answers the admin's "does not exist" redirect (302).
#            roles: first, second, coordinator, ssm, officer, csam, super
MODELS: dict[str, tuple[str, str]] = {
    "auth.group": ("------r", "------a"),
    "auth.user": ("------r", "------a"),
    "axes.accessattempt": ("------r", "-------"),
    "contracts.apitoken": ("--r---r", "-------"),  # read-only: revoked by an action
    # AEM events: the coordinators plan them and record the provider's agreement; every role
    # reads them, a CSAM their own contracts' (issue #13 §3).
    "contracts.aemevent": ("rrrrrsr", "--a---a"),
    # Out-of-hours phone codes: the coordinators issue, rotate and revoke them (issue #13 §2).
    "contracts.phonecode": ("--r---r", "--a---a"),
    # Remote-access grants (SEC-04): made by the customer's manager in the portal or the API;
    # every role reads them, a CSAM their own contracts' customers'; coordinators may revoke.
    "contracts.remoteaccessgrant": ("rrrrrsr", "-------"),
    "axes.accessfailurelog": ("------r", "-------"),
    "axes.accesslog": ("------r", "-------"),
    "contracts.businesscalendar": ("rrr--sr", "-------"),
    "contracts.cataloguerelease": ("rrr--sr", "-------"),
    "contracts.catalogueservice": ("rrr--sr", "-------"),
    "contracts.contact": ("rrrrrsr", "------a"),
    "contracts.contactchangerequest": ("--rr-sr", "-------"),
    "contracts.contactrole": ("r-r---r", "------a"),
    "contracts.contract": ("rrrrrsr", "------a"),
    "contracts.customer": ("rrrrrsr", "------a"),
    "contracts.escalationcontact": ("rrr--sr", "------a"),
    "contracts.escalationpolicy": ("rrr--sr", "-------"),
    "contracts.package": ("rrr--sr", "-------"),
    "contracts.provider": ("rrr--sr", "------a"),
    "contracts.providerchannel": ("rrr--sr", "-------"),
    "contracts.slapolicy": ("rrr--sr", "-------"),
    "contracts.slatarget": ("rrr--sr", "-------"),
    "escalation.escalation": ("rrrrrsr", "-------"),
    # On call (issue #13 §1): coordinators keep the rota, everyone reads it and the pages.
    "contracts.oncallshift": ("rrrrrsr", "--a---a"),
    "escalation.oncallpage": ("rrrrrsr", "-------"),
    "intake.imapmailboxstate": ("--r---r", "-------"),
    "intake.inboundmessage": ("r-r---r", "-------"),
    "notifications.outboxemail": ("--rrr-r", "-------"),
    # Data-subject requests and the retention log (issue #15 §3): the coordinators only.
    "privacy.datasubjectrequest": ("--r---r", "--a---a"),
    "privacy.retentionrun": ("--r---r", "-------"),
    # Webhooks: the coordinators manage them; a CSAM reads their own contracts' (issue #12 §4).
    "notifications.webhookdelivery": ("--r--sr", "-------"),
    "notifications.webhookendpoint": ("--r--sr", "--a---a"),
    "tickets.clocksegment": ("-r----r", "-------"),
    "tickets.prioritychangerequest": ("r-r---r", "-------"),
    "tickets.problem": ("rrrrrsr", "--a---a"),  # the SSM reads problems (README roles table)
    "tickets.slaclock": ("-r----r", "-------"),
    "tickets.ticket": ("rrrrrsr", "-------"),
    "tickets.ticketcounter": ("------r", "-------"),
    "tickets.ticketevent": ("-r-rr-r", "-------"),
    "tickets.ticketmessage": ("rrr---r", "-------"),
    "tickets.timeentry": ("rrrrrsr", "-------"),
    "tickets.vendorescalation": ("rrrrrsr", "-------"),
    # Billing (issue #14 §4): coordinators, service support managers and a CSAM (their own
    # contracts) read; the coordinators enter rates; lines, months and flags are written by the
    # usage services only (a month is closed on the billing page).
    "usage.billingline": ("--rr-sr", "-------"),
    "usage.billingmonth": ("--rr-sr", "-------"),
    "usage.contractbilling": ("--rr-sr", "--a---a"),
    "usage.fairuseflag": ("--rr-sr", "-------"),
    # Availability (issue #15 §1): every role reads, a CSAM their own contracts'; the lines
    # record outages, the coordinators keep services, windows and maintenance; who was told
    # is written by the services only.
    "availability.monitoredservice": ("rrrrrsr", "--a---a"),
    "availability.outage": ("rrrrrsr", "aaa---a"),
    "availability.maintenancewindow": ("rrrrrsr", "--a---a"),
    "availability.plannedmaintenance": ("rrrrrsr", "--a---a"),
    "availability.maintenanceannouncement": ("rrrrrsr", "-------"),
}

# Where a row of each model meets its contract (or, for the catalogue, its provider): used to
# pick the own and the other contract's row. Written here, apart from contracts.staff_scope, so
# the walk checks the rule rather than repeats it.
TO_CONTRACT = {
    "contracts.contract": "pk",
    "contracts.customer": "contracts",
    "contracts.contact": "customer__contracts",
    "contracts.contactrole": "contract",
    "contracts.contactchangerequest": "contracts",
    "contracts.aemevent": "contract",
    "contracts.remoteaccessgrant": "customer__contracts",
    "tickets.ticket": "contract",
    "tickets.ticketmessage": "ticket__contract",
    "tickets.ticketevent": "ticket__contract",
    "tickets.slaclock": "ticket__contract",
    "tickets.clocksegment": "ticket__contract",
    "tickets.timeentry": "ticket__contract",
    "tickets.vendorescalation": "ticket__contract",
    "tickets.problem": "incidents__contract",
    "escalation.escalation": "ticket__contract",
    "escalation.oncallpage": "ticket__contract",
    "intake.inboundmessage": "ticket__contract",
    "notifications.webhookendpoint": "customer__contracts",
    "notifications.webhookdelivery": "event__ticket__contract",
    "usage.billingline": "contract",
    "usage.contractbilling": "contract",
    "usage.fairuseflag": "contract",
    "availability.monitoredservice": "contract",
    "availability.outage": "service__contract",
    "availability.plannedmaintenance": "services__contract",
    "availability.maintenanceannouncement": "maintenance__services__contract",
}
TO_PROVIDER = {
    "contracts.provider": "pk",
    "contracts.escalationcontact": "release__provider",
    "contracts.escalationpolicy": "release__provider",
    "contracts.cataloguerelease": "provider",
    "contracts.package": "release__provider",
    "contracts.businesscalendar": "release__provider",
    "contracts.catalogueservice": "release__provider",
    "contracts.providerchannel": "release__provider",
    "contracts.slapolicy": "release__provider",
    "contracts.slatarget": "policy__release__provider",
    "contracts.oncallshift": "provider",
    "usage.billingmonth": "provider",
    "availability.maintenancewindow": "provider",
}

# Back-office pages and the admin's own pages, by URL name: the status per role in ORDER.
PAGES: dict[str, tuple[int, ...]] = {
    "admin:index": (200,) * 7,
    "admin:login": (302,) * 7,  # signed in already: on to the index
    "admin:logout": (405,) * 7,  # logging out is a POST
    "admin:password_change": (200,) * 7,
    "admin:password_change_done": (200,) * 7,
    "admin:jsi18n": (200,) * 7,
    "admin:app_list": (200,) * 7,
    "admin:autocomplete": (200,) * 7,  # a contact's customer: the CSAM's own customers only
    "admin:view_on_site": (404,) * 7,  # no model links to a public page
    "admin:auth_user_password_change": (403,) * 6 + (200,),  # set another user's password
    "backoffice:dashboard": (200,) * 7,
    "backoffice:dashboard-csv": (200,) * 7,
    "backoffice:triage": (200, 403, 200, 403, 403, 403, 200),
    "backoffice:triage-detail": (200, 403, 200, 403, 403, 403, 200),
    "backoffice:escalations": (200,) * 7,
    "backoffice:language": (405,) * 7,  # switching the language is a POST
    # Registering a call: the first line, coordinators, a CSAM for their own customers.
    "backoffice:ticket-new": (200, 403, 200, 403, 403, 200, 200),
    # API tokens: every staff member's own (issue #12 §1).
    "backoffice:api-tokens": (200,) * 7,
    "backoffice:oncall": (200,) * 7,
    # Billing (issue #14 §4): the other side's ledger is a 404 for the CSAM (not their contract).
    "backoffice:billing-month": (403, 403, 200, 200, 403, 200, 200),
    "backoffice:billing-month-csv": (403, 403, 200, 200, 403, 200, 200),
    "backoffice:billing-ledger": (403, 403, 200, 200, 403, 404, 200),
    # Recording a contract's notice (issue #14 §3): the coordinators; asked for the other
    # CSAM's contract, so a CSAM finds nothing either.
    "admin:contracts_contract_notice": (403, 403, 200, 403, 403, 403, 200),
    # A Microsoft work order's usage (issue #14 §2): coordinators, service support managers and
    # a CSAM read; coordinators and a CSAM act; only coordinators enter a late change's fee.
    # Asked for the other CSAM's (Microsoft) work order, so the CSAM finds nothing.
    "backoffice:ms-usage": (403, 403, 200, 200, 403, 404, 200),
    **dict.fromkeys(
        (
            "backoffice:ms-rate",
            "backoffice:ms-redeem",
            "backoffice:ms-cancel",
            "backoffice:ms-reschedule",
            "backoffice:ms-exchange",
            "backoffice:ms-location",
            "backoffice:ms-location-exchange",
        ),
        (403, 403, 200, 403, 403, 404, 200),
    ),
    "backoffice:ms-fee": (403, 403, 200, 403, 403, 403, 200),
    # Service review packs (issue #15 §2): coordinators, service support managers and a CSAM
    # read them; asked for the other CSAM's contract, so the CSAM finds nothing.
    "backoffice:review-packs": (403, 403, 200, 200, 403, 200, 200),
    "backoffice:review-pack": (403, 403, 200, 200, 403, 404, 200),
    "backoffice:ms-purchase": (403, 403, 200, 403, 403, 403, 200),  # the ledger's existing grant
    # Availability (issue #15 §1): every provider role reads; asked for the other CSAM's
    # contract, so the CSAM finds nothing.
    "backoffice:availability": (200,) * 7,
    "backoffice:contract-availability": (200, 200, 200, 200, 200, 404, 200),
    # A data-subject request's erasure, export and download (issue #15 §3): the coordinators;
    # asked for a request that does not exist, so they find nothing.
    **dict.fromkeys(
        (
            "admin:privacy_datasubjectrequest_erase",
            "admin:privacy_datasubjectrequest_export",
            "admin:privacy_datasubjectrequest_download",
        ),
        (403, 403, 404, 403, 403, 403, 404),
    ),
    # A problem's RCA report (issue 17: served by the problem's page, never by a link to the
    # file): asked for the other side's problem, which has none, so nobody finds one (with a
    # report: test_a_csam_downloads_only_their_contracts_rca_reports).
    "admin:tickets_problem_rca": (404,) * 7,
    # An AEM event's pre-event assessment, the same way: asked for an event that does not exist.
    "admin:contracts_aemevent_assessment": (404,) * 7,
}
MODEL_URL_SUFFIXES = ("changelist", "add", "change", "history", "delete")


# --- The world: two contracts, two providers, two CSAMs --------------------------------------
@dataclass
class Side:
    contract: Contract
    ticket: Ticket
    problem: Problem
    inbound: InboundMessage
    markers: list[str]


def _member(role: str, username: str) -> User:
    user = UserFactory(username=username)
    user.groups.add(Group.objects.get(name=GROUPS[role]))
    return user


def _side(name: str, provider: str, package: str, csam: User) -> Side:
    customer = CustomerFactory(name=f"Klant {name} B.V.", code=f"klant-{name.lower()}")
    contract = ContractFactory(
        customer=customer,
        provider_code=provider,
        package_code=package,
        reference=f"C-{name.upper()}-0001",
        csam=csam,
    )
    contact = named_contact(contract, name=f"{name} Contactpersoon", email=f"{name}@x.example")
    # The customer's webhook endpoint hears of the ticket below: one delivery to walk too.
    hook = WebhookEndpoint.objects.create(
        customer=customer,
        url=f"https://hooks.example/{name.lower()}-vertrouwelijk",
        events=["ticket.created"],
        secret="whsec_" + "A" * 44,
        created_at=NOW,
        updated_at=NOW,
    )
    ticket = create_ticket(contact, NOW, subject=f"Storing bij {name} vertrouwelijk")
    Escalation.objects.create(
        ticket=ticket, level=1, reason="breach", clock_version=1, raised_at=NOW
    )
    problem = problem_open(
        title=f"Probleem {name} vertrouwelijk",
        customer=customer,
        tickets=[ticket],
        origin="coordinator",
        now=NOW,
        actor=None,
    )
    TimeEntry.objects.create(
        ticket=ticket,
        user=csam,
        started_at=NOW,
        minutes=5,
        category="in_subscription",
        created_at=NOW,
    )
    VendorEscalation.objects.create(ticket=ticket, vendor="other", escalated_at=NOW)
    inbound = InboundMessage.objects.create(
        dedupe_key=f"walk-{name}",
        message_id=f"<walk-{name}@x.example>",
        sha256="0" * 64,
        size=10,
        raw=b"x",
        transport="smtp",
        received_at=NOW,
        outcome="ticket",
        sender_email=contact.email,
        subject=ticket.subject,
        ticket=ticket,
    )
    request = ContactChangeRequest.objects.create(
        customer=customer,
        requested_by=contact,
        action="add",
        name=f"Nieuwe {name}",
        email=f"nieuw-{name}@x.example",
        created_at=NOW,
    )
    request.contracts.add(contract)
    event = AemEvent.objects.create(
        contract=contract,
        solution=f"Webshop {name} vertrouwelijk",
        starts_on=NOW.date() + timedelta(days=70),
        ends_on=NOW.date() + timedelta(days=71),
        confirmed_at=NOW,
        created_at=NOW,
    )
    _availability(contract, contact, name)
    grant = RemoteAccessGrant.objects.create(
        customer=customer,
        system=f"server-{name.lower()}-vertrouwelijk",
        scope="beheer",
        granted_by=contact,
        granted_at=NOW,
        expires_at=NOW + timedelta(days=7),
    )
    markers = [
        grant.system,
        str(customer.name),
        str(contract.reference),
        ticket.number,
        ticket.subject,
        hook.url,
        event.solution,
    ]
    return Side(contract, ticket, problem, inbound, [*markers, contact.email, problem.title])


def _availability(contract: Contract, contact: Contact, name: str) -> None:
    """A monitored service with an outage, the provider's window, maintenance and its mail."""
    service = MonitoredService.objects.create(
        contract=contract, name=f"Dienst {name}", kind="other", created_at=NOW
    )
    Outage.objects.create(service=service, start=NOW - timedelta(hours=1), recorded_at=NOW)
    MaintenanceWindow.objects.get_or_create(
        provider=contract.provider, defaults={"start_time": time(20), "end_time": time(6)}
    )
    maintenance = PlannedMaintenance.objects.create(
        provider=contract.provider,
        title=f"Onderhoud {name}",
        start=NOW + timedelta(days=9),
        end=NOW + timedelta(days=9, hours=2),
        created_at=NOW,
    )
    maintenance.services.add(service)
    MaintenanceAnnouncement.objects.create(
        maintenance=maintenance, contact=contact, kind="announcement", sent_at=NOW
    )


@dataclass
class World:
    users: dict[str, User]
    own: Side  # the CSAM's own contract (onITnow)
    other: Side  # another CSAM's contract at another provider (Microsoft)
    change: ServiceRequestChange  # a late cancellation of a service on the other contract
    request: ServiceRequest  # a service still requested on the other contract


@pytest.fixture
def world() -> World:
    users = {role: _member(role, f"walk-{role}") for role in GROUPS}
    users["super"] = UserFactory(username="walk-super", is_superuser=True)
    other_csam = _member("csam", "walk-other-csam")
    own = _side("Alfa", "onitnow", "ons", users["csam"])
    other = _side("Bravo", "microsoft", "core", other_csam)
    request, change = _service_requests(other.contract)
    return World(users, own, other, change, request)


def _service_requests(contract: Contract) -> tuple[ServiceRequest, ServiceRequestChange]:
    """A requested service and a late cancellation of another, written as rows: the walk asks
    only who may open their pages."""
    service = CatalogueService.objects.filter(release_id=contract.package.release_id).first()
    fields = {"contract": contract, "service": service, "credits": 10, "requested_at": NOW}
    day = NOW.date() + timedelta(days=5)
    requested = ServiceRequest.objects.create(**fields, first_delivery_date=day)
    cancelled = ServiceRequest.objects.create(**fields, first_delivery_date=day, status="cancelled")
    change = ServiceRequestChange.objects.create(
        request=cancelled, kind="cancelled", old_date=day, chargeable=True, changed_at=NOW
    )
    return requested, change


def _client(user: User) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    return client


def _leaked(body: bytes, markers: list[str]) -> list[str]:
    text = body.decode(errors="replace")
    return [m for m in markers if m in text]


def _row(label: str, side: Side) -> Model | None:
    model = _model(label)
    if label in TO_CONTRACT:
        return model._default_manager.filter(**{TO_CONTRACT[label]: side.contract.pk}).first()
    if label in TO_PROVIDER:
        return model._default_manager.filter(
            **{TO_PROVIDER[label]: side.contract.provider_id}
        ).first()
    return model._default_manager.first()


def _model(label: str) -> type[Model]:
    return next(m for m in admin.site._registry if m._meta.label_lower == label)


def _admin_url(label: str, suffix: str, *args: object) -> str:
    app, model = label.split(".")
    return reverse(f"admin:{app}_{model}_{suffix}", args=args)


def _admin_patterns() -> list[tuple[str, str | None]]:
    """(route, "namespace:name") of every URL under /admin/, through the URL resolver."""
    found: list[tuple[str, str | None]] = []

    def walk(patterns: list[URLPattern | URLResolver], prefix: str, namespace: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route, pattern.namespace or namespace)
            elif route.startswith("admin/"):
                found.append((route, f"{namespace}:{pattern.name}" if pattern.name else None))

    walk(get_resolver().url_patterns, "", "")
    return found


def _page_url(name: str, world: World) -> str:
    ticket_type = ContentType.objects.get_for_model(Ticket).pk
    arguments: dict[str, dict[str, object]] = {
        "admin:app_list": {"kwargs": {"app_label": "tickets"}},
        "admin:view_on_site": {"args": [ticket_type, world.other.ticket.pk]},
        "backoffice:triage-detail": {"args": [world.other.inbound.pk]},
        "backoffice:billing-ledger": {"args": [world.other.contract.pk]},
        "backoffice:contract-availability": {"args": [world.other.contract.pk]},
        "backoffice:review-pack": {"args": [world.other.contract.pk]},
        "admin:auth_user_password_change": {"args": [world.users["csam"].pk]},
        "admin:contracts_contract_notice": {"args": [world.other.contract.pk]},
        "admin:tickets_problem_rca": {"args": [world.other.problem.pk]},
        "backoffice:ms-cancel": {"args": [world.other.contract.pk, world.request.pk]},
        "backoffice:ms-reschedule": {"args": [world.other.contract.pk, world.request.pk]},
        "backoffice:ms-fee": {"args": [world.other.contract.pk, world.change.pk]},
    }
    arguments["admin:contracts_aemevent_assessment"] = {"args": [999999]}
    for step in ("erase", "export", "download"):
        arguments[f"admin:privacy_datasubjectrequest_{step}"] = {"args": [999999]}
    for page in (
        "usage",
        "purchase",
        "rate",
        "redeem",
        "exchange",
        "location",
        "location-exchange",
    ):
        arguments[f"backoffice:ms-{page}"] = {"args": [world.other.contract.pk]}
    url = reverse(name, **arguments.get(name, {}))
    queries = {
        "admin:autocomplete": "?app_label=contracts&model_name=contact&field_name=customer",
        "backoffice:escalations": "?all=1",
        "backoffice:dashboard-csv": "?month=2026-06",
    }
    return url + queries.get(name, "")


def test_every_admin_url_and_model_is_classified():
    registered = {model._meta.label_lower for model in admin.site._registry}
    model_urls = {
        f"admin:{label.replace('.', '_')}_{suffix}"
        for label in MODELS
        for suffix in MODEL_URL_SUFFIXES
    }
    patterns = _admin_patterns()
    named = {name for _, name in patterns if name}
    unnamed = [route for route, name in patterns if not name]

    assert registered == set(MODELS)
    assert named == set(PAGES) | model_urls
    # Unnamed: the admin's redirect from /<model>/<id>/ to its change page, and its catch-all.
    assert all(r.endswith(("/<path:object_id>/", "(?P<url>.*)$")) for r in unnamed)


def _expected_change(letter: str, own: bool) -> set[int]:
    if letter == "-":
        return {403}
    if letter == "s" and not own:
        return {302, 404}  # the admin's "does not exist" redirect; the ticket work page's 404
    return {200}


@pytest.mark.parametrize("role", ORDER)
def test_each_role_gets_exactly_its_pages_and_a_csam_only_their_contracts(world, role):
    client = _client(world.users[role])
    column = ORDER.index(role)
    hidden = world.other.markers if role == "csam" else []

    for label, (reads, adds) in MODELS.items():
        letter = reads[column]
        listing = client.get(_admin_url(label, "changelist"))
        assert listing.status_code == (200 if letter in "rs" else 403), (label, "changelist")
        assert not _leaked(listing.content, hidden), label
        add = client.get(_admin_url(label, "add")).status_code
        assert add == (200 if adds[column] == "a" else 403), (label, "add")
        for side, own in ((world.own, True), (world.other, False)):
            row = _row(label, side)
            if row is None:
                continue
            page = client.get(_admin_url(label, "change", row.pk))
            assert page.status_code in _expected_change(letter, own), (label, own)
            assert not _leaked(page.content, hidden), (label, own)

    for name, statuses in PAGES.items():
        page = client.get(_page_url(name, world))
        assert page.status_code == statuses[column], name
        assert not _leaked(page.content, hidden), name


def test_a_csams_pages_show_their_own_contracts_rows(world):
    client = _client(world.users["csam"])
    pages = {
        _admin_url("tickets.ticket", "changelist"): world.own.ticket.number,
        _admin_url("contracts.customer", "changelist"): world.own.contract.customer.name,
        _admin_url("contracts.contact", "changelist"): world.own.inbound.sender_email,
        _admin_url("tickets.problem", "changelist"): world.own.problem.title,
        _admin_url("escalation.escalation", "changelist"): world.own.ticket.number,
        reverse("backoffice:escalations"): world.own.ticket.number,
    }

    for url, marker in pages.items():
        assert marker in client.get(url).content.decode(), url


def test_a_csam_who_also_works_a_line_sees_every_contract(world):
    csam = world.users["csam"]
    csam.groups.add(Group.objects.get(name=GROUPS["first"]))

    listing = _client(csam).get(_admin_url("tickets.ticket", "changelist")).content.decode()

    assert world.other.ticket.number in listing
    assert world.own.ticket.number in listing


def test_a_shared_problem_shows_a_csam_only_their_own_incidents(world):
    world.other.ticket.problem = world.own.problem
    world.other.ticket.save(update_fields=["problem"])
    url = _admin_url("tickets.problem", "change", world.own.problem.pk)

    csam_page = _client(world.users["csam"]).get(url).content.decode()
    coordinator_page = _client(world.users["coordinator"]).get(url).content.decode()

    assert world.own.ticket.number in csam_page
    assert world.other.ticket.number not in csam_page
    assert world.other.ticket.number in coordinator_page


def test_the_dashboard_counts_only_a_csams_contracts(world):
    month = month_parse("2026-06")
    later = NOW + timedelta(days=5)
    zone = ZoneInfo(settings.DISPLAY_TIME_ZONE)

    same_day = dashboard_figures(
        now=NOW + timedelta(hours=1), month=month, zone=zone, user=world.users["csam"]
    )
    everyone = dashboard_figures(
        now=NOW + timedelta(hours=1), month=month, zone=zone, user=world.users["coordinator"]
    )
    decided = dashboard_figures(now=later, month=month, zone=zone, user=world.users["csam"])

    assert (same_day.open_tickets.total, everyone.open_tickets.total) == (1, 2)
    assert sum(t.count for t in same_day.today.escalations) == 1
    assert sum(t.count for t in everyone.today.escalations) == 2
    assert {row.reference for row in decided.compliance} == {world.own.contract.reference}
    assert {trend.provider_id for trend in decided.trends} == {world.own.contract.provider_id}


def test_the_dashboard_csv_holds_only_a_csams_contracts(world):
    client = _client(world.users["csam"])

    with time_machine.travel(NOW + timedelta(days=5), tick=False):
        response = client.get(reverse("backoffice:dashboard-csv") + "?month=2026-06")

    text = response.content.decode()
    assert response.status_code == 200
    assert world.own.contract.reference in text
    assert not _leaked(response.content, world.other.markers)


def test_an_unclassified_model_shows_a_csam_nothing(world):
    csam, coordinator = world.users["csam"], world.users["coordinator"]

    assert not staff_rows(csam, Group.objects.all()).exists()
    assert staff_rows(coordinator, Group.objects.all()).count() == Group.objects.count()


def test_the_service_support_manager_reads_problems_but_cannot_change_them(world):
    client = _client(world.users["ssm"])
    problem = world.own.problem
    url = _admin_url("tickets.problem", "change", problem.pk)

    page = client.get(url)
    refused = client.post(url, {"title": "Veranderd door de SSM", "root_cause": "x"})

    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert refused.status_code == 403
    problem.refresh_from_db()
    assert problem.title == "Probleem Alfa vertrouwelijk"
    assert not world.users["ssm"].has_perm("tickets.change_problem")


def test_a_csam_downloads_only_their_contracts_attachments(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    own = attachment_add(world.own.ticket, "alfa.pdf", b"%PDF-1.4 alfa")
    other = attachment_add(world.other.ticket, "bravo.pdf", b"%PDF-1.4 bravo")
    csam, coordinator = _client(world.users["csam"]), _client(world.users["coordinator"])

    assert csam.get(reverse("attachment-download", args=[own.pk])).status_code == 200
    assert csam.get(reverse("attachment-download", args=[other.pk])).status_code == 404
    assert coordinator.get(reverse("attachment-download", args=[other.pk])).status_code == 200


def test_a_csam_downloads_only_their_contracts_rca_reports(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    coordinator = world.users["coordinator"]
    for side, content in ((world.own, b"%PDF-1.4 alfa"), (world.other, b"%PDF-1.4 bravo")):
        report = SimpleUploadedFile("rca.pdf", content)
        problem_attach_rca(problem=side.problem, file=report, now=NOW, actor=coordinator)
    own, other = (
        reverse("admin:tickets_problem_rca", args=[world.own.problem.pk]),
        reverse("admin:tickets_problem_rca", args=[world.other.problem.pk]),
    )
    csam, coordinator_client = _client(world.users["csam"]), _client(coordinator)

    assert b"".join(csam.get(own).streaming_content) == b"%PDF-1.4 alfa"
    assert csam.get(other).status_code == 404
    assert b"".join(coordinator_client.get(other).streaming_content) == b"%PDF-1.4 bravo"
