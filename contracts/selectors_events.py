"""Microsoft's extended services (SPEC §2.7, §3.3.3, §3.3.4): which SLA policy a new ticket
gets, and the Azure Event Management events of a contract.

The one home of the rule `ticket_create` applies for every channel (portal, phone, email, API):

1. During a Cloud for Retail event of the contract, a Dynamics 365 / Microsoft 365 incident
   (the Solution Center with support plan "D365-evenement") gets the Retail table (CON-88).
2. During an event of the contract (Retail or not) an Azure incident, or one whose description
   says "AEM" (CON-85), gets the event's AEM table, if the contract has Azure Event Management.
3. An Azure incident under a contract with Rapid Response gets the Rapid Response table, which
   takes precedence over the package's (§3.3.3).
4. Otherwise the package's own policy.

Only incidents: the extended tables hold incident targets only. A contract of a catalogue
without extended policies costs no query (cached per release).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contracts.models import AemEvent, AemEventStatus, Contract, RequestType, SlaPolicy

SERVICE_RAPID_RESPONSE = "rapid-response"
SERVICE_AEM = "azure-event-management"
SERVICE_RETAIL = "retail-event-management"
POLICY_RAPID_RESPONSE = "ms-rapid-response"
POLICY_AEM = "ms-aem"
POLICY_RETAIL = "ms-retail"
EXTENDED_POLICIES = (POLICY_RAPID_RESPONSE, POLICY_AEM, POLICY_RETAIL)


class ServiceArea(models.TextChoices):
    """What the ticket is about, as the customer or the first line names it."""

    OTHER = "", gettext_lazy("something else")
    AZURE = "azure", gettext_lazy("an Azure component (Azure portal)")
    SOLUTION_CENTER = (
        "solution_center",
        gettext_lazy(
            'a Dynamics 365 or Microsoft 365 product (Solution Center, plan "D365-evenement")'
        ),
    )


class ChoiceReason(models.TextChoices):
    PACKAGE = "", gettext_lazy("the package's targets")
    RAPID_RESPONSE = "rapid_response", gettext_lazy("Azure Rapid Response targets")
    AEM_EVENT = "aem_event", gettext_lazy("Azure Event Management targets during your event")
    RETAIL_EVENT = (
        "retail_event",
        gettext_lazy("Cloud for Retail event targets (support plan D365-evenement)"),
    )


@dataclass(frozen=True)
class PolicyChoice:
    code: str  # "" = the package's own policy
    reason: str  # a ChoiceReason value
    event: AemEvent | None = None


PACKAGE_CHOICE = PolicyChoice(code="", reason=ChoiceReason.PACKAGE)

_AEM_WORD = re.compile(r"\bAEM\b", re.IGNORECASE)
_AZURE_WORD = re.compile(r"\bazure\b", re.IGNORECASE)
_SOLUTION_CENTER_WORDS = re.compile(
    r"\b(d365(-evenement)?|dynamics( 365)?|m365|microsoft 365|solution center)\b", re.IGNORECASE
)

# release id -> whether any of its policies belongs to a purchasable service.
_EXTENDED_RELEASES: dict[int, bool] = {}


def extended_cache_clear() -> None:
    _EXTENDED_RELEASES.clear()


def _release_has_extended(release_id: int) -> bool:
    if release_id not in _EXTENDED_RELEASES:
        _EXTENDED_RELEASES[release_id] = SlaPolicy.objects.filter(
            release_id=release_id, code__in=EXTENDED_POLICIES, service__isnull=False
        ).exists()
    return _EXTENDED_RELEASES[release_id]


def service_area_of(*, area: str, product: str, subject: str) -> str:
    """The area named explicitly, else read from the product field, else from the subject
    (an email has only a subject): "Azure ..." or "D365 / M365 ..."."""
    if area:
        return area
    for text in (product, subject):
        if _AZURE_WORD.search(text):
            return ServiceArea.AZURE
        if _SOLUTION_CENTER_WORDS.search(text):
            return ServiceArea.SOLUTION_CENTER
    return ServiceArea.OTHER


def local_day(at: datetime) -> date:
    return at.astimezone(ZoneInfo(settings.DISPLAY_TIME_ZONE)).date()


def aem_event_window(event: AemEvent) -> tuple[datetime, datetime]:
    """The event's reactive window: its first day 00:00 to the day after its last, local time."""
    zone = ZoneInfo(settings.DISPLAY_TIME_ZONE)
    start = datetime.combine(event.starts_on, time.min, tzinfo=zone)
    end = datetime.combine(event.ends_on + timedelta(days=1), time.min, tzinfo=zone)
    return start, end


def aem_event_covering(
    *, contract: Contract, at: datetime, retail: bool | None = None
) -> AemEvent | None:
    """The planned event of the contract whose days include `at` (local), or None."""
    day = local_day(at)
    rows = AemEvent.objects.filter(
        contract=contract, status=AemEventStatus.PLANNED, starts_on__lte=day, ends_on__gte=day
    )
    if retail is not None:
        rows = rows.filter(is_retail=retail)
    return rows.order_by("-is_retail", "starts_on", "pk").first()


def extended_policy_choose(
    *,
    contract: Contract,
    request_type: str,
    area: str,
    product: str,
    subject: str,
    description: str,
    at: datetime,
) -> PolicyChoice:
    """The policy a new ticket gets from the contract's services and what the ticket names."""
    if request_type != RequestType.INCIDENT or not _release_has_extended(
        contract.package.release_id
    ):
        return PACKAGE_CHOICE
    extended = {SERVICE_RAPID_RESPONSE, SERVICE_AEM, SERVICE_RETAIL}
    codes = getattr(contract, "service_codes", None)  # read with the contract (selectors)
    if codes is None:
        codes = contract.services.filter(code__in=extended).values_list("code", flat=True)
    services = set(codes) & extended
    if not services:
        return PACKAGE_CHOICE
    area = service_area_of(area=area, product=product, subject=subject)
    if SERVICE_AEM in services or SERVICE_RETAIL in services:
        event = aem_event_covering(contract=contract, at=at)
        if event is not None:
            choice = _event_choice(event, services, area, description)
            if choice is not None:
                return choice
    if SERVICE_RAPID_RESPONSE in services and area == ServiceArea.AZURE:
        return PolicyChoice(code=POLICY_RAPID_RESPONSE, reason=ChoiceReason.RAPID_RESPONSE)
    return PACKAGE_CHOICE


def _event_choice(
    event: AemEvent, services: set[str], area: str, description: str
) -> PolicyChoice | None:
    if event.is_retail and SERVICE_RETAIL in services and area == ServiceArea.SOLUTION_CENTER:
        return PolicyChoice(code=POLICY_RETAIL, reason=ChoiceReason.RETAIL_EVENT, event=event)
    names_aem = area == ServiceArea.AZURE or bool(_AEM_WORD.search(description))
    if names_aem and SERVICE_AEM in services:
        return PolicyChoice(code=POLICY_AEM, reason=ChoiceReason.AEM_EVENT, event=event)
    return None


def policy_choice_label(*, policy_code: str | None, package_name: str) -> str:
    """What the customer and the engineer read about the targets a ticket got."""
    reason = {
        POLICY_RAPID_RESPONSE: ChoiceReason.RAPID_RESPONSE,
        POLICY_AEM: ChoiceReason.AEM_EVENT,
        POLICY_RETAIL: ChoiceReason.RETAIL_EVENT,
    }.get(policy_code or "")
    if reason is None:
        return _("The %(package)s package's targets") % {"package": package_name}
    return str(reason.label)


def contract_asks_service_area(contract: Contract) -> bool:
    """Whether the ticket forms ask what a ticket under `contract` is about: it has Rapid
    Response, Azure Event Management or the Retail variant (prefetched services are used)."""
    codes = {s.code for s in contract.services.all()}
    return bool(codes & {SERVICE_RAPID_RESPONSE, SERVICE_AEM, SERVICE_RETAIL})


def aem_events_of(contract_ids: list[int] | QuerySet[Contract]) -> QuerySet[AemEvent]:
    return (
        AemEvent.objects.filter(contract__in=contract_ids)
        .select_related("contract__customer", "contract__provider", "agreed_by")
        .order_by("-starts_on", "pk")
    )


def aem_events_ended_unsummarised(*, now: datetime) -> QuerySet[AemEvent]:
    """Planned events whose last day is over and whose summary was not sent yet."""
    return AemEvent.objects.filter(
        status=AemEventStatus.PLANNED, summary_sent_at__isnull=True, ends_on__lt=local_day(now)
    ).select_related("contract__customer", "contract__csam")


def contract_extended_policy_codes(contract: Contract) -> list[str]:
    """The extended policies the contract's services give it, in the catalogue's order."""
    if not _release_has_extended(contract.package.release_id):
        return []
    return list(
        SlaPolicy.objects.filter(
            release_id=contract.package.release_id,
            code__in=EXTENDED_POLICIES,
            service__in=contract.services.all(),
        )
        .order_by("pk")
        .values_list("code", flat=True)
    )
