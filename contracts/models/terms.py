"""Contract terms as records (DECISIONS D18): the notice that ends a contract, and each renewal
or end the daily job applied. The rules themselves are in `contracts.terms`."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from contracts.models.agreements import Contract


class NoticeParty(models.TextChoices):
    CUSTOMER = "customer", _("customer")
    PROVIDER = "provider", _("provider")


class ContractNotice(models.Model):
    """A notice to end a contract, as received; its effective end is computed when recorded."""

    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, related_name="notices", verbose_name=_("contract")
    )
    received_on = models.DateField(_("received on"))
    in_writing = models.BooleanField(_("in writing"), default=True)
    given_by = models.CharField(
        _("given by"), max_length=10, choices=NoticeParty.choices, default=NoticeParty.CUSTOMER
    )
    effective_end = models.DateField(_("effective end"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-received_on", "-pk"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        constraints = [
            # A notice ends the contract: there is only ever one.
            models.UniqueConstraint(fields=["contract"], name="contract_notice_one"),
            models.CheckConstraint(
                condition=models.Q(effective_end__gte=models.F("received_on")),
                name="contract_notice_end_after_received",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract.reference}: {self.received_on} -> {self.effective_end}"


class TermEventKind(models.TextChoices):
    RENEWED = "renewed", _("renewed")
    ENDED = "ended", _("ended")


class ContractTermEvent(models.Model):
    """A renewal or an end the daily job applied; one row per contract, kind and date, so a
    second run (or a concurrent one) cannot apply it again."""

    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="term_events", verbose_name=_("contract")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=TermEventKind.choices)
    # Renewed: the renewal date that passed; ended: the contract's last day.
    on = models.DateField(_("date"))
    next_renewal = models.DateField(_("next renewal"), null=True, blank=True)
    successor = models.ForeignKey(
        Contract,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("followed by"),
    )
    occurred_at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["-on", "-pk"]
        verbose_name = _("contract term event")
        verbose_name_plural = _("contract term events")
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "kind", "on"], name="contract_term_event_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract.reference} {self.kind} {self.on}"
