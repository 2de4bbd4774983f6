from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AvailabilityConfig(AppConfig):
    name = "availability"
    verbose_name = _("Availability and maintenance")

    def ready(self) -> None:
        # What this app holds about a person: erased (issue #15 §3).
        from availability.privacy import availability_erase
        from privacy.registry import personal_data_register

        personal_data_register("availability", erase=availability_erase)
