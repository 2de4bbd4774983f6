"""Recording a data-subject request (issue #15 §3): who asked, how, when; nothing is done yet.

An erasure waits for a coordinator's confirmation (`privacy.services.erasure`); an access
request is answered by building its export (`privacy.services.exports`)."""

from __future__ import annotations

import secrets
from datetime import datetime

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext

from contracts.models import Contact
from privacy.exceptions import PrivacyError, SubjectErased
from privacy.models import DataSubjectRequest, RequestKind, RequestStatus
from privacy.registry import Subject
from privacy.scrub import Pseudonym

# The pseudonym goes into stored text every reader sees: the desk's own language.
PSEUDONYM_LANGUAGE = "nl"


def pseudonym_of(reference: str) -> Pseudonym:
    token = reference.lower()
    with translation.override(PSEUDONYM_LANGUAGE):
        name = gettext("Erased person %(reference)s") % {"reference": token}
    return Pseudonym(token=token, name=name, email=f"erased-{token}@erased.invalid")


def subject_of(contact: Contact) -> Subject:
    user = contact.user
    return Subject(
        contact_id=contact.pk,
        customer_id=contact.customer_id,
        user_id=user.pk if user is not None else None,
        name=contact.name,
        email=contact.email,
        phone=contact.phone,
        username=user.get_username() if user is not None else "",
    )


def contact_is_erased(contact: Contact) -> bool:
    return DataSubjectRequest.objects.filter(
        contact=contact, kind=RequestKind.ERASURE, status=RequestStatus.COMPLETED
    ).exists()


def _reference_new() -> str:
    while True:
        reference = secrets.token_hex(3).upper()
        if not DataSubjectRequest.objects.filter(reference=reference).exists():
            return reference


@transaction.atomic
def dsr_record(
    *,
    contact: Contact,
    kind: str,
    received_at: datetime,
    received_via: str,
    actor: User | None,
    now: datetime,
    note: str = "",
    reference: str | None = None,
) -> DataSubjectRequest:
    """A request as received. Refused for a person erased already, and for a second erasure
    of a person while one waits. `reference` is chosen at random unless given (the demo's are
    fixed, so a demo run is the same for the same --now)."""
    if contact_is_erased(contact):
        raise SubjectErased(gettext("This person's data has been erased already."))
    if received_at > now:
        raise PrivacyError(gettext("A request cannot be received in the future."))
    try:
        with transaction.atomic():
            return DataSubjectRequest.objects.create(
                reference=reference or _reference_new(),
                kind=kind,
                contact=contact,
                customer_id=contact.customer_id,
                received_at=received_at,
                received_via=received_via,
                note=note,
                recorded_at=now,
                recorded_by=actor,
            )
    except IntegrityError as exc:
        raise PrivacyError(
            gettext("An erasure of this person is waiting for confirmation already.")
        ) from exc
