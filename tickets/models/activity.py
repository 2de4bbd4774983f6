"""What happened on a ticket: messages, events (audit) and the SLA clock ledger."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from contracts.models import Contact
from tickets.models.ticket import Channel, Ticket


class MessageKind(models.TextChoices):
    PUBLIC = "public", _("public reply")
    INTERNAL = "internal", _("internal note")


class UpdateKind(models.TextChoices):
    """A typed update the engineer writes on a critical ticket (SPEC ESC-11, ESC-12): a public
    reply that says what it is, mailed to the customer's contacts and counted as the update."""

    STATUS = "status", _("status update")
    ACTION_PLAN = "action_plan", _("action plan")
    ESCALATION_UPDATE = "escalation_update", _("escalation update")


class TicketMessage(models.Model):
    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="messages", verbose_name=_("ticket")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=MessageKind.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    author_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author user"),
    )
    author_contact = models.ForeignKey(
        Contact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author contact"),
    )
    body = models.TextField(_("text"))
    # Blank for an ordinary message; a status update, action plan or escalation update else.
    update_kind = models.CharField(
        _("update kind"), max_length=20, choices=UpdateKind.choices, blank=True
    )
    is_automated = models.BooleanField(_("automated"), default=False)
    counts_as_first_response = models.BooleanField(default=False)
    created_at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self) -> str:
        return f"{self.ticket.number} {self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"


class TicketEvent(models.Model):
    """Audit of every change to a ticket."""

    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="events", verbose_name=_("ticket")
    )
    kind = models.CharField(_("kind"), max_length=40)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor user"),
    )
    actor_contact = models.ForeignKey(
        Contact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor contact"),
    )
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self) -> str:
        return f"{self.ticket.number} {self.kind}"


class Metric(models.TextChoices):
    RESPONSE = "response", _("response")
    RESOLUTION = "resolution", _("resolution")


class SlaClock(models.Model):
    """One SLA clock of a ticket, with its frozen budget and stored due time (D3, D5)."""

    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="clocks", verbose_name=_("ticket")
    )
    metric = models.CharField(_("metric"), max_length=12, choices=Metric.choices)
    budget_seconds = models.PositiveIntegerField(_("target (s)"))
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    stopped_at = models.DateTimeField(_("stopped"), null=True, blank=True)
    met = models.BooleanField(_("met"), null=True, blank=True)

    class Meta:
        ordering = ["ticket", "metric"]
        verbose_name = _("SLA clock")
        verbose_name_plural = _("SLA clocks")
        constraints = [
            models.UniqueConstraint(fields=["ticket", "metric"], name="clock_metric_unique"),
        ]
        # The months' and today's verdicts (tickets.compliance.decided_in, the dashboard).
        indexes = [
            models.Index(fields=["stopped_at"], name="clock_stopped_idx"),
            models.Index(fields=["due_at"], name="clock_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket.number} {self.metric}"


class SegmentState(models.TextChoices):
    RUNNING = "running", _("running")
    PAUSED = "paused", _("paused")


class ClockSegment(models.Model):
    """The clock ledger (D6): consecutive running/paused stretches with who and why."""

    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="segments", verbose_name=_("ticket")
    )
    state = models.CharField(_("state"), max_length=10, choices=SegmentState.choices)
    started_at = models.DateTimeField(_("from"))
    ended_at = models.DateTimeField(_("until"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor user"),
    )

    class Meta:
        ordering = ["started_at", "pk"]
        verbose_name = _("clock segment")
        verbose_name_plural = _("clock segments")
        constraints = [
            models.UniqueConstraint(
                fields=["ticket"],
                condition=models.Q(ended_at__isnull=True),
                name="one_open_segment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket.number} {self.state} from {self.started_at:%Y-%m-%d %H:%M}"


class PriorityReason(models.TextChoices):
    """Why a priority changed (D8, A-40)."""

    IMPACT_CHANGED = "impact_changed", _("business impact changed")
    CUSTOMER_REQUEST = "customer_request", _("customer request")
    CUSTOMER_CANNOT_STAFF_24X7 = (
        "customer_cannot_staff_24x7",
        _("customer cannot staff 24x7 (downgrade)"),
    )
    PROVIDER_ASSESSMENT = "provider_assessment", _("provider assessment")


class RequestState(models.TextChoices):
    PENDING = "pending", _("pending")
    ACCEPTED = "accepted", _("accepted")
    REJECTED = "rejected", _("rejected")


class PriorityChangeRequest(models.Model):
    """A customer's request to change the priority; a provider-side user decides (D8)."""

    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="priority_requests", verbose_name=_("ticket")
    )
    requested_by = models.ForeignKey(
        Contact, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    requested_level = models.CharField(_("requested priority"), max_length=40)
    reason = models.TextField(_("reason"))
    # D8: a downgrade asked for because the customer cannot staff 24x7 is recorded as such.
    reason_code = models.CharField(
        _("reason kind"),
        max_length=30,
        choices=PriorityReason.choices,
        default=PriorityReason.CUSTOMER_REQUEST,
    )
    state = models.CharField(
        _("state"), max_length=10, choices=RequestState.choices, default=RequestState.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    created_at = models.DateTimeField(_("requested"))

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("priority change request")
        verbose_name_plural = _("priority change requests")
        constraints = [
            models.UniqueConstraint(
                fields=["ticket"],
                condition=models.Q(state="pending"),
                name="one_pending_priority_request",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket.number} -> {self.requested_level} ({self.state})"


class SatisfactionSurvey(models.Model):
    """A customer's verdict once the ticket is resolved (SPEC REP-06): 1-5 and a comment."""

    ticket = models.OneToOneField(
        Ticket, on_delete=models.CASCADE, related_name="survey", verbose_name=_("ticket")
    )
    contact = models.ForeignKey(
        Contact, on_delete=models.PROTECT, related_name="+", verbose_name=_("contact")
    )
    score = models.PositiveSmallIntegerField(_("score (1-5)"))
    comment = models.TextField(_("comment"), blank=True)
    answered_at = models.DateTimeField(_("answered"))

    class Meta:
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        # The month's answers (the dashboard's satisfaction per month).
        indexes = [models.Index(fields=["answered_at"], name="survey_answered_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="survey_score_1_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket.number}: {self.score}"
