"""Planning Azure Event Management events (SPEC CON-80..88): the rules and the rows.

- one Azure solution per event (CON-83): a name listing several is refused;
- at most 5 contiguous calendar days (CON-81); longer periods are consecutive events;
- confirmed in writing at least 8 calendar weeks (56 days, A-32) before the first day
  (CON-82). Shorter notice: the generic event waits for the provider's agreement (recorded by
  staff); the Cloud for Retail variant has no such exception and is refused (CON-88).

The file checks and the customer success account manager's mail are the caller's
(`escalation.services.aem`), which owns the outbox.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import formats
from django.utils.translation import gettext as _

from contracts.exceptions import AemEventRefused
from contracts.models import AemEvent, AemEventStatus, Contact, Contract
from contracts.selectors_events import SERVICE_AEM, SERVICE_RETAIL, local_day
from contracts.text import display_line, display_text

AEM_MAX_DAYS = 5
AEM_NOTICE = timedelta(days=56)  # 8 calendar weeks
_SEVERAL_SOLUTIONS = re.compile(r"[,;+&/\n]| and | en ", re.IGNORECASE)


@dataclass(frozen=True)
class AemEventInput:
    contract: Contract
    solution: str
    starts_on: date
    ends_on: date
    is_retail: bool = False
    # When the customer confirmed the event in writing; None: now.
    confirmed_at: datetime | None = None
    notes: str = ""


@dataclass(frozen=True)
class AssessmentDocument:
    """A pre-event assessment file, already accepted by the upload rules."""

    name: str
    content_type: str
    content: bytes


def _day(value: date) -> str:
    return formats.date_format(value, "DATE_FORMAT")


def aem_event_notice_days(data: AemEventInput, *, now: datetime) -> int:
    confirmed = data.confirmed_at or now
    return (data.starts_on - local_day(confirmed)).days


def aem_event_is_short_notice(data: AemEventInput, *, now: datetime) -> bool:
    return aem_event_notice_days(data, now=now) < AEM_NOTICE.days


def _solution_problem(data: AemEventInput) -> str | None:
    solution = display_line(data.solution).strip()
    if not solution:
        return _("Name the Azure solution the event covers.")
    if _SEVERAL_SOLUTIONS.search(solution):
        return _("An event covers one Azure solution; plan a separate event for each solution.")
    overlapping = AemEvent.objects.filter(
        contract=data.contract,
        solution__iexact=solution,
        starts_on__lte=data.ends_on,
        ends_on__gte=data.starts_on,
    ).exclude(status=AemEventStatus.CANCELLED)
    if overlapping.exists():
        return _("An event for %(solution)s already covers some of these days.") % {
            "solution": solution
        }
    return None


def _service_problem(data: AemEventInput) -> str | None:
    code = SERVICE_RETAIL if data.is_retail else SERVICE_AEM
    if data.contract.services.filter(code=code).exists():
        return None
    if data.is_retail:
        return _(
            "Contract %(contract)s does not include Event Management for Microsoft Cloud for "
            "Retail customers."
        ) % {"contract": data.contract.reference}
    return _("Contract %(contract)s does not include Azure Event Management.") % {
        "contract": data.contract.reference
    }


def _days_problem(data: AemEventInput, today: date) -> str | None:
    if data.ends_on < data.starts_on:
        return _("The last day is before the first day.")
    days = (data.ends_on - data.starts_on).days + 1
    if days > AEM_MAX_DAYS:
        return _(
            "An event covers at most 5 consecutive calendar days; this one has %(days)s. "
            "Plan consecutive events for a longer period."
        ) % {"days": days}
    if data.starts_on <= today:
        return _("The event must start after today.")
    contract = data.contract
    if data.starts_on < contract.start_date or (
        contract.end_date is not None and data.ends_on > contract.end_date
    ):
        end = _day(contract.end_date) if contract.end_date else _("open-ended")
        return _("The event falls outside the contract's term (%(start)s to %(end)s).") % {
            "start": _day(contract.start_date),
            "end": end,
        }
    return None


def _notice_problem(data: AemEventInput, now: datetime) -> str | None:
    confirmed = data.confirmed_at or now
    if confirmed > now:
        return _("The written confirmation cannot be in the future.")
    if data.is_retail and aem_event_is_short_notice(data, now=now):
        earliest = local_day(confirmed) + AEM_NOTICE
        return _(
            "A Cloud for Retail event must be confirmed in writing at least 8 weeks (56 days) "
            "before it starts, without exception; the earliest first day is %(date)s."
        ) % {"date": _day(earliest)}
    return None


def aem_event_problems(data: AemEventInput, *, now: datetime) -> dict[str, str]:
    """Why the event cannot be planned, per field (empty: it can)."""
    problems: dict[str, str] = {}
    checks = (
        ("contract", _service_problem(data)),
        ("solution", _solution_problem(data)),
        ("ends_on", _days_problem(data, local_day(now))),
        ("confirmed_at", _notice_problem(data, now)),
    )
    for field, problem in checks:
        if problem is not None:
            problems[field] = problem
    return problems


def aem_event_short_notice_warning(data: AemEventInput, *, now: datetime) -> str | None:
    """The generic event's short-notice warning (None: enough notice)."""
    if data.is_retail or not aem_event_is_short_notice(data, now=now):
        return None
    return _(
        "Confirmed %(days)s days before the start, less than 8 weeks (56 days): the event "
        "needs the provider's agreement before its targets apply, and the pre-event "
        "assessment may be limited."
    ) % {"days": max(aem_event_notice_days(data, now=now), 0)}


@transaction.atomic
def aem_event_create(
    *,
    data: AemEventInput,
    document: AssessmentDocument | None,
    requested_by_contact: Contact | None,
    requested_by_user: User | None,
    now: datetime,
) -> AemEvent:
    """Plan the event, or refuse (AemEventRefused, per field). At short notice it waits for
    the provider's agreement."""
    problems = aem_event_problems(data, now=now)
    if problems:
        raise AemEventRefused(problems)
    short = aem_event_is_short_notice(data, now=now)
    event = AemEvent(
        contract=data.contract,
        solution=display_line(data.solution).strip()[:200],
        is_retail=data.is_retail,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        confirmed_at=data.confirmed_at or now,
        status=AemEventStatus.AWAITING_AGREEMENT if short else AemEventStatus.PLANNED,
        short_notice=short,
        notes=display_text(data.notes),
        requested_by_contact=requested_by_contact,
        requested_by_user=requested_by_user,
        created_at=now,
    )
    if document is not None:
        event.assessment_filename = document.name[:200]
        event.assessment_content_type = document.content_type
        event.assessment_file.save(document.name, ContentFile(document.content), save=False)
    event.save()
    return event


@transaction.atomic
def aem_event_agree(*, event: AemEvent, user: User, now: datetime) -> AemEvent:
    """The provider agrees to an event confirmed at short notice: its targets apply."""
    updated = AemEvent.objects.filter(pk=event.pk, status=AemEventStatus.AWAITING_AGREEMENT).update(
        status=AemEventStatus.PLANNED, agreed_by=user, agreed_at=now
    )
    if not updated:
        raise AemEventRefused(
            {"status": _("This event does not wait for the provider's agreement.")}
        )
    event.refresh_from_db()
    return event
