"""Answering an access request (issue #15 §3): a ZIP of everything held about the person,
written by every registered app's exporter, kept for PRIVACY_EXPORT_KEEP_DAYS and then
removed by the daily retention run."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext

from contracts.models import Contact
from privacy.exceptions import RequestNotOpen, SubjectErased
from privacy.export import ExportWriter
from privacy.models import DataSubjectRequest, RequestKind, RequestStatus
from privacy.registry import personal_data_registered
from privacy.services.requests import contact_is_erased, subject_of


def _readme(contact: Contact, request: DataSubjectRequest, now: datetime) -> str:
    with translation.override(contact.language):
        return gettext(
            "Everything the service desk holds about %(name)s (%(email)s), exported for "
            "request %(reference)s on %(date)s. Each folder is one part of the desk: JSON "
            "documents and the files themselves. Times are in UTC."
        ) % {
            "name": contact.name,
            "email": contact.email,
            "reference": request.reference,
            "date": now.date().isoformat(),
        }


@transaction.atomic
def dsr_export_build(
    *, request: DataSubjectRequest, actor: User, now: datetime
) -> DataSubjectRequest:
    """Build the export once; the request is then completed."""
    locked = DataSubjectRequest.objects.select_for_update().get(pk=request.pk)
    if locked.kind != RequestKind.ACCESS or locked.status != RequestStatus.RECORDED:
        raise RequestNotOpen(gettext("This request is not an access request still to answer."))
    contact = Contact.objects.select_related("user").get(pk=locked.contact_id)
    if contact_is_erased(contact):
        raise SubjectErased(gettext("This person's data has been erased already."))
    subject = subject_of(contact)
    writer = ExportWriter()
    writer.write_bytes("README.txt", _readme(contact, locked, now).encode())
    for data in personal_data_registered():
        if data.export is not None:
            data.export(subject, writer)
    locked.export_file.save(f"{locked.reference}.zip", ContentFile(writer.close()), save=False)
    locked.status = RequestStatus.COMPLETED
    locked.confirmed_by = actor
    locked.confirmed_at = locked.completed_at = now
    locked.export_expires_at = now + timedelta(days=settings.PRIVACY_EXPORT_KEEP_DAYS)
    locked.result = dict(sorted(writer.counts.items()))
    locked.save()
    return locked
