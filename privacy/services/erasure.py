"""Erasing a person (issue #15 §3, D17, SEC-02): irreversible, confirmed by a coordinator.

Every registered app's eraser runs in one transaction, with the person's strings (taken from
the contact before anything changes) and the request's pseudonym: a failure anywhere erases
nothing, and stored files go only after the commit (`privacy.files`). What stays: the tickets,
their clocks, segments and every figure made of them; what the request keeps is per table the
number of rows changed, never the erased data.

The preview runs the same erasers in a transaction that is rolled back: the counts the
coordinator confirms are the counts the erasure will have, with no second definition of what
an erasure touches.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.translation import gettext

from contracts.models import Contact
from privacy.exceptions import (
    ConfirmationMismatch,
    ConfirmationNotAllowed,
    RequestNotOpen,
    SubjectErased,
)
from privacy.models import DataSubjectRequest, RequestKind, RequestStatus
from privacy.registry import Counts, counts_add, personal_data_registered
from privacy.scrub import Scrubber
from privacy.services.requests import contact_is_erased, pseudonym_of, subject_of

CONFIRM_PERMISSION = "privacy.confirm_datasubjectrequest"


def _erase(request: DataSubjectRequest, now: datetime) -> Counts:
    contact = Contact.objects.select_related("user").get(pk=request.contact_id)
    scrubber = Scrubber(subject_of(contact), pseudonym=pseudonym_of(request.reference), now=now)
    counts: Counts = {}
    for data in personal_data_registered():
        if data.erase is not None:
            counts_add(counts, data.erase(scrubber.subject, scrubber))
    return {table: number for table, number in sorted(counts.items()) if number}


def _open_erasure_check(request: DataSubjectRequest) -> None:
    if request.kind != RequestKind.ERASURE or request.status != RequestStatus.RECORDED:
        raise RequestNotOpen(gettext("This request is not an erasure waiting for confirmation."))
    if contact_is_erased(request.contact):
        raise SubjectErased(gettext("This person's data has been erased already."))


def dsr_erasure_preview(*, request: DataSubjectRequest, now: datetime) -> Counts:
    """Per table, how many rows the erasure would change; nothing is kept."""
    _open_erasure_check(request)
    with transaction.atomic():
        counts = _erase(request, now)
        transaction.set_rollback(True)
    return counts


@transaction.atomic
def dsr_erasure_confirm(
    *, request: DataSubjectRequest, actor: User, reference: str, now: datetime
) -> DataSubjectRequest:
    """Erase the person now. The actor must hold the confirmation permission and type the
    request's reference; a request confirmed twice (two tabs, a retried call) erases once."""
    if not actor.has_perm(CONFIRM_PERMISSION):
        raise ConfirmationNotAllowed(gettext("Only a support coordinator confirms an erasure."))
    locked = DataSubjectRequest.objects.select_for_update().get(pk=request.pk)
    _open_erasure_check(locked)
    if reference.strip().upper() != locked.reference:
        raise ConfirmationMismatch(
            gettext("Type the request's reference %(reference)s to confirm the erasure.")
            % {"reference": locked.reference}
        )
    counts = _erase(locked, now)
    locked.status = RequestStatus.COMPLETED
    locked.confirmed_by = actor
    locked.confirmed_at = locked.completed_at = now
    locked.result = counts
    locked.save(update_fields=["status", "confirmed_by", "confirmed_at", "completed_at", "result"])
    _audit(locked, actor, counts)
    return locked


def _audit(request: DataSubjectRequest, actor: User, counts: Counts) -> None:
    """The admin's history of the request says who erased and how many rows: no names."""
    LogEntry.objects.create(
        user_id=actor.pk,
        content_type=ContentType.objects.get_for_model(DataSubjectRequest),
        object_id=str(request.pk),
        object_repr=str(request.reference),
        action_flag=CHANGE,
        change_message=gettext("Erasure carried out: %(rows)s rows changed in %(tables)s tables.")
        % {"rows": sum(counts.values()), "tables": len(counts)},
    )
