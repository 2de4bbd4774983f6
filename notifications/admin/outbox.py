"""The outbox in the back-office; its action calls the service."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notifications.models import OutboxEmail, OutboxState
from notifications.services.outbox import outbox_dispatch


@admin.register(OutboxEmail)
class OutboxEmailAdmin(admin.ModelAdmin):
    list_display = ["to_email", "subject", "state", "attempts", "send_after", "sent_at"]
    list_filter = ["state"]
    search_fields = ["to_email", "subject", "message_id", "key"]
    readonly_fields = [f.name for f in OutboxEmail._meta.fields]
    actions = ["send_again"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Send again (failed or pending rows)"))
    def send_again(self, request: HttpRequest, queryset: Any) -> None:
        rows = queryset.exclude(state=OutboxState.SENT)
        ids = list(rows.values_list("pk", flat=True))
        rows.update(state=OutboxState.PENDING, send_after=timezone.now(), attempts=0)
        for outbox_id in ids:
            outbox_dispatch(outbox_id)
        self.message_user(request, _("%(n)s queued.") % {"n": len(ids)})
