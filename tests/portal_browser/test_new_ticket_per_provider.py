"""Issue #11 §4 in a real browser: the new-ticket form shows only the chosen contract's impact
questions and switches them when the contract changes, in Dutch and in English; a Microsoft
severity proposal waits for the provider."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from contracts.models import ContactRole, ContactRoleKind, Contract
from tests.factories import ContractFactory
from tests.portal_browser.conftest import Portal, nl
from tickets.models import PriorityChangeRequest, RequestState, Ticket

pytestmark = pytest.mark.django_db(transaction=True)

QUESTIONS = ("scope_effect", "business_impact", "checklist", "emergency")


def _english(msgid: str, **params: object) -> str:
    return msgid % params if params else msgid


def _contracts(portal: Portal) -> dict[str, Contract]:
    """The contact's onITnow contract plus a Microsoft (not shared by default) and a CBG one."""
    onitnow = Contract.objects.get(customer=portal.contact.customer)
    microsoft: Contract = ContractFactory(
        customer=onitnow.customer,
        provider_code="microsoft",
        package_code="advanced",
        tickets_shared_by_default=False,
    )
    cbg: Contract = ContractFactory(
        customer=onitnow.customer, provider_code="cbg", package_code="extra"
    )
    for contract in (microsoft, cbg):
        ContactRole.objects.create(
            contact=portal.contact, contract=contract, role=ContactRoleKind.NAMED_CONTACT
        )
    return {"onitnow": onitnow, "microsoft": microsoft, "cbg": cbg}


def _shown(page: Page, *visible: str) -> None:
    for question in QUESTIONS:
        block = page.locator(f"fieldset[data-question='{question}']")
        if question in visible:
            expect(block).to_be_visible()
        else:
            expect(block).to_be_hidden()


@pytest.mark.parametrize(("language", "text"), [("nl", nl), ("en", _english)])
def test_the_form_switches_questions_with_the_contract(
    portal: Portal, language: str, text: Callable[..., str]
) -> None:
    contracts = _contracts(portal)
    portal.contact.language = language
    portal.contact.save(update_fields=["language"])
    page = portal.page()
    portal.login(page)
    page.goto("/portal/tickets/new/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    _shown(page)  # no contract chosen yet: no provider's questions

    page.select_option("#id_contract", str(contracts["onitnow"].pk))
    _shown(page, "scope_effect")
    expect(page.locator("label[for=id_impact_scope]")).to_contain_text(text("Who is affected?"))
    expect(page.locator("#id_shared_with_organisation")).to_be_checked()

    page.select_option("#id_contract", str(contracts["microsoft"].pk))
    _shown(page, "business_impact")
    expect(page.locator("label[for=id_business_impact]")).to_contain_text(text("Business impact"))
    expect(page.locator("#id_shared_with_organisation")).not_to_be_checked()

    page.select_option("#id_contract", str(contracts["cbg"].pk))
    _shown(page, "checklist")
    expect(page.locator("label[for=id_any_user_can_login]")).to_contain_text(
        text("At least one user can still log in")
    )

    # An information request has no priority: no impact questions at all.
    page.check("input[name=request_type][value=information]")
    _shown(page)
    page.check("input[name=request_type][value=incident]")
    _shown(page, "checklist")
    portal.watched.assert_clean()


@pytest.mark.parametrize(("language", "text"), [("nl", nl), ("en", _english)])
def test_a_microsoft_proposal_after_switching_waits_for_the_provider(
    portal: Portal, language: str, text: Callable[..., str]
) -> None:
    """Answers typed under one provider are not sent after switching to another."""
    contracts = _contracts(portal)
    portal.contact.language = language
    portal.contact.save(update_fields=["language"])
    page = portal.page()
    portal.login(page)
    page.goto("/portal/tickets/new/")
    page.select_option("#id_contract", str(contracts["onitnow"].pk))
    page.select_option("#id_impact_scope", "multiple_users")
    page.select_option("#id_impact_effect", "down")
    page.select_option("#id_contract", str(contracts["microsoft"].pk))
    page.fill("#id_subject", "Facturatie ligt stil")
    page.fill("#id_description", "Sinds 08:00 kan niemand factureren.")
    page.fill("#id_business_impact", "Geen enkele factuur gaat de deur uit.")
    page.select_option("#id_proposed_level", "critical")
    with page.expect_navigation():
        page.click("form.new-ticket button[type=submit]")

    ticket = Ticket.objects.get(contact=portal.contact)
    assert page.url == f"{portal.url}/portal/tickets/{ticket.number}/"
    assert (ticket.contract, ticket.priority_level) == (contracts["microsoft"], "normal")
    assert (ticket.impact_scope, ticket.impact_effect) == ("", "")
    assert ticket.shared_with_organisation is False
    request = PriorityChangeRequest.objects.get(ticket=ticket)
    assert (request.requested_level, request.state) == ("critical", RequestState.PENDING)
    expect(page.locator(".messages")).to_contain_text(
        text("Ticket %(number)s was registered.", number=ticket.number)
    )
    portal.watched.assert_clean()
