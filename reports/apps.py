from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports and service reviews")

    def ready(self) -> None:
        # What this app holds about a person: erased (issue #15 §3).
        from privacy.registry import personal_data_register
        from reports.privacy import reports_erase

        personal_data_register("reports", erase=reports_erase)
