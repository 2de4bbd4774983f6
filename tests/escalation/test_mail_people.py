"""One mail per event per person, in the recipient's language, and truthful promises (issue #11
§2): engineers hear of escalations, staff read their own language, the acknowledgement page
follows the mail, the customer is told when the manager will really hear of it."""

from datetime import date

import pytest
from django.contrib.auth.models import Group

from contracts.models import EscalationContact
from escalation.models import Escalation, Level
from escalation.services.actions import escalation_raise_by_customer
from escalation.services.csam import csam_contract_notices
from escalation.services.fallback import escalation_fallback
from escalation.tokens import ack_token
from notifications.models import OutboxEmail, StaffProfile
from tests.escalation.helpers import coordinator, sweep
from tests.factories import ContractFactory, UserFactory, named_contact
from tests.tickets.helpers import ams, create_ticket
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

SSM = "j.blanke@onitnow.nl"  # onITnow's level-1 escalation contact (catalogue)
CSAM = "csam@microsoft.example"
SDM = "sdm@microsoft.example"


def _speaks(user, language: str):
    StaffProfile.objects.create(user=user, language=language)
    return user


def _top(**kwargs) -> Ticket:
    """Top incident on ONS registered Mon 8 Jun 08:30: response due 09:30 (level 1)."""
    coordinator()
    contract = ContractFactory(provider_code="onitnow", package_code="ons")
    return create_ticket(
        named_contact(contract, **kwargs),
        ams("2026-06-08 08:30"),
        priority_level="top",
        send_receipt=False,
    )


def _rows(ticket: Ticket, part: str) -> list[OutboxEmail]:
    return list(OutboxEmail.objects.filter(ticket=ticket, key__contains=part).order_by("key", "pk"))


# --- engineers hear of an escalation ----------------------------------------------------------


def test_the_assignee_hears_of_each_escalation_once_without_an_ack_link():
    ticket = _top()
    engineer = UserFactory(username="eng", email="eng@provider.example")
    Ticket.objects.filter(pk=ticket.pk).update(assignee=engineer)
    sweep("2026-06-08 09:31")  # level 1
    sweep("2026-06-08 10:31")  # level 2, and a reminder of level 1 to the manager
    notices = _rows(ticket, ":engineer:eng@provider.example")
    assert sorted(n.escalation.level for n in notices if n.escalation) == [1, 2]
    assert OutboxEmail.objects.filter(key__startswith="escalation:", key__contains=":1:").exists()
    for notice in notices:
        assert "/escalations/acknowledge/" not in notice.body_text
        assert "/admin/tickets/ticket/" in notice.body_text  # the link to the ticket


def test_the_line_group_hears_when_nobody_is_assigned():
    ticket = _top()
    first_line = Group.objects.get(name="First line")
    for name in ("ann", "bob"):
        UserFactory(username=name, email=f"{name}@provider.example").groups.add(first_line)
    UserFactory(username="sam", email="sam@provider.example").groups.add(
        Group.objects.get(name="Second line")
    )
    sweep("2026-06-08 09:31")
    told = sorted(r.to_email for r in _rows(ticket, ":engineer:"))
    assert told == ["ann@provider.example", "bob@provider.example"]


def test_a_warning_reaches_the_line_group_when_nobody_is_assigned():
    ticket = _top()
    UserFactory(username="ann", email="ann@provider.example").groups.add(
        Group.objects.get(name="First line")
    )
    sweep("2026-06-08 09:16")  # 75 % of the response target
    warning = Escalation.objects.get(ticket=ticket, level=Level.WARNING)
    assert {r["email"] for r in warning.recipients} == {
        "ann@provider.example",
        "coordinator@provider.example",
    }


def test_an_engineer_who_is_also_a_recipient_gets_one_mail():
    ticket = _top()
    manager = UserFactory(username="jan", email=SSM)
    Ticket.objects.filter(pk=ticket.pk).update(assignee=manager)
    sweep("2026-06-08 09:31")
    level1 = Escalation.objects.get(ticket=ticket, level=Level.FIRST_LINE)
    assert OutboxEmail.objects.filter(escalation=level1, to_email=SSM).count() == 1


def test_a_refused_engineer_notice_is_not_handed_to_the_next_manager():
    ticket = _top()
    Ticket.objects.filter(pk=ticket.pk).update(
        assignee=UserFactory(username="eng", email="eng@provider.example")
    )
    sweep("2026-06-08 09:31")
    (notice,) = _rows(ticket, ":engineer:")
    assert escalation_fallback(outbox_id=notice.pk, now=ams("2026-06-08 09:40")) is None
    notice.escalation.refresh_from_db()
    assert notice.escalation.fallbacks == []


# --- the recipient's language -----------------------------------------------------------------


@pytest.fixture
def critical() -> Ticket:
    """Microsoft Advanced Critical, registered Mon 8 Jun 10:00; an English-reading CSAM."""
    csam = _speaks(UserFactory(username="csam", email=CSAM), "en")
    contract = ContractFactory(provider_code="microsoft", package_code="advanced", csam=csam)
    EscalationContact.objects.create(
        contract=contract, level=1, role="Service Delivery Manager", name="Sam de Vries", email=SDM
    )
    return create_ticket(
        named_contact(contract),
        ams("2026-06-08 10:00"),
        priority_level="critical",
        send_receipt=False,
    )


def test_the_csams_one_mail_says_both_in_the_csams_language(critical):
    sweep("2026-06-08 10:00")
    (row,) = OutboxEmail.objects.filter(to_email=CSAM)
    assert row.language == "en"
    assert "level 1" in row.subject
    assert "Critical ticket for" in row.subject
    assert "A Critical / Sev 1 ticket of your contract was created or changed." in row.body_text
    assert "customer success account manager" in row.body_text
    assert "June 8, 2026" in row.body_text  # dates formatted for English


def test_an_escalation_contact_without_a_preference_reads_dutch(critical):
    sweep("2026-06-08 10:00")
    row = OutboxEmail.objects.get(to_email=SDM)
    assert row.language == "nl"
    assert "8 juni 2026" in row.body_text


def test_an_escalation_contact_who_is_staff_reads_their_own_language(critical):
    _speaks(UserFactory(username="sdm", email=SDM.upper()), "en")
    sweep("2026-06-08 10:00")
    row = OutboxEmail.objects.get(to_email=SDM)
    assert row.language == "en"
    assert "level 1" in row.subject


def test_the_csams_contract_notices_are_in_the_csams_language():
    csam = _speaks(UserFactory(username="csam", email=CSAM), "en")
    ContractFactory(
        provider_code="microsoft",
        package_code="core",
        csam=csam,
        end_date=date(2026, 8, 20),
        renewal_notice_deadline=date(2026, 7, 1),
    )
    csam_contract_notices(now=ams("2026-06-08 06:00"))
    languages = set(OutboxEmail.objects.values_list("language", flat=True))
    assert languages == {"en"}
    assert OutboxEmail.objects.filter(body_text__contains="Aug. 20, 2026").exists()


def test_the_ack_page_is_in_the_language_of_the_mail_with_a_link_to_the_ticket(critical, client):
    sweep("2026-06-08 10:00")
    escalation = Escalation.objects.get(ticket=critical, level=Level.FIRST_LINE)
    english = client.get(f"/escalations/acknowledge/{ack_token(escalation.pk, CSAM)}/")
    page = english.content.decode()
    assert '<html lang="en">' in page
    assert "Acknowledge escalation" in page
    assert "June 8, 2026" in page
    assert f"/admin/tickets/ticket/{critical.pk}/change/" in page
    dutch = client.get(f"/escalations/acknowledge/{ack_token(escalation.pk, SDM)}/")
    assert '<html lang="nl">' in dutch.content.decode()
    assert "Escalatie bevestigen" in dutch.content.decode()
    assert "8 juni 2026" in dutch.content.decode()


# --- truthful promises ------------------------------------------------------------------------


def test_an_escalation_after_hours_says_when_the_manager_will_be_told():
    ticket = _top(language="en")
    escalation = escalation_raise_by_customer(
        ticket=ticket, contact=ticket.contact, reason="No answer", now=ams("2026-06-08 20:00")
    )
    manager = OutboxEmail.objects.get(escalation=escalation, to_email=SSM)
    assert manager.send_after == ams("2026-06-09 08:30")  # nobody is paged at night (D10)
    confirmation = OutboxEmail.objects.get(escalation=escalation, key__contains=":customer:")
    assert "has been informed" not in confirmation.body_text
    assert "will be informed on June 9, 2026, 8:30 a.m." in confirmation.body_text


def test_an_escalation_in_business_hours_says_the_manager_has_been_told():
    ticket = _top(language="en")
    escalation = escalation_raise_by_customer(
        ticket=ticket, contact=ticket.contact, reason="No answer", now=ams("2026-06-08 09:00")
    )
    confirmation = OutboxEmail.objects.get(escalation=escalation, key__contains=":customer:")
    assert "The responsible manager has been informed" in confirmation.body_text


def test_a_dutch_customer_is_told_in_dutch_when_the_manager_will_hear_of_it():
    ticket = _top()
    escalation = escalation_raise_by_customer(
        ticket=ticket, contact=ticket.contact, reason="Geen reactie", now=ams("2026-06-08 20:00")
    )
    confirmation = OutboxEmail.objects.get(escalation=escalation, key__contains=":customer:")
    assert "wordt op 9 juni 2026 08:30 (Europe/Amsterdam) ingelicht" in confirmation.body_text


def test_a_dutch_engineer_reads_the_notice_in_dutch():
    ticket = _top()
    Ticket.objects.filter(pk=ticket.pk).update(
        assignee=UserFactory(username="eng", email="eng@provider.example")
    )
    sweep("2026-06-08 09:31")
    (notice,) = _rows(ticket, ":engineer:")
    assert f"Ticket {ticket.number} is geëscaleerd" in notice.subject
    assert "U ontvangt dit als behandelaar." in notice.body_text
