from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "tickets"
    verbose_name = _("Tickets")

    def ready(self) -> None:
        # A late change to a month that is over marks its roll-up outdated (issue #16).
        from tickets.figures_marks import figures_marks_connect

        figures_marks_connect()
        # What this app holds about a person: erased, exported (issue #15 §3).
        from privacy.registry import personal_data_register
        from tickets.privacy import tickets_erase, tickets_export, tickets_purge

        personal_data_register(
            "tickets", erase=tickets_erase, export=tickets_export, purge=tickets_purge
        )
