"""A customer's request to add or remove a named contact, decided by a coordinator (D14)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from contracts.models.agreements import Contract
from contracts.models.parties import Contact, Customer
from contracts.text import person_name_validate


class ContactChangeAction(models.TextChoices):
    ADD = "add", _("add a named contact")
    REMOVE = "remove", _("remove a named contact")


class ContactChangeStatus(models.TextChoices):
    # Listed in the order a coordinator works through them: pending first.
    PENDING = "pending", _("pending")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")


class ContactChangeRequest(models.Model):
    """Asked by the support services manager in the portal; one request covers the contracts
    the manager sees, and an approval grants or ends the named-contact role on each of them."""

    customer = models.ForeignKey(
        Customer,
        on_delete=models.PROTECT,
        related_name="contact_change_requests",
        verbose_name=_("customer"),
    )
    requested_by = models.ForeignKey(
        Contact,
        on_delete=models.PROTECT,
        related_name="contact_change_requests_made",
        verbose_name=_("requested by"),
    )
    contracts = models.ManyToManyField(
        Contract, related_name="contact_change_requests", verbose_name=_("contracts")
    )
    action = models.CharField(_("request"), max_length=10, choices=ContactChangeAction.choices)
    name = models.CharField(_("name"), max_length=200, validators=[person_name_validate])
    email = models.EmailField(_("email"))
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ContactChangeStatus.choices,
        default=ContactChangeStatus.PENDING,
    )
    created_at = models.DateTimeField(_("requested at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    contact = models.ForeignKey(
        Contact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contact_change_requests",
        verbose_name=_("resulting contact"),
        help_text=_("The contact added or removed by the approval."),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("named-contact change request")
        verbose_name_plural = _("named-contact change requests")
        indexes = [
            models.Index(fields=["customer", "status"], name="contact_change_customer_status"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_action_display()}: {self.name} <{self.email}> ({self.get_status_display()})"
        )
