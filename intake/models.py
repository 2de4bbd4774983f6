"""Inbound email: the raw message is stored first, then routed (DECISIONS D13).

Every message ends as exactly one outcome: a ticket, a reply, triage for the first line, ignored
(auto-replies, bounces, list mail, the desk's own mail coming back), or quarantined with the
error. The raw bytes stay, whatever happened.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from contracts.models import Customer
from intake.raw import raw_message
from tickets.models import Ticket, TicketMessage


class Transport(models.TextChoices):
    IMAP = "imap", _("IMAP")
    SMTP = "smtp", _("SMTP")
    PIPE = "pipe", _("MTA pipe")


class Outcome(models.TextChoices):
    RECEIVED = "received", _("received, not yet routed")
    TICKET = "ticket", _("new ticket")
    REPLY = "reply", _("reply on a ticket")
    NOTE = "note", _("internal note on a ticket (automatic reply)")
    TRIAGE = "triage", _("triage for the first line")
    IGNORED = "ignored", _("ignored (automatic or bulk mail)")
    QUARANTINED = "quarantined", _("quarantined (could not be processed)")
    DISMISSED = "dismissed", _("dismissed by the first line")


# The outcomes the first line still has to decide on (issue #6 §2 Triage).
TRIAGE_OPEN = (Outcome.TRIAGE, Outcome.QUARANTINED)


class Flag(models.TextChoices):
    """Why the first line should look twice (issue #10 §1, §2): shown in the triage list."""

    NONE = "", _("none")
    IDENTITY = "identity", _("sender unclear")
    UNVERIFIED = "unverified", _("sender not verified")
    PROVIDER_DOMAIN = "provider_domain", _("claims to be the provider")
    REFUSED = "refused", _("refused at delivery")


class InboundMessage(models.Model):
    # The same message delivered again (same Message-ID and same content, see
    # intake.identity.content_digest) is processed once; a refused message is recorded once.
    dedupe_key = models.CharField(_("duplicate key"), max_length=300, unique=True)
    message_id = models.CharField(_("Message-ID"), max_length=300, blank=True, db_index=True)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField(_("size (bytes)"))
    # The message as it came: in `raw`, or on object storage under `raw_file` (then `raw` is
    # empty; settings.INTAKE_RAW_STORAGE). Read it with `raw_message()` (intake.raw).
    raw = models.BinaryField(_("raw message"))
    # A default in the database too: code of the release before, still running during an
    # upgrade, inserts rows without naming this column (README, "Upgrading while it runs").
    raw_file = models.FileField(
        _("raw message on object storage"), max_length=200, blank=True, default="", db_default=""
    )
    transport = models.CharField(_("transport"), max_length=10, choices=Transport.choices)
    mailbox = models.CharField(_("mailbox"), max_length=200, blank=True)
    received_at = models.DateTimeField(_("received"))
    outcome = models.CharField(
        _("outcome"), max_length=12, choices=Outcome.choices, default=Outcome.RECEIVED
    )
    reason = models.TextField(_("reason"), blank=True)
    flag = models.CharField(
        _("flag"), max_length=20, choices=Flag.choices, blank=True, default=Flag.NONE
    )
    error = models.TextField(_("error"), blank=True)
    sender_email = models.CharField(_("sender"), max_length=254, blank=True, db_index=True)
    sender_name = models.CharField(_("sender name"), max_length=200, blank=True)
    subject = models.CharField(_("subject"), max_length=500, blank=True)
    body_text = models.TextField(_("text"), blank=True)
    body_html = models.TextField(_("HTML (sanitised)"), blank=True)
    # Issue #10 §1: the parser's defects per MIME part and what was shortened or not kept for
    # display (the raw message keeps everything).
    defects = models.JSONField(_("parser defects and notes"), default=list, blank=True)
    ticket = models.ForeignKey(
        Ticket,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inbound_messages",
        verbose_name=_("ticket"),
    )
    ticket_message = models.OneToOneField(
        TicketMessage,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inbound",
        verbose_name=_("ticket message"),
    )
    suggested_customer = models.ForeignKey(
        Customer,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("suggested customer"),
    )
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)
    # Routing attempts: a message whose routing keeps dying is quarantined after the bound.
    attempts = models.PositiveSmallIntegerField(_("routing attempts"), default=0)
    # The first line's decision on a triage or quarantined message (kept, never deleted).
    triaged_at = models.DateTimeField(_("triaged"), null=True, blank=True)
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("triaged by"),
    )
    triage_note = models.TextField(_("triage decision"), blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("inbound email")
        verbose_name_plural = _("inbound emails")
        indexes = [models.Index(fields=["outcome", "-received_at"], name="inbound_queue_idx")]

    # The raw bytes of a message this process stored a moment ago (intake.raw); never saved.
    raw_in_hand: bytes | None = None

    def __str__(self) -> str:
        return f"{self.sender_email}: {self.subject}"

    def raw_message(self, limit: int | None = None) -> bytes:
        """The message as it came, from the row or the bucket (intake.raw)."""
        return raw_message(self, limit)


class ImapMailboxState(models.Model):
    """Where IMAP polling of one mailbox stands; UIDVALIDITY changes reset it."""

    name = models.CharField(_("mailbox"), max_length=200, unique=True)
    uidvalidity = models.BigIntegerField(_("UIDVALIDITY"), null=True, blank=True)
    last_uid = models.BigIntegerField(_("last UID processed"), default=0)
    polled_at = models.DateTimeField(_("polled"), null=True, blank=True)

    class Meta:
        verbose_name = _("IMAP mailbox")
        verbose_name_plural = _("IMAP mailboxes")

    def __str__(self) -> str:
        return self.name
