from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Customer portal")

    def ready(self) -> None:
        # What this app holds about a person: erased, exported (issue #15 §3).
        from portal.privacy import portal_erase, portal_export
        from privacy.registry import personal_data_register

        personal_data_register("portal", erase=portal_erase, export=portal_export)
