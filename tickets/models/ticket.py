"""The ticket and its status transitions table (ARCHITECTURE rule 6)."""

from copy import deepcopy
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Case, F, OrderBy, Value, When
from django.utils.translation import gettext_lazy as _

from contracts.models import (
    BusinessCalendar,
    Contact,
    Contract,
    Customer,
    Package,
    Provider,
    RequestType,
    SlaPolicy,
    SlaTarget,
)


class Channel(models.TextChoices):
    PORTAL = "portal", _("portal")
    EMAIL = "email", _("email")
    PHONE = "phone", _("phone")
    API = "api", _("API")
    VENDOR = "vendor", _("vendor")


class Status(models.TextChoices):
    NEW = "new", _("new")
    IN_PROGRESS = "in_progress", _("in progress")
    WAITING_FOR_CUSTOMER = "waiting_for_customer", _("waiting for customer")
    WAITING_FOR_VENDOR = "waiting_for_vendor", _("waiting for vendor")
    RESOLVED = "resolved", _("resolved")
    CLOSED = "closed", _("closed")
    CANCELLED = "cancelled", _("cancelled")


# The one transitions table: from-status -> statuses it may move to.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.NEW: frozenset(
        {Status.IN_PROGRESS, Status.WAITING_FOR_CUSTOMER, Status.RESOLVED, Status.CANCELLED}
    ),
    Status.IN_PROGRESS: frozenset(
        {Status.WAITING_FOR_CUSTOMER, Status.WAITING_FOR_VENDOR, Status.RESOLVED, Status.CANCELLED}
    ),
    Status.WAITING_FOR_CUSTOMER: frozenset({Status.IN_PROGRESS, Status.RESOLVED, Status.CANCELLED}),
    Status.WAITING_FOR_VENDOR: frozenset({Status.IN_PROGRESS, Status.RESOLVED, Status.CANCELLED}),
    Status.RESOLVED: frozenset({Status.CLOSED, Status.IN_PROGRESS}),
    Status.CLOSED: frozenset(),
    Status.CANCELLED: frozenset(),
}
OPEN_STATUSES = frozenset(
    {Status.NEW, Status.IN_PROGRESS, Status.WAITING_FOR_CUSTOMER, Status.WAITING_FOR_VENDOR}
)


def queue_order() -> list[OrderBy]:
    """D7 queue order: open work first, then rank, package precedence (CBG Extra > Basis >
    Standaard), the earliest running due time and registration; rank and due time missing
    sort last. sorted(): the SQL text must not depend on set order, so the index matches."""
    return [
        Case(When(status__in=sorted(OPEN_STATUSES), then=Value(0)), default=Value(1)).asc(),
        F("priority_rank").asc(nulls_last=True),
        F("package_precedence").desc(),
        F("earliest_due_at").asc(nulls_last=True),
        F("created_at").asc(),
    ]


class Line(models.TextChoices):
    """Who works the ticket (SPEC PTY-20/21): the first line registers, the second resolves."""

    FIRST = "first", _("first line")
    SECOND = "second", _("second line")


class ResolutionKind(models.TextChoices):
    FIX = "fix", _("fix")
    WORKAROUND = "workaround", _("workaround")


class ImpactScope(models.TextChoices):
    MULTIPLE_USERS = "multiple_users", _("multiple users")
    SINGLE_USER = "single_user", _("one user")


class ImpactEffect(models.TextChoices):
    DOWN = "down", _("down")
    DEGRADED = "degraded", _("degraded")


class TicketCounter(models.Model):
    """Per-year sequence for public ticket numbers."""

    year = models.PositiveIntegerField(_("year"), primary_key=True)
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("ticket counter")
        verbose_name_plural = _("ticket counters")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class ChangedFieldsSave(models.Model):
    """`save()` of a row read from the database writes only the columns that changed since it
    was read (or last saved): a ticket's change rewrote every column, its description of tens
    of kilobytes too, and a save that changed nothing sent an UPDATE all the same. A save with
    explicit `update_fields`, an insert, or a row whose refresh made the record unsure (then
    everything is written) behaves as Django's own."""

    class Meta:
        abstract = True

    _loaded: dict[str, Any] | None = None

    def save(self, *args: Any, **kwargs: Any) -> None:
        loaded = self._loaded
        chosen = kwargs.get("update_fields")
        plain = not args and not self._state.adding and chosen is None
        if loaded is not None and plain and not kwargs.get("force_insert"):
            kwargs["update_fields"] = [
                field.attname
                for field in self._meta.concrete_fields
                if not field.primary_key
                and field.attname in self.__dict__
                and (
                    field.attname not in loaded
                    or self.__dict__[field.attname] != loaded[field.attname]
                )
            ]
        super().save(*args, **kwargs)
        if chosen is None:  # everything, or everything that differed from the row: all known
            self._loaded_record()
        elif loaded is not None:  # only what was written is known to be in the row now
            names = {field.name: field.attname for field in self._meta.concrete_fields}
            written = {names.get(name, name) for name in chosen}
            current = self._loaded_copy()
            loaded.update({name: current[name] for name in written if name in current})

    @classmethod
    def from_db(cls, db: str | None, field_names: Any, values: Any) -> Any:  # type: ignore[override]
        instance = super().from_db(db, field_names, values)
        instance._loaded_record()
        return instance

    def refresh_from_db(self, *args: Any, **kwargs: Any) -> None:
        fields = kwargs.get("fields") if not args else None
        loaded = self._loaded
        deferred_only = (
            loaded is not None
            and fields is not None
            and not any(name in loaded or name in self.__dict__ for name in fields)
        )
        super().refresh_from_db(*args, **kwargs)
        if deferred_only and loaded is not None and fields is not None:  # deferred, read now
            current = self._loaded_copy()
            loaded.update({name: current[name] for name in fields if name in current})
            return
        self._loaded = None  # what was read when is mixed now: the next save writes all

    def _loaded_record(self) -> None:
        """What the row holds now, as far as this instance knows (deferred fields left out;
        JSON values copied, as code may change them in place)."""
        self._loaded = self._loaded_copy()

    def _loaded_copy(self) -> dict[str, Any]:
        return {
            field.attname: deepcopy(value) if isinstance(value, dict | list) else value
            for field in self._meta.concrete_fields
            if (value := self.__dict__.get(field.attname, _MISSING)) is not _MISSING
        }


_MISSING = object()
# What the customer wrote at length: read only where it is shown (a change of state does not).
LONG_TEXTS = ("description", "reproduction_steps", "business_impact")


class Ticket(ChangedFieldsSave):
    number = models.CharField(_("number"), max_length=20, unique=True)
    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("provider")
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("customer")
    )
    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("contract")
    )
    contact = models.ForeignKey(
        Contact, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("contact")
    )
    request_type = models.CharField(_("type"), max_length=20, choices=RequestType.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=24, choices=Status.choices, default=Status.NEW
    )
    subject = models.CharField(_("subject"), max_length=250)
    description = models.TextField(_("description"))
    reproduction_steps = models.TextField(_("steps to reproduce"), blank=True)
    product = models.CharField(_("product or service"), max_length=200, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_tickets",
        verbose_name=_("assignee"),
    )
    line = models.CharField(_("line"), max_length=10, choices=Line.choices, default=Line.FIRST)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    # Priority (D7): provider-native level and the normalised rank P1-P4.
    priority_level = models.CharField(_("priority"), max_length=40, blank=True)
    priority_rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)
    package_precedence = models.PositiveIntegerField(default=0)
    # Impact answers per provider model.
    impact_scope = models.CharField(
        _("impact scope"), max_length=20, choices=ImpactScope.choices, blank=True
    )
    impact_effect = models.CharField(
        _("impact effect"), max_length=20, choices=ImpactEffect.choices, blank=True
    )
    business_impact = models.TextField(_("business impact (Microsoft)"), blank=True)
    business_critical_checklist = models.JSONField(
        _("business-critical checklist (CBG)"), default=dict, blank=True
    )
    any_user_can_login = models.BooleanField(null=True, blank=True)
    emergency = models.BooleanField(_("emergency (Websitenazorg)"), default=False)
    # 24x7 effort requested on a Normal case is an effort flag; the clocks do not change.
    effort_24x7_requested = models.BooleanField(_("24x7 effort requested"), default=False)
    # Frozen SLA basis (D3): versioned catalogue rows never change after loading.
    package = models.ForeignKey(
        Package, on_delete=models.PROTECT, related_name="+", verbose_name=_("package")
    )
    contract_version = models.PositiveIntegerField()
    sla_policy = models.ForeignKey(
        SlaPolicy,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("SLA policy"),
    )
    sla_target = models.ForeignKey(
        SlaTarget,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("SLA target"),
    )
    calendar = models.ForeignKey(
        BusinessCalendar,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("calendar"),
    )
    # D9: listed in compliance but not counted (TKT-07 preconditions unmet, with a reason) ...
    sla_exempt_reason = models.TextField(_("SLA exemption reason"), blank=True)
    # D15: a named contact sees its own tickets and those shared with the organisation.
    shared_with_organisation = models.BooleanField(_("shared with the organisation"), default=True)
    # Issue #11 §2: a customer wrote (reply, reopen) and the assignee has not opened it since.
    customer_replied = models.BooleanField(_("customer replied"), default=False)
    # Issue #11 §3: a coordinator let someone who is not a named contact register this ticket.
    named_contact_override = models.TextField(_("not a named contact: allowed because"), blank=True)
    # A reply to a closed ticket opens a new one, linked to it (issue #4).
    follow_up_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("follow-up of"),
    )
    # ... or the resolution is owned by a third-party vendor (A-08, TKT-23).
    resolution_vendor_owned = models.BooleanField(_("resolution owned by vendor"), default=False)
    # The problem this incident belongs to (D21, SPEC §5).
    problem = models.ForeignKey(
        "tickets.Problem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="incidents",
        verbose_name=_("problem"),
    )
    # The first line's completeness check before work starts (SPEC TKT-06).
    completeness_checked_at = models.DateTimeField(_("checked complete"), null=True, blank=True)
    completeness_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked complete by"),
    )
    # Life cycle.
    created_at = models.DateTimeField(_("registered"))
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    root_cause = models.TextField(_("root cause"), blank=True)
    root_cause_identified_at = models.DateTimeField(
        _("root cause identified"), null=True, blank=True
    )
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolution_kind = models.CharField(
        _("resolution kind"), max_length=12, choices=ResolutionKind.choices, blank=True
    )
    resolution = models.TextField(_("resolution"), blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # Stored due times (ARCHITECTURE rule 4); null = no target, not started, or paused.
    response_due_at = models.DateTimeField(_("response due"), null=True, blank=True)
    resolution_due_at = models.DateTimeField(_("resolution due"), null=True, blank=True)
    # When the first running clock becomes "at risk" (tickets.sla.warning_due): the queue's
    # filter and badge read it; null when no clock runs.
    at_risk_at = models.DateTimeField(_("at risk from"), null=True, blank=True)
    # The earliest running due time, for queue order (D7).
    earliest_due_at = models.DateTimeField(_("earliest due"), null=True, blank=True)
    # When the escalation sweep must look at this ticket next (ARCHITECTURE rule 4): set to
    # "now" by every change to the clocks or status, and moved on by the sweep itself.
    next_check_at = models.DateTimeField(_("next check"), null=True, blank=True)
    # Bumped when the SLA target changes: escalations fire once per (ticket, level, version).
    clock_version = models.PositiveIntegerField(_("clock version"), default=1)
    # The last non-automated public reply by the provider (status updates, D10).
    last_provider_update_at = models.DateTimeField(_("last provider update"), null=True, blank=True)
    # Microsoft Critical: the critical situation resource (D10, SPEC §3.10).
    critical_resource = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("critical situation resource"),
    )
    critical_resource_assigned_at = models.DateTimeField(
        _("critical situation resource assigned"), null=True, blank=True
    )
    updated_at = models.DateTimeField(_("updated"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        indexes = [
            models.Index(fields=["status", "priority_rank"], name="ticket_queue_idx"),
            models.Index(fields=["customer", "-created_at"], name="ticket_customer_idx"),
            # A month's registrations (the dashboard, the queue's date drill-down).
            models.Index(fields=["created_at"], name="ticket_created_idx"),
            # The sweep's one query: open tickets whose check time has come.
            models.Index(
                fields=["next_check_at"],
                name="ticket_sweep_idx",
                condition=models.Q(next_check_at__isnull=False),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(priority_rank__isnull=True)
                | models.Q(priority_rank__gte=1, priority_rank__lte=4),
                name="ticket_rank_p1_p4",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"
