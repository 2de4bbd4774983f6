from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "intake"
    verbose_name = _("Email intake")

    def ready(self) -> None:
        # What this app holds about a person: erased, exported (issue #15 §3).
        from intake.privacy import intake_erase, intake_export, intake_purge
        from privacy.registry import personal_data_register

        personal_data_register(
            "intake", erase=intake_erase, export=intake_export, purge=intake_purge
        )
        from intake import checks  # noqa: F401  (registers the IMAP mailbox check)
