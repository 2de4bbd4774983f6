"""Attachments of tickets and their messages, wherever they came from."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from tickets.models.activity import TicketMessage
from tickets.models.ticket import Ticket


def attachment_path(instance: "Attachment", filename: str) -> str:
    return f"attachments/{instance.sha256[:2]}/{instance.sha256}/{filename}"


class Attachment(models.Model):
    """A file on a ticket: from an email (with its inbound message) or uploaded in the portal
    or the back-office (with its ticket message). Moved from intake; the table kept its name."""

    # A string reference: intake sits above tickets and is never imported here.
    inbound = models.ForeignKey(
        "intake.InboundMessage",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("inbound email"),
    )
    # Uploaded in the portal (no inbound email): who uploaded it, with which message.
    ticket_message = models.ForeignKey(
        TicketMessage,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("ticket message"),
    )
    ticket = models.ForeignKey(
        Ticket,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("ticket"),
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)
    filename = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    # When it was stored: the per-organisation daily upload quota counts by it (issue #10 §4).
    stored_at = models.DateTimeField(_("stored"), null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["inbound", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        db_table = "intake_inboundattachment"

    def __str__(self) -> str:
        return self.filename
