"""A staff member's language for the desk's mails (issue #11 §2): the language they pick in the
back-office is kept, so their notices and escalation mails follow it (Dutch until they pick)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from contracts.exceptions import DomainError
from notifications.models import StaffProfile


class LanguageUnknown(DomainError):
    code = "language_unknown"


@transaction.atomic
def staff_language_set(*, user: Any, language: str) -> StaffProfile:
    if language not in dict(settings.LANGUAGES):
        raise LanguageUnknown(
            _("%(language)s is not a language of the service desk.") % {"language": language}
        )
    profile, _created = StaffProfile.objects.update_or_create(
        user=user, defaults={"language": language}
    )
    return profile
