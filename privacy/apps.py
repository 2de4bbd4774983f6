from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = _("Privacy")

    def ready(self) -> None:
        # The contact, their login and the contracts rows naming them; the apps above
        # register their own (privacy.registry).
        from privacy.contacts import contracts_erase, contracts_export
        from privacy.registry import personal_data_register

        personal_data_register("contracts", erase=contracts_erase, export=contracts_export)
