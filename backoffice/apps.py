from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackofficeConfig(AppConfig):
    """The provider's working pages inside the admin: ticket work, triage, escalations, dashboard.

    Top of the layers below the project package: it may use every app's services and selectors,
    and nothing imports it but the URL configuration."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "backoffice"
    verbose_name = _("back-office")

    def ready(self) -> None:
        # Every app's admin module has registered its models by now (the admin app, first in
        # INSTALLED_APPS, ran autodiscover in its own ready()): scope them all (issue #10 §5).
        from django.contrib import admin

        from backoffice.admin import admin_scope_all

        admin_scope_all(admin.site)
