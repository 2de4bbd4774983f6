"""A contact's own preferences: the portal language and the optional mails (issue #11 §2, §5).

Receipts and resolution mails are not optional and have no switch here: the customer must know
that a ticket was registered and what was done about it. Only the mails a contact can do
without (a ticket waits for them, a ticket closed, survey invitations) can be turned off.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from contracts.exceptions import ContractsError
from contracts.models import Contact


class LanguageUnknown(ContractsError):
    """The chosen language is not one the service desk writes in."""

    code = "language_unknown"


@transaction.atomic
def contact_mail_preferences_set(
    *,
    contact: Contact,
    mail_when_waiting: bool,
    mail_when_closed: bool,
    mail_survey: bool,
    now: datetime,
) -> Contact:
    """Store which optional mails the contact wants. `now` is taken for the house signature;
    the contact row keeps no time of the change."""
    del now
    contact.mail_when_waiting = mail_when_waiting
    contact.mail_when_closed = mail_when_closed
    contact.mail_survey = mail_survey
    contact.save(update_fields=["mail_when_waiting", "mail_when_closed", "mail_survey"])
    return contact


@transaction.atomic
def contact_language_set(*, contact: Contact, language: str, now: datetime) -> Contact:
    """The contact's language for pages and mails (D16), as picked in the portal."""
    del now
    if language not in dict(settings.LANGUAGES):
        raise LanguageUnknown(
            _("%(language)s is not a language of the service desk.") % {"language": language}
        )
    if contact.language != language:
        contact.language = language
        contact.save(update_fields=["language"])
    return contact
