from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackofficeConfig(AppConfig):
    """The provider's working pages inside the admin: ticket work, triage, escalations, dashboard.

    Top of the layers below the project package: it may use every app's services and selectors,
    and nothing imports it but the URL configuration."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "backoffice"
    verbose_name = _("back-office")
