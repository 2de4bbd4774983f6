"""Issue #6 §1: the provider-side role groups and what each role sees in the back-office.

The groups and their permissions come from the migration `escalation.0002_provider_roles`, so
they exist in the test database without any seeding.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from tests.factories import ContractFactory, UserFactory, named_contact
from tests.tickets.helpers import ams, create_ticket
from tickets.demo.data import GROUPS
from tickets.services import ticket_assign

pytestmark = pytest.mark.django_db

FIRST = "First line"
SECOND = "Second line"
COORDINATOR = "Support coordinator"
SSM = "Service support manager"
OFFICER = "Escalation officer"
CSAM = "Customer success account manager"
ROLES = (FIRST, SECOND, COORDINATOR, SSM, OFFICER, CSAM)

CATALOGUE_VIEW = {
    f"contracts.view_{model}"
    for model in (
        "provider",
        "package",
        "slapolicy",
        "slatarget",
        "businesscalendar",
        "catalogueservice",
        "serviceinclusion",
        "providerchannel",
        "cataloguerelease",
        "escalationcontact",
        "escalationpolicy",
    )
}
SSM_PERMISSIONS = {
    "tickets.view_ticket",
    "tickets.view_ticketevent",
    "tickets.view_satisfactionsurvey",
    "escalation.view_escalation",
    "escalation.change_escalation",
    "notifications.view_outboxemail",
    "contracts.view_contract",
    "contracts.view_customer",
    "contracts.view_contact",
}
EXPECTED = {
    FIRST: CATALOGUE_VIEW
    | {
        "tickets.view_ticket",
        "tickets.change_ticket",
        "tickets.add_ticketmessage",
        "tickets.view_ticketmessage",
        "tickets.view_prioritychangerequest",
        "intake.view_inboundmessage",
        "intake.change_inboundmessage",
        "tickets.view_attachment",
        "contracts.view_customer",
        "contracts.view_contact",
        "contracts.view_contract",
        "contracts.view_contactrole",
        "escalation.view_escalation",
    },
    SECOND: CATALOGUE_VIEW
    | {
        "tickets.view_ticket",
        "tickets.change_ticket",
        "tickets.add_ticketmessage",
        "tickets.view_ticketmessage",
        "tickets.view_clocksegment",
        "tickets.view_slaclock",
        "tickets.view_ticketevent",
        "tickets.view_attachment",
        "contracts.view_customer",
        "contracts.view_contact",
        "contracts.view_contract",
        "escalation.view_escalation",
    },
    COORDINATOR: CATALOGUE_VIEW
    | {
        f"tickets.{action}_{model}"
        for action in ("add", "change", "view")
        for model in ("ticket", "ticketmessage", "prioritychangerequest")
    }
    | {
        f"contracts.{action}_{model}"
        for action in ("change", "view")
        for model in (
            "contract",
            "contact",
            "contactrole",
            "customer",
            "escalationcontact",
            "escalationpolicy",
        )
    }
    | {
        "contracts.add_entitlementmovement",
        "contracts.view_entitlementmovement",
        "escalation.view_escalation",
        "escalation.change_escalation",
        "notifications.view_outboxemail",
        "notifications.change_outboxemail",
        "intake.view_inboundmessage",
        "intake.change_inboundmessage",
        "intake.view_imapmailboxstate",
        "tickets.view_satisfactionsurvey",
    },
    SSM: SSM_PERMISSIONS,
    OFFICER: SSM_PERMISSIONS,
    CSAM: CATALOGUE_VIEW
    | {
        "tickets.view_ticket",
        "tickets.view_satisfactionsurvey",
        "contracts.view_contract",
        "contracts.view_customer",
        "contracts.view_contact",
        "contracts.view_entitlementmovement",
        "escalation.view_escalation",
    },
}

# What the back-office migration added (backoffice.0001_backoffice_roles).
BACKOFFICE = {
    FIRST: {
        "tickets.view_problem",
        "tickets.add_timeentry",
        "tickets.view_timeentry",
        "tickets.add_vendorescalation",
        "tickets.change_vendorescalation",
        "tickets.view_vendorescalation",
    },
    SECOND: {
        "tickets.view_problem",
        "tickets.change_problem",
        "tickets.add_timeentry",
        "tickets.view_timeentry",
        "tickets.add_vendorescalation",
        "tickets.change_vendorescalation",
        "tickets.view_vendorescalation",
    },
    COORDINATOR: {
        "tickets.add_problem",
        "tickets.change_problem",
        "tickets.view_problem",
        "tickets.add_timeentry",
        "tickets.view_timeentry",
        "tickets.add_vendorescalation",
        "tickets.change_vendorescalation",
        "tickets.view_vendorescalation",
        "contracts.view_contactchangerequest",
        "contracts.change_contactchangerequest",
        "contracts.change_businesscalendar",
        # backoffice.0003: they see and revoke every staff member's API tokens (issue #12 §1).
        "contracts.view_apitoken",
        "contracts.change_apitoken",
        # backoffice.0004: they manage webhook endpoints and send deliveries again (#12 §4).
        "notifications.add_webhookendpoint",
        "notifications.change_webhookendpoint",
        "notifications.view_webhookendpoint",
        "notifications.change_webhookdelivery",
        "notifications.view_webhookdelivery",
        # backoffice.0005: they issue, rotate and revoke out-of-hours phone codes (#13 §2).
        "contracts.add_phonecode",
        "contracts.change_phonecode",
        "contracts.view_phonecode",
        # backoffice.0007: they decide, with a reason, whether time is billed (issue 14 §1).
        "tickets.override_billable_timeentry",
    },
    SSM: {  # problems read-only since backoffice.0002 (README roles table, issue #10 §5)
        "tickets.view_problem",
        "tickets.view_timeentry",
        "tickets.view_vendorescalation",
        "contracts.view_contactchangerequest",
    },
    OFFICER: {
        "tickets.view_problem",
        "tickets.change_problem",
        "tickets.view_timeentry",
        "tickets.view_vendorescalation",
    },
    CSAM: {
        "tickets.view_problem",
        "tickets.view_timeentry",
        "tickets.view_vendorescalation",
        "contracts.view_contactchangerequest",
        # backoffice.0004: their contracts' webhook endpoints and deliveries, read-only.
        "notifications.view_webhookendpoint",
        "notifications.view_webhookdelivery",
    },
}
# What escalation.0008_oncall_roles added (issue #13 §1): coordinators keep the rota; whoever
# may be on call reads it and acknowledges pages; a CSAM reads.
ON_CALL = {
    "contracts.view_oncallshift",
    "escalation.view_oncallpage",
    "escalation.change_oncallpage",
}
ONCALL = {
    FIRST: ON_CALL,
    SECOND: ON_CALL,
    COORDINATOR: ON_CALL | {"contracts.add_oncallshift", "contracts.change_oncallshift"},
    SSM: ON_CALL,
    OFFICER: ON_CALL,
    CSAM: {"contracts.view_oncallshift", "escalation.view_oncallpage"},
}
# What backoffice.0006_aem_event_roles added (issue #13 §3): coordinators plan AEM events and
# record the provider's agreement to short notice; every other role reads (a CSAM their own).
AEM_VIEW = {"contracts.view_aemevent"}
AEM = dict.fromkeys(ROLES, AEM_VIEW) | {
    COORDINATOR: AEM_VIEW | {"contracts.add_aemevent", "contracts.change_aemevent"}
}
# What backoffice.0007_billing_roles added (issue #14 §4): coordinators enter rates and close
# billing months; service support managers and a CSAM (their own contracts) read.
BILLING_VIEW = {
    "usage.view_billingline",
    "usage.view_billingmonth",
    "usage.view_contractbilling",
    "usage.view_fairuseflag",
}
BILLING: dict[str, set[str]] = {role: set() for role in ROLES} | {
    COORDINATOR: BILLING_VIEW
    | {"usage.add_billingmonth", "usage.add_contractbilling", "usage.change_contractbilling"},
    SSM: BILLING_VIEW,
    CSAM: BILLING_VIEW,
}
# What backoffice.0008_contract_notice_roles added (issue #14 §3): coordinators record a
# contract's notice; they and the CSAMs read notices and the renewals and ends applied.
TERMS_VIEW = {"contracts.view_contractnotice", "contracts.view_contracttermevent"}
TERMS = dict.fromkeys(ROLES, frozenset[str]()) | {
    COORDINATOR: TERMS_VIEW | {"contracts.add_contractnotice"},
    CSAM: TERMS_VIEW,
}
# What backoffice.0010_microsoft_usage_roles added (issue #14 §2): coordinators and CSAMs (their
# own work orders) act on a Microsoft work order's usage, only coordinators enter a late change's
# fee; service support managers read.
MS_VIEW = {
    f"contracts.view_{model}"
    for model in (
        "supportlocation",
        "servicerate",
        "servicerequest",
        "servicerequestchange",
        "serviceexchange",
        "locationexchange",
    )
}
MS_ACT = MS_VIEW | {
    "contracts.add_supportlocation",
    "contracts.add_servicerate",
    "contracts.add_servicerequest",
    "contracts.change_servicerequest",
    "contracts.add_serviceexchange",
    "contracts.add_locationexchange",
}
MICROSOFT = dict.fromkeys(ROLES, frozenset[str]()) | {
    COORDINATOR: MS_ACT | {"contracts.change_servicerequestchange"},
    SSM: MS_VIEW,
    CSAM: MS_ACT,
}
# Availability (issue #15 §1): everyone reads; the lines record outages; the coordinators keep
# services, windows and maintenance.
AVAILABILITY_VIEW = {
    f"availability.view_{model}"
    for model in (
        "monitoredservice",
        "outage",
        "maintenancewindow",
        "plannedmaintenance",
        "maintenanceannouncement",
    )
}
OUTAGE_RECORD = {"availability.add_outage", "availability.change_outage"}
AVAILABILITY = dict.fromkeys(ROLES, frozenset(AVAILABILITY_VIEW)) | {
    FIRST: AVAILABILITY_VIEW | OUTAGE_RECORD,
    SECOND: AVAILABILITY_VIEW | OUTAGE_RECORD,
    COORDINATOR: AVAILABILITY_VIEW
    | OUTAGE_RECORD
    | {
        f"availability.{action}_{model}"
        for action in ("add", "change")
        for model in ("monitoredservice", "maintenancewindow", "plannedmaintenance")
    },
}
# What backoffice.0012_remote_access_roles added (issue #15 §3): every role reads the customers'
# remote-access grants (a CSAM their own contracts' customers'); coordinators may revoke one.
GRANT_VIEW = {"contracts.view_remoteaccessgrant"}
GRANTS = dict.fromkeys(ROLES, GRANT_VIEW) | {
    COORDINATOR: GRANT_VIEW | {"contracts.change_remoteaccessgrant"}
}
# What reports.0002_review_pack_roles added (issue #15 §2): coordinators, service support
# managers and a CSAM (their own contracts) read the service review packs; nobody writes them.
PACKS = dict.fromkeys(ROLES, frozenset[str]()) | {
    role: {"reports.view_reviewpack"} for role in (COORDINATOR, SSM, CSAM)
}
# What backoffice.0013_privacy_roles added (issue #15 §3): only coordinators record
# data-subject requests, build exports, confirm erasures and read the retention runs.
PRIVACY = dict.fromkeys(ROLES, frozenset[str]()) | {
    COORDINATOR: {
        "privacy.add_datasubjectrequest",
        "privacy.change_datasubjectrequest",
        "privacy.view_datasubjectrequest",
        "privacy.confirm_datasubjectrequest",
        "privacy.view_retentionrun",
    },
}
EXPECTED = {
    role: EXPECTED[role]
    | AVAILABILITY[role]
    | PACKS[role]
    | BACKOFFICE[role]
    | ONCALL[role]
    | AEM[role]
    | BILLING[role]
    | TERMS[role]
    | MICROSOFT[role]
    | GRANTS[role]
    | PRIVACY[role]
    for role in ROLES
}

# Changelists each role works from, and one it may not see at all.
VISIBLE = {
    FIRST: [
        "tickets/ticket",
        "tickets/ticketmessage",
        "tickets/prioritychangerequest",
        "intake/inboundmessage",
        "contracts/contract",
        "contracts/customer",
        "contracts/package",
        "escalation/escalation",
    ],
    SECOND: [
        "tickets/ticket",
        "tickets/ticketevent",
        "tickets/slaclock",
        "tickets/clocksegment",
        "contracts/contract",
        "contracts/slapolicy",
        "escalation/escalation",
    ],
    COORDINATOR: [
        "tickets/ticket",
        "tickets/prioritychangerequest",
        "contracts/contract",
        "contracts/customer",
        "contracts/escalationcontact",
        "escalation/escalation",
        "notifications/outboxemail",
        "intake/inboundmessage",
        "intake/imapmailboxstate",
        "tickets/problem",
        "contracts/contactchangerequest",
        "contracts/businesscalendar",
        "notifications/webhookendpoint",
        "notifications/webhookdelivery",
        "contracts/aemevent",
        "privacy/datasubjectrequest",
        "privacy/retentionrun",
    ],
    SSM: [
        "tickets/ticket",
        "tickets/problem",
        "tickets/ticketevent",
        "escalation/escalation",
        "notifications/outboxemail",
    ],
    OFFICER: ["tickets/ticket", "escalation/escalation", "notifications/outboxemail"],
    CSAM: [
        "tickets/ticket",
        "contracts/contract",
        "contracts/customer",
        "escalation/escalation",
        "contracts/aemevent",
    ],
}
HIDDEN = {
    FIRST: [
        "auth/user",
        "notifications/outboxemail",
        "tickets/ticketcounter",
        "notifications/webhookendpoint",
    ],
    SECOND: ["auth/user", "intake/inboundmessage", "notifications/outboxemail"],
    COORDINATOR: ["auth/user", "auth/group", "tickets/ticketcounter"],
    SSM: ["auth/user", "intake/inboundmessage", "contracts/package", "privacy/datasubjectrequest"],
    OFFICER: ["auth/group", "intake/imapmailboxstate", "tickets/ticketmessage"],
    CSAM: [
        "notifications/outboxemail",
        "auth/user",
        "intake/inboundmessage",
        "privacy/datasubjectrequest",
    ],
}


def granted(role: str) -> set[str]:
    rows = Group.objects.get(name=role).permissions.values_list(
        "content_type__app_label", "codename"
    )
    return {f"{app}.{codename}" for app, codename in rows}


def member(client, role: str):
    user = UserFactory()
    user.groups.add(Group.objects.get(name=role))
    client.force_login(user)
    return user


def changelist(path: str) -> str:
    app, model = path.split("/")
    return reverse(f"admin:{app}_{model}_changelist")


@pytest.fixture
def contract():
    return ContractFactory()


@pytest.fixture
def ticket(contract):
    return create_ticket(named_contact(contract), ams("2026-05-04 10:00"))


def test_the_migration_creates_the_six_groups_the_demo_and_selectors_use():
    assert set(ROLES) == set(GROUPS)
    assert set(Group.objects.values_list("name", flat=True)) >= set(ROLES)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_has_exactly_its_permissions(role):
    assert granted(role) == EXPECTED[role]


@pytest.mark.parametrize("role", ROLES)
def test_no_role_may_delete_or_manage_users_and_groups(role):
    permissions = Group.objects.get(name=role).permissions
    assert not permissions.filter(codename__startswith="delete_").exists()
    assert not permissions.filter(content_type__app_label="auth").exists()


def test_key_permissions_per_role():
    assert {"tickets.change_ticket", "intake.change_inboundmessage"} <= granted(FIRST)
    assert "contracts.change_contract" not in granted(FIRST)
    assert {"tickets.change_ticket", "tickets.view_slaclock"} <= granted(SECOND)
    assert "intake.view_inboundmessage" not in granted(SECOND)
    assert {
        "tickets.add_ticket",
        "tickets.change_prioritychangerequest",
        "contracts.add_entitlementmovement",
        "notifications.change_outboxemail",
    } <= granted(COORDINATOR)
    assert "contracts.change_entitlementmovement" not in granted(COORDINATOR)
    for role in (SSM, OFFICER):
        assert "escalation.change_escalation" in granted(role)
        assert "tickets.change_ticket" not in granted(role)
    assert "escalation.change_escalation" not in granted(CSAM)
    assert "notifications.view_outboxemail" not in granted(CSAM)


def test_the_group_permissions_reach_the_user(client):
    user = member(client, FIRST)

    assert user.has_perm("tickets.change_ticket")
    assert user.has_perm("contracts.view_contract")
    assert not user.has_perm("contracts.change_contract")
    assert not user.has_perm("tickets.delete_ticket")


@pytest.mark.parametrize("role", ROLES)
def test_each_role_sees_an_admin_index_with_its_work_and_nothing_else(client, role):
    member(client, role)

    response = client.get(reverse("admin:index"))

    assert response.status_code == 200
    for path in VISIBLE[role]:
        assert changelist(path).encode() in response.content, path
    for path in HIDDEN[role]:
        assert changelist(path).encode() not in response.content, path


@pytest.mark.parametrize("role", ROLES)
def test_each_role_opens_its_changelists(client, role, ticket):
    member(client, role)

    for path in VISIBLE[role]:
        assert client.get(changelist(path)).status_code == 200, path


@pytest.mark.parametrize("role", ROLES)
def test_each_role_is_refused_what_it_may_not_see(client, role):
    member(client, role)

    for path in HIDDEN[role]:
        assert client.get(changelist(path)).status_code == 403, path


def change_form(client, obj) -> bytes:
    meta = obj._meta
    response = client.get(
        reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
    )
    assert response.status_code == 200
    return response.content


@pytest.mark.parametrize("role", [FIRST, SECOND, CSAM])
def test_a_view_only_contract_has_no_save_button(client, role, contract):
    contract.csam = member(client, role)
    contract.save(update_fields=["csam"])

    assert b'name="_save"' not in change_form(client, contract)
    assert b'name="_save"' not in change_form(client, contract.customer)


COMPOSER = b'name="do" value="reply"'


@pytest.mark.parametrize("role", [SSM, OFFICER, CSAM])
def test_readers_cannot_change_a_ticket(client, role, ticket):
    user = member(client, role)
    ticket.contract.csam = user  # a CSAM reads the tickets of their own contracts
    ticket.contract.save(update_fields=["csam"])

    assert COMPOSER not in change_form(client, ticket)


@pytest.mark.parametrize("role", [FIRST, COORDINATOR])
def test_workers_can_change_a_ticket(client, role, ticket):
    member(client, role)

    assert COMPOSER in change_form(client, ticket)


def test_the_second_line_works_the_tickets_assigned_to_it(client, ticket):
    user = member(client, SECOND)
    assert COMPOSER not in change_form(client, ticket)

    ticket_assign(ticket=ticket, assignee=user, now=ams("2026-05-04 10:05"), actor=user)

    assert COMPOSER in change_form(client, ticket)


def test_the_coordinator_changes_contracts_and_customers(client, contract):
    member(client, COORDINATOR)

    assert b'name="_save"' in change_form(client, contract)
    assert b'name="_save"' in change_form(client, contract.customer)


def test_the_coordinator_has_no_delete_button(client, contract):
    member(client, COORDINATOR)

    assert b"deletelink" not in change_form(client, contract)


def test_a_catalogue_package_is_view_only_for_everyone_who_sees_it(client, contract):
    member(client, COORDINATOR)

    assert b'name="_save"' not in change_form(client, contract.package)


def test_first_line_cannot_post_a_contract_change(client, contract):
    member(client, FIRST)
    url = reverse("admin:contracts_contract_change", args=[contract.pk])

    response = client.post(url, {"reference": "C-HACKED"})

    assert response.status_code == 403
    contract.refresh_from_db()
    assert contract.reference != "C-HACKED"


def test_a_csam_lists_only_the_contracts_and_customers_they_manage(client, contract):
    other = ContractFactory()
    contract.csam = member(client, CSAM)
    contract.save(update_fields=["csam"])

    contracts = client.get(changelist("contracts/contract")).content.decode()
    customers = client.get(changelist("contracts/customer")).content.decode()

    assert contract.reference in contracts
    assert other.reference not in contracts
    assert contract.customer.name in customers
    assert other.customer.name not in customers
    change = reverse("admin:contracts_contract_change", args=[other.pk])
    assert client.get(change).status_code == 302  # the admin's "does not exist" redirect
