"""The webhook delivery log in the back-office (issue #12 §4): per delivery its status, attempts,
the receiver's last status code and the start of its answer, the next try, and every attempt.
Read-only; one action, "send again", through `webhook_delivery_resend` (which re-queues the
delivery and asks a worker to send it once the change is committed)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import localize
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from notifications.exceptions import WebhookError
from notifications.models import WebhookAttempt, WebhookDelivery
from notifications.services.webhooks.endpoints import webhook_delivery_resend
from notifications.services.webhooks.targets import RESPONSE_KEEP_BYTES

RESEND_PERMISSION = "notifications.change_webhookdelivery"
ENDPOINT_CHANGE = "admin:notifications_webhookendpoint_change"
# The list shows the start of the receiver's answer; the delivery's page all that is kept.
EXCERPT_CHARS = 120


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    return Truncator(text).chars(limit)


def back_to_endpoint(request: HttpRequest) -> HttpResponseRedirect | None:
    """Back to the endpoint's page when the action was started there (`_endpoint`)."""
    pk = request.POST.get("_endpoint", "")
    if pk.isascii() and pk.isdigit():
        return HttpResponseRedirect(reverse(ENDPOINT_CHANGE, args=[int(pk)]))
    return None


def _when(value: Any) -> str:
    return localize(timezone.localtime(value)) if value else "-"


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "event_label",
        "endpoint",
        "status",
        "attempts",
        "last_status_code",
        "response_excerpt",
        "next_attempt_at",
        "last_attempt_at",
    ]
    list_filter = ["status", "endpoint"]
    list_select_related = ["event", "endpoint"]
    search_fields = ["event__public_id"]
    actions = ["send_again"]
    fields = readonly_fields = (
        "endpoint",
        "event_label",
        "ticket_number",
        "status",
        "attempts",
        "next_attempt_at",
        "last_attempt_at",
        "last_status_code",
        "response_body",
        "last_error",
        "succeeded_at",
        "created_at",
        "attempt_table",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[WebhookDelivery]:
        return super().get_queryset(request).select_related("event__ticket", "endpoint")

    @admin.display(description=_("event"))
    def event_label(self, obj: WebhookDelivery) -> str:
        return f"{obj.event.get_type_display()} · {obj.event.public_id}"

    @admin.display(description=_("ticket"))
    def ticket_number(self, obj: WebhookDelivery) -> str:
        ticket = obj.event.ticket
        return ticket.number if ticket is not None else "-"

    @admin.display(description=_("last response"))
    def response_excerpt(self, obj: WebhookDelivery) -> str:
        return excerpt(obj.last_response)

    @admin.display(description=_("last response"))
    def response_body(self, obj: WebhookDelivery) -> SafeString:
        # Stored bounded already (the first 2 KB); bounded again here whatever is stored.
        return format_html("<pre>{}</pre>", obj.last_response[:RESPONSE_KEEP_BYTES] or "-")

    @admin.display(description=_("attempts"))
    def attempt_table(self, obj: WebhookDelivery) -> SafeString:
        attempts = WebhookAttempt.objects.filter(delivery=obj).order_by("number", "pk")
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    a.number,
                    _when(a.started_at),
                    a.duration_ms,
                    a.status_code or "-",
                    excerpt(a.error) or "-",
                    excerpt(a.response) or "-",
                )
                for a in attempts
            ),
        )
        head = format_html(
            "<tr><th>#</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
            gettext("started"),
            gettext("duration (ms)"),
            gettext("status code"),
            gettext("error"),
            gettext("response"),
        )
        return format_html("<table>{}{}</table>", head, rows)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # deliveries are written with the events that cause them

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # the page is read-only; sending again is an action

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # the log is kept

    def has_resend_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(RESEND_PERMISSION)

    @admin.action(description=_("Send the selected deliveries again"), permissions=["resend"])
    def send_again(
        self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]
    ) -> HttpResponseRedirect | None:
        """Each selected delivery once (a repeated selection is one row): a fresh series of
        attempts, same event and webhook-id, starting now."""
        now = timezone.now()
        queued = 0
        for delivery in queryset.order_by("pk"):
            try:
                webhook_delivery_resend(delivery=delivery, now=now)
            except WebhookError as refusal:
                text = gettext("Delivery %(event)s: %(reason)s")
                values = {"event": delivery.event.public_id, "reason": refusal}
                self.message_user(request, text % values, level=messages.ERROR)
                continue
            self.log_change(request, delivery, [{"changed": {"fields": ["status"]}}])
            queued += 1
        if queued:
            self.message_user(
                request, gettext("Deliveries queued to be sent again: %(n)s.") % {"n": queued}
            )
        return back_to_endpoint(request)
