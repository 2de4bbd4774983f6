from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # What this app holds about a person: erased, exported (issue #15 §3).
        from notifications.privacy import notifications_erase, notifications_export
        from privacy.registry import personal_data_register

        personal_data_register(
            "notifications", erase=notifications_erase, export=notifications_export
        )
        from notifications.receivers import ticket_changed_receiver
        from tickets.signals import ticket_changed

        ticket_changed.connect(ticket_changed_receiver, dispatch_uid="notifications.ticket_changed")

        # Whose work a ticket is, cached per process: any change to staff clears it here.
        from django.contrib.auth import get_user_model
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from notifications.models import StaffProfile
        from notifications.services.recipients import line_members_cache_clear

        user = get_user_model()
        for signal in (post_save, post_delete):
            for model in (user, StaffProfile):
                signal.connect(
                    line_members_cache_clear, sender=model, dispatch_uid=f"lines-{model}"
                )
        m2m_changed.connect(
            line_members_cache_clear, sender=user.groups.through, dispatch_uid="lines-groups"
        )

        # A Celery task's publishes are out before the task counts as done, and before a pool
        # process exits (which skips atexit): the relay need not pick them up.
        from celery import signals

        signals.task_postrun.connect(_publishes_flush, dispatch_uid="notifications-publish-flush")
        signals.worker_process_shutdown.connect(
            _publishes_flush, dispatch_uid="notifications-publish-flush-exit"
        )


def _publishes_flush(**_: object) -> None:
    from notifications.services.outbox import task_publish_flush

    task_publish_flush()
