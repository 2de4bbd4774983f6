from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from notifications.receivers import ticket_changed_receiver
        from tickets.signals import ticket_changed

        ticket_changed.connect(ticket_changed_receiver, dispatch_uid="notifications.ticket_changed")
