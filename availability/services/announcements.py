"""Mails about maintenance to the customers' contacts (SPEC §6.2): each contact is told each
thing (announcement, reminder, cancellation) once: the announcement row is unique per
maintenance, contact and kind, and its outbox row is keyed the same, both written in the
caller's transaction. The reminder goes the day before, claimed by compare-and-set so two beat
runs cannot both send it.

Who: the active contacts holding a role under an affected contract (named contacts, the support
services manager); a contract without any is told through all its customer's active contacts.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import override

from availability.models import (
    AnnouncementKind,
    MaintenanceAnnouncement,
    MaintenanceStatus,
    PlannedMaintenance,
)
from contracts.models import Contact
from notifications.services.emails import local_time, render
from notifications.services.outbox import Email, outbox_enqueue
from notifications.services.recipients import Recipient

REMINDER_AHEAD = timedelta(days=1)


def maintenance_contacts(maintenance: PlannedMaintenance) -> list[tuple[Contact, list[str]]]:
    """Each contact to tell, once, with the names of their services it affects."""
    services = list(maintenance.services.select_related("contract"))
    told: dict[int, tuple[Contact, list[str]]] = {}
    for service in services:
        contract = service.contract
        rows = Contact.objects.filter(is_active=True, customer_id=contract.customer_id)
        with_role = rows.filter(roles__contract=contract).distinct()
        for contact in with_role if with_role.exists() else rows:
            if contact.email:
                told.setdefault(contact.pk, (contact, []))[1].append(service.name)
    return list(told.values())


def _text(maintenance: PlannedMaintenance, kind: str) -> tuple[str, str]:
    if kind == AnnouncementKind.CANCELLATION:
        return _("Maintenance cancelled: %(title)s") % {"title": maintenance.title}, _(
            "The maintenance we announced will not take place."
        )
    if kind == AnnouncementKind.REMINDER:
        return _("Reminder: maintenance %(title)s") % {"title": maintenance.title}, _(
            "As announced, we carry out maintenance on the services below."
        )
    return _("Planned maintenance: %(title)s") % {"title": maintenance.title}, _(
        "We will carry out maintenance on the services below. They may be unavailable "
        "during this time."
    )


def _email_for(
    maintenance: PlannedMaintenance, kind: str, contact: Contact, names: list[str]
) -> Email:
    recipient = Recipient("customer", contact.name, contact.email, contact.language or "nl")
    with override(recipient.language):
        heading, intro = _text(maintenance, kind)
        if maintenance.description:
            intro = f"{intro}\n\n{maintenance.description}"
        return render(
            language=recipient.language,
            recipient=recipient,
            subject=f"{heading} - {maintenance.provider.name}",
            heading=heading,
            intro=intro,
            facts=[
                (_("Provider"), maintenance.provider.name),
                (_("Services"), ", ".join(sorted(names))),
                (_("Start"), local_time(maintenance.start)),
                (_("End"), local_time(maintenance.end)),
            ],
            action_url=str(settings.SITE_URL) + reverse("portal:home"),
            action_label=_("Open the portal"),
        )


def maintenance_tell(*, maintenance: PlannedMaintenance, kind: str, now: datetime) -> int:
    """Write the mails of one kind in the caller's transaction; returns how many were new.
    A reminder or cancellation goes only to those who had the announcement."""
    announced = set(
        MaintenanceAnnouncement.objects.filter(
            maintenance=maintenance, kind=AnnouncementKind.ANNOUNCEMENT
        ).values_list("contact_id", flat=True)
    )
    written = 0
    for contact, names in maintenance_contacts(maintenance):
        if kind != AnnouncementKind.ANNOUNCEMENT and contact.pk not in announced:
            continue
        _row, created = MaintenanceAnnouncement.objects.get_or_create(
            maintenance=maintenance, contact=contact, kind=kind, defaults={"sent_at": now}
        )
        if not created:
            continue
        email = _email_for(maintenance, kind, contact, names)
        if outbox_enqueue(
            key=f"maintenance:{kind}:{maintenance.pk}:{contact.pk}", email=email, now=now
        ):
            written += 1
    return written


def maintenance_reminders_send(*, now: datetime) -> int:
    """The day-before reminders now due, each maintenance claimed once (compare-and-set), and
    maintenance that is over marked done. Returns the number of reminders mailed."""
    PlannedMaintenance.objects.filter(status=MaintenanceStatus.PLANNED, end__lte=now).update(
        status=MaintenanceStatus.DONE
    )
    due = PlannedMaintenance.objects.filter(
        status=MaintenanceStatus.PLANNED,
        reminder_sent_at__isnull=True,
        start__gt=now,
        start__lte=now + REMINDER_AHEAD,
        # Announced less than a day ahead: the announcement itself was the reminder.
        announced_at__lt=F("start") - REMINDER_AHEAD,
    )
    written = 0
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            claimed = PlannedMaintenance.objects.filter(
                pk=pk, status=MaintenanceStatus.PLANNED, reminder_sent_at__isnull=True
            ).update(reminder_sent_at=now)
            if claimed:
                maintenance = PlannedMaintenance.objects.select_related("provider").get(pk=pk)
                written += maintenance_tell(
                    maintenance=maintenance, kind=AnnouncementKind.REMINDER, now=now
                )
    return written
