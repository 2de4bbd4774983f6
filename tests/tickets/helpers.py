"""Small helpers for ticket tests: Amsterdam wall-clock datetimes and a ticket maker."""

from datetime import datetime
from zoneinfo import ZoneInfo

from contracts.models import Contact
from tickets.models import Ticket
from tickets.services import TicketCreateInput, ticket_create

AMS = ZoneInfo("Europe/Amsterdam")


def ams(text: str) -> datetime:
    """'2026-05-04 17:00' as an aware Europe/Amsterdam datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=AMS)


def local(value: datetime | None) -> str | None:
    return value.astimezone(AMS).strftime("%Y-%m-%d %H:%M %z") if value else None


def create_ticket(contact: Contact, now: datetime, **kwargs: object) -> Ticket:
    fields: dict = {
        "contact": contact,
        "request_type": "incident",
        "channel": "portal",
        "subject": "Integratie staat stil",
        "description": "Sinds vanochtend komen er geen berichten meer door.",
    }
    fields.update(kwargs)
    return ticket_create(data=TicketCreateInput(**fields), now=now)
