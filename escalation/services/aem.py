"""Azure Event Management events as the doors use them (SPEC CON-80..88, DECISIONS D11).

`aem_event_plan` checks the pre-event assessment file by the upload rules every door uses,
plans the event (`contracts.services.events`: the rules) and, when it was confirmed at short
notice, writes the contract's customer success account manager's mail in the same
transaction. `aem_event_summaries_send` (the beat task) mails each ended event's summary to
the CSAM exactly once: the outbox key names the event, and `summary_sent_at` is set by
compare-and-set, so two overlapping runs cannot both send it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import override

from contracts.models import AemEvent, Contact
from contracts.selectors_events import aem_events_ended_unsummarised
from contracts.services.events import (
    AemEventInput,
    AssessmentDocument,
    aem_event_create,
    aem_event_notice_days,
)
from escalation.services.emails import csam_contract_email
from notifications.services.emails import local_time
from notifications.services.outbox import outbox_enqueue
from notifications.services.recipients import staff_recipient
from tickets.selectors_aem import AemCase, AemSummary, aem_event_summary
from tickets.services.uploads import UploadRefused, upload_batch_problem, upload_check

CSAM_ROLE = "customer success account manager"


@dataclass(frozen=True)
class AemEventRequest:
    data: AemEventInput
    document: UploadedFile[bytes] | None = None
    requested_by_contact: Contact | None = None
    requested_by_user: User | None = None


def _document(upload: UploadedFile[bytes] | None) -> AssessmentDocument | None:
    if upload is None:
        return None
    too_large = upload_batch_problem([upload])
    if too_large is not None:
        raise UploadRefused(too_large)
    upload.seek(0)
    content = bytes(upload.read())
    check = upload_check(name=upload.name or "", content=content)
    return AssessmentDocument(name=check.name, content_type=check.content_type, content=content)


@transaction.atomic
def aem_event_plan(*, request: AemEventRequest, now: datetime) -> AemEvent:
    """Plan an event for a contract; refusals raise AemEventRefused / UploadRefused."""
    event = aem_event_create(
        data=request.data,
        document=_document(request.document),
        requested_by_contact=request.requested_by_contact,
        requested_by_user=request.requested_by_user,
        now=now,
    )
    if event.short_notice:
        _short_notice_mail(event, request.data, now)
    return event


def _day(value: date) -> str:
    return formats.date_format(value, "DATE_FORMAT")


def _short_notice_mail(event: AemEvent, data: AemEventInput, now: datetime) -> None:
    """D11: the CSAM hears of an event requested at short notice (once per event)."""
    contract = event.contract
    csam = contract.csam
    if csam is None or not csam.email:
        return
    recipient = staff_recipient(csam, CSAM_ROLE)
    with override(recipient.language):
        email = csam_contract_email(
            contract.reference,
            contract.customer.name,
            recipient,
            _("Event requested at short notice: %(solution)s") % {"solution": event.solution},
            _(
                "The customer confirmed this Azure Event Management event less than 8 weeks "
                "before it starts. Its targets apply once the provider agrees; record the "
                "agreement in the back-office."
            ),
            [
                (_("Contract"), contract.reference),
                (_("Azure solution"), event.solution),
                (_("Days"), f"{_day(event.starts_on)} – {_day(event.ends_on)}"),
                (_("Confirmed in writing"), local_time(event.confirmed_at)),
                (_("Notice"), _("%(days)s days") % {"days": aem_event_notice_days(data, now=now)}),
            ],
        )
    outbox_enqueue(key=f"csam-aem-short-notice:{event.pk}", email=email, now=now)


def aem_event_summaries_send(*, now: datetime) -> int:
    """Mail the post-event summary of every ended event to its CSAM, once; returns how many."""
    sent = 0
    for event in aem_events_ended_unsummarised(now=now):
        with transaction.atomic():
            claimed = AemEvent.objects.filter(pk=event.pk, summary_sent_at__isnull=True).update(
                summary_sent_at=now
            )
            if claimed and _summary_mail(aem_event_summary(event), now):
                sent += 1
    return sent


def _summary_mail(summary: AemSummary, now: datetime) -> bool:
    event = summary.event
    csam = event.contract.csam
    if csam is None or not csam.email:
        return False
    recipient = staff_recipient(csam, CSAM_ROLE)
    with override(recipient.language):
        english = recipient.language.startswith("en")
        facts = [
            (_("Azure solution"), event.solution),
            (_("Days"), f"{_day(event.starts_on)} – {_day(event.ends_on)}"),
            (_("Cases opened"), str(summary.opened)),
            (_("Still open"), str(summary.still_open)),
            (_("First response met"), f"{summary.response_met} / {summary.opened}"),
        ]
        for case in summary.cases:
            facts.append((case.number, aem_case_line(case, english=english)))
        email = csam_contract_email(
            event.contract.reference,
            event.contract.customer.name,
            recipient,
            _("Post-event summary: %(solution)s") % {"solution": event.solution},
            _("The event is over. These cases were opened during it under the event's targets."),
            facts,
        )
    return outbox_enqueue(key=f"csam-aem-summary:{event.pk}", email=email, now=now) is not None


def aem_case_line(case: AemCase, *, english: bool) -> str:
    """One case of a summary in words: subject, severity, opened, outcome, first response."""
    if case.is_open:
        outcome = _("open")
    elif case.resolved_at is not None:
        outcome = _("resolved %(time)s") % {"time": local_time(case.resolved_at)}
    else:
        outcome = _("closed")
    if case.response_met is None:
        response = _("first response pending")
    elif case.response_met:
        response = _("first response met")
    else:
        response = _("first response missed")
    return (
        f"{case.subject} · {case.severity(english=english)} · "
        f"{_('opened %(time)s') % {'time': local_time(case.opened_at)}} · {outcome} · {response}"
    )
