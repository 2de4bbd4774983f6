"""Customers, their contacts and the contacts' roles (SPEC §1.2, D14, D15)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from contracts.text import person_name_validate


class Customer(models.Model):
    """An organisation holding contracts (SPEC PTY-02)."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    country = models.CharField(_("country"), max_length=2, default="NL")
    licence_count = models.PositiveIntegerField(_("licences"), null=True, blank=True)
    email_domains = models.JSONField(_("email domains"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")

    def __str__(self) -> str:
        return self.name


class Contact(models.Model):
    """A person at a customer, optionally with a login."""

    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="contacts", verbose_name=_("customer")
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contact",
        verbose_name=_("user"),
    )
    # Issue #10 §2: a name goes into mail headers, so no line breaks or address syntax.
    name = models.CharField(_("name"), max_length=200, validators=[person_name_validate])
    email = models.EmailField(_("email"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, default="nl"
    )
    is_active = models.BooleanField(_("active"), default=True)
    # Issue #11 §2: the optional mails a contact may turn off in the portal. Receipts and the
    # resolution are always sent.
    mail_when_waiting = models.BooleanField(_("mail when a ticket waits for me"), default=True)
    mail_when_closed = models.BooleanField(_("mail when a ticket is closed"), default=True)
    mail_survey = models.BooleanField(_("satisfaction survey invitations"), default=True)
    # Mail to this address bounced (a delivery-status report, issue #10 §3): check it.
    email_bounced_at = models.DateTimeField(_("email bounced"), null=True, blank=True)
    email_bounce_reason = models.TextField(_("bounce reason"), blank=True)

    class Meta:
        ordering = ["customer__name", "name"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = [
            models.UniqueConstraint(fields=["customer", "email"], name="contact_email_unique"),
        ]
        # The intake finds a sender's contacts by address whatever its case (email__iexact,
        # UPPER(email) on PostgreSQL): one index probe, not a scan of every contact.
        indexes = [models.Index(Upper("email"), name="contact_email_ci_idx")]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


class ContactRoleKind(models.TextChoices):
    SUPPORT_SERVICES_MANAGER = "support_services_manager", _("support services manager")
    NAMED_CONTACT = "named_contact", _("named reactive contact")
    CLOUD_ADMINISTRATOR = "cloud_administrator", _("cloud administrator")
    SENIOR_EXECUTIVE = "senior_executive", _("senior executive")
    CHANGE_CONTROL = "change_control", _("change-control authority")


class ContactRole(models.Model):
    """A role a contact holds under one contract (named contacts are per contract, D14)."""

    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="roles", verbose_name=_("contact")
    )
    contract = models.ForeignKey(
        "contracts.Contract",
        on_delete=models.CASCADE,
        related_name="contact_roles",
        verbose_name=_("contract"),
    )
    role = models.CharField(_("role"), max_length=30, choices=ContactRoleKind.choices)

    class Meta:
        verbose_name = _("contact role")
        verbose_name_plural = _("contact roles")
        constraints = [
            models.UniqueConstraint(fields=["contact", "contract", "role"], name="role_unique"),
            # D14: exactly one support services manager per (Microsoft) contract.
            models.UniqueConstraint(
                fields=["contract"],
                condition=Q(role="support_services_manager"),
                name="one_support_services_manager",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contact.name}: {self.get_role_display()}"
