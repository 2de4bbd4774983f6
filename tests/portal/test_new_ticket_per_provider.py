"""The portal's new-ticket form per provider (issue #11 §4): each provider's questions only, the
highest priority a customer can reach, and no customer path that sets a level directly."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from contracts.models import Contact, ContactRole, ContactRoleKind, Contract
from tests.factories import ContractFactory
from tests.portal.conftest import client_for, contact_in_role, created_ticket, new_ticket_post
from tickets.models import PriorityChangeRequest, RequestState, Ticket

pytestmark = pytest.mark.django_db

CHECKS = {
    f"check_{name}": "on"
    for name in (
        "no_listed_failure",
        "working_situation_delivered",
        "passwords_handed_over",
        "files_unreachable_for_all",
        "no_user_can_login",
    )
}
# The inputs of each question set, as the page names them.
QUESTION_INPUTS = {
    "scope_effect": ("impact_scope", "impact_effect"),
    "business_impact": ("business_impact", "proposed_level"),
    "checklist": ("check_no_user_can_login", "any_user_can_login"),
    "emergency": ("emergency",),
}
PROVIDERS = {
    "onitnow": ("ons", "scope_effect"),
    "microsoft": ("advanced", "business_impact"),
    "cbg": ("extra", "checklist"),
    "websitenazorg": ("office365", "emergency"),
}


def _customer(provider: str) -> tuple[Contract, Contact]:
    package, _question = PROVIDERS[provider]
    contract = ContractFactory(provider_code=provider, package_code=package)
    contact = contact_in_role(contract, ContactRoleKind.NAMED_CONTACT)
    return contract, contact


def _input_names(html: str) -> set[str]:
    return set(re.findall(r'name="([a-z_]+)"', html))


@pytest.mark.parametrize("provider", PROVIDERS)
def test_only_the_providers_own_questions_are_rendered(provider):
    _contract, contact = _customer(provider)
    html = client_for(contact).get(reverse("portal:ticket_new")).content.decode()
    names = _input_names(html)
    own = PROVIDERS[provider][1]
    for question, inputs in QUESTION_INPUTS.items():
        for name in inputs:
            assert (name in names) == (question == own), (question, name)
    assert f'data-question="{own}"' in html
    assert len(re.findall(r"data-question=", html)) == 1


REACHABLE = [
    # provider, answers, level the ticket starts at, its rank
    ("onitnow", {"impact_scope": "multiple_users", "impact_effect": "down"}, "top", 1),
    ("cbg", CHECKS, "business-critical", 1),
    ("websitenazorg", {"emergency": "on"}, "emergency", 1),
    # Microsoft assigns the severity (TKT-11): a proposal waits, the ticket starts at Normal.
    (
        "microsoft",
        {"business_impact": "Niemand kan factureren.", "proposed_level": "critical"},
        "normal",
        3,
    ),
]


@pytest.mark.parametrize(("provider", "answers", "level", "rank"), REACHABLE)
def test_the_highest_priority_a_customer_can_reach(provider, answers, level, rank):
    contract, contact = _customer(provider)
    ticket = created_ticket(new_ticket_post(client_for(contact), contract, **answers))
    assert (ticket.priority_level, ticket.priority_rank) == (level, rank)


def test_a_microsoft_severity_proposal_becomes_a_pending_request():
    contract, contact = _customer("microsoft")
    answers = {"business_impact": "Facturatie ligt stil.", "proposed_level": "critical"}
    ticket = created_ticket(new_ticket_post(client_for(contact), contract, **answers))
    request = PriorityChangeRequest.objects.get(ticket=ticket)
    assert (request.requested_level, request.state, request.requested_by) == (
        "critical",
        RequestState.PENDING,
        contact,
    )
    assert request.reason == "Facturatie ligt stil."


def test_a_microsoft_proposal_of_the_starting_level_asks_nothing():
    contract, contact = _customer("microsoft")
    answers = {"business_impact": "Een rapport is traag.", "proposed_level": "normal"}
    ticket = created_ticket(new_ticket_post(client_for(contact), contract, **answers))
    assert not PriorityChangeRequest.objects.filter(ticket=ticket).exists()


@pytest.mark.usefixtures("english")
def test_a_microsoft_proposal_needs_the_business_impact():
    contract, contact = _customer("microsoft")
    response = new_ticket_post(
        client_for(contact, HTTP_ACCEPT_LANGUAGE="en"), contract, proposed_level="critical"
    )
    assert response.status_code == 200
    assert "Describe the business impact" in response.context["form"].errors["business_impact"][0]
    assert not Ticket.objects.filter(customer=contract.customer).exists()


FORGED = [
    # provider, the level a forger wants, the level the rules give without answers
    ("onitnow", "top", "laag"),
    ("microsoft", "critical", "normal"),
    ("cbg", "business-critical", "normal"),
    ("websitenazorg", "emergency", "normal"),
]


@pytest.mark.parametrize(("provider", "wanted", "start"), FORGED)
@pytest.mark.parametrize("forged", ["priority_level", "level", "sla_target", "priority_rank"])
def test_a_forged_level_field_does_not_set_the_level(provider, wanted, start, forged):
    contract, contact = _customer(provider)
    ticket = created_ticket(new_ticket_post(client_for(contact), contract, **{forged: wanted}))
    assert ticket.priority_level == start
    assert not PriorityChangeRequest.objects.filter(ticket=ticket).exists()


@pytest.mark.parametrize("provider", ["onitnow", "cbg", "websitenazorg"])
def test_a_proposed_level_is_refused_where_the_provider_rules_decide(provider):
    contract, contact = _customer(provider)
    level = {"onitnow": "top", "cbg": "business-critical", "websitenazorg": "emergency"}[provider]
    response = new_ticket_post(client_for(contact), contract, proposed_level=level)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Ticket.objects.filter(customer=contract.customer).exists()


FOREIGN = [
    ("onitnow", {"emergency": "on"}),
    ("onitnow", CHECKS),
    ("microsoft", {"impact_scope": "multiple_users", "impact_effect": "down"}),
    ("cbg", {"emergency": "on"}),
    ("websitenazorg", {"business_impact": "Alles ligt stil."}),
    ("websitenazorg", {"impact_scope": "multiple_users", "impact_effect": "down"}),
]


@pytest.mark.usefixtures("english")
@pytest.mark.parametrize(("provider", "answers"), FOREIGN)
def test_answers_to_another_providers_questions_are_refused(provider, answers):
    contract, contact = _customer(provider)
    response = new_ticket_post(client_for(contact, HTTP_ACCEPT_LANGUAGE="en"), contract, **answers)
    assert response.status_code == 200
    errors = " ".join(response.context["form"].non_field_errors())
    assert f"Contract {contract.reference} does not ask about" in errors
    assert "choose another contract" in errors
    assert not Ticket.objects.filter(customer=contract.customer).exists()


def test_onitnow_needs_both_scope_and_effect():
    contract, contact = _customer("onitnow")
    response = new_ticket_post(client_for(contact), contract, impact_scope="multiple_users")
    assert response.status_code == 200
    assert response.context["form"].errors["impact_effect"]


def _two_providers() -> tuple[Contract, Contract, Contact]:
    onitnow, contact = _customer("onitnow")
    microsoft = ContractFactory(
        customer=onitnow.customer, provider_code="microsoft", package_code="advanced"
    )
    ContactRole.objects.create(
        contact=contact, contract=microsoft, role=ContactRoleKind.NAMED_CONTACT
    )
    return onitnow, microsoft, contact


def test_several_contracts_offer_each_contracts_questions_for_the_switch():
    onitnow, microsoft, contact = _two_providers()
    html = client_for(contact).get(reverse("portal:ticket_new")).content.decode()
    assert re.search(rf'value="{onitnow.pk}"[^>]*data-questions="scope_effect"', html)
    assert re.search(rf'value="{microsoft.pk}"[^>]*data-questions="business_impact"', html)
    assert 'data-question="scope_effect"' in html
    assert 'data-question="business_impact"' in html
    assert 'data-question="checklist"' not in html
    # Without JavaScript each block says which contract asks it.
    assert f"{onitnow.reference} (" in html
    assert f"{microsoft.reference} (" in html


def test_with_several_contracts_the_chosen_contract_decides_what_counts():
    onitnow, microsoft, contact = _two_providers()
    client = client_for(contact)
    proposal = {"business_impact": "Factuurrun ligt stil.", "proposed_level": "critical"}
    refused = new_ticket_post(client, onitnow, **proposal)
    assert refused.status_code == 200
    assert not Ticket.objects.filter(contract=onitnow).exists()
    ticket = created_ticket(new_ticket_post(client, microsoft, **proposal))
    assert (ticket.contract, ticket.priority_level) == (microsoft, "normal")
    assert PriorityChangeRequest.objects.get(ticket=ticket).requested_level == "critical"


# --- sharing with colleagues (D15) ----------------------------------------------------------------


@pytest.mark.parametrize("default", [True, False])
def test_the_sharing_box_starts_at_the_contracts_default(default):
    contract, contact = _customer("onitnow")
    Contract.objects.filter(pk=contract.pk).update(tickets_shared_by_default=default)
    form = client_for(contact).get(reverse("portal:ticket_new")).context["form"]
    assert form["shared_with_organisation"].value() is default
    assert form.fields["contract"].widget.option_data[str(contract.pk)]["data-shared"] == (
        "true" if default else "false"
    )


@pytest.mark.parametrize(
    ("ticked", "shared"), [({"shared_with_organisation": "on"}, True), ({}, False)]
)
def test_the_creator_chooses_whether_colleagues_see_the_ticket(ticked, shared):
    contract, contact = _customer("onitnow")
    ticket = created_ticket(new_ticket_post(client_for(contact), contract, **ticked))
    assert ticket.shared_with_organisation is shared
    colleague = contact_in_role(contract, ContactRoleKind.NAMED_CONTACT)
    page = client_for(colleague).get(reverse("portal:ticket", args=[ticket.number]))
    assert page.status_code == (200 if shared else 404)
    listing = client_for(colleague).get(reverse("portal:tickets")).content.decode()
    assert (ticket.number in listing) is shared
