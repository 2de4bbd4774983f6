"""Out-of-hours phone codes (issue #13 §2; SPEC TKT-44, PTY-17): the code a CBG Extra customer
gives when it calls the business-critical line outside office hours.

A coordinator issues, rotates and revokes codes in the back-office; the code itself is drawn
only when the customer's support services manager reveals it in the portal (or through the
API), shown that once and kept as a salted slow hash: a spoken code is short (8 digits), so a
plain SHA-256, enough for a 32-byte API token, could be reversed by trying every code. Until
it is revealed nobody knows it and it opens nothing. One live (unrevoked) code per contract.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PhoneCode(models.Model):
    contract = models.ForeignKey(
        "contracts.Contract",
        on_delete=models.CASCADE,
        related_name="phone_codes",
        verbose_name=_("contract"),
    )
    # Django's password hash of the digits; empty until the manager reveals the code.
    code_hash = models.CharField(max_length=200, blank=True, default="")
    issued_at = models.DateTimeField(_("issued"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    revealed_at = models.DateTimeField(_("shown to the customer"), null=True, blank=True)
    revealed_to = models.ForeignKey(
        "contracts.Contact",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("shown to"),
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )
    # Replaced by a new code (rotation), rather than withdrawn.
    rotated = models.BooleanField(_("replaced by a new code"), default=False)

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("out-of-hours phone code")
        verbose_name_plural = _("out-of-hours phone codes")
        constraints = [
            models.UniqueConstraint(
                fields=["contract"],
                condition=Q(revoked_at__isnull=True),
                name="phone_code_one_live_per_contract",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract} {self.issued_at:%Y-%m-%d}"
