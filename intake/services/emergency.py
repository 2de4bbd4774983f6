"""When an email reports an emergency (issue #13 §2; SPEC §2.10, TKT-50).

A form asks "is this an emergency?" where the provider asks it (Websitenazorg: outside working
hours only emergencies are handled); an email cannot tick a box, so its subject says it: a
subject with "spoed" (spoedgeval, spoedeisend ...), "noodgeval" or "emergency" as a word, in
any case. Only the subject counts (a quoted reply or a signature in the body says nothing about
this message), and only under a contract whose provider asks the emergency question: elsewhere
the word changes nothing, as a box the form does not show cannot be ticked. A message that is
an emergency goes through the out-of-hours service, as the portal's form does: outside office
hours it reaches the person on call."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings

from contracts.exceptions import DomainError
from contracts.models import Contact
from contracts.selectors import contract_for_submission
from tickets.questions import QuestionSet, contract_question_set

EMERGENCY_WORDS = re.compile(r"\b(?:spoed\w*|noodgeval\w*|emergency)\b", re.IGNORECASE)


def subject_says_emergency(subject: str) -> bool:
    return EMERGENCY_WORDS.search(subject) is not None


def email_emergency(*, subject: str, contact: Contact, now: datetime) -> bool:
    """The subject says emergency and the contact's contract asks whether it is one. A contract
    that cannot be chosen answers False: ticket_create then refuses the message as it would."""
    if not subject_says_emergency(subject):
        return False
    today = now.astimezone(ZoneInfo(settings.DISPLAY_TIME_ZONE)).date()
    try:
        contract = contract_for_submission(contact=contact, on=today, contract_id=None)
    except DomainError:
        return False
    return contract_question_set(contract).asks(QuestionSet.EMERGENCY)
