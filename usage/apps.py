from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UsageConfig(AppConfig):
    name = "usage"
    verbose_name = _("Usage and billing")

    def ready(self) -> None:
        # What this app holds about a person: erased, exported (issue #15 §3).
        from privacy.registry import personal_data_register
        from usage.privacy import usage_erase

        personal_data_register("usage", erase=usage_erase)
