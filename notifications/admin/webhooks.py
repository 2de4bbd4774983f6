"""Webhook endpoints in the back-office (issue #12 §4): the list (owner, address, events, state,
failing since), a read-only page with the latest deliveries of the log, and actions that call
`notifications.services.webhooks.endpoints`: turn on, turn off, replay a range of events, rotate
the secret. A new endpoint is registered through `webhook_endpoint_create`, as the API does
(same address check, the refusal on its field in the reader's language).

Secrets: the signing secret is shown once, in the answer to the POST that made or rotated it
(never in a message, the session, the page of the endpoint or its history), and the list cannot
be filtered on it (`?secret__startswith=` would let a reader guess it letter by letter).

Who: managing is `change_webhookendpoint` (the support coordinators, backoffice.0004); sending
a delivery again `change_webhookdelivery`. A CSAM reads the endpoints of their contracts'
customers and of their providers, and of those only the deliveries of their contracts' tickets
(contracts.staff_scope).
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from contracts.admin.secrets import SecretLookupsRefused
from contracts.staff_scope import staff_rows
from notifications.admin.webhook_deliveries import RESEND_PERMISSION, back_to_endpoint
from notifications.admin.webhook_forms import (
    WebhookEndpointCreateForm,
    WebhookReplayForm,
    WebhookRotateForm,
)
from notifications.exceptions import WebhookError, WebhookInvalid
from notifications.models import WebhookDelivery, WebhookEndpoint, WebhookEventType
from notifications.services.webhooks.endpoints import (
    WebhookEndpointChange,
    webhook_endpoint_create,
    webhook_endpoint_update,
    webhook_replay,
    webhook_secret_rotate,
)

MANAGE_PERMISSION = "notifications.change_webhookendpoint"
SECRET_FIELDS = ("secret", "previous_secret")
LOG_ROWS = 20
TEMPLATES = "admin/notifications/webhookendpoint"


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(SecretLookupsRefused, admin.ModelAdmin):
    secret_fields = SECRET_FIELDS
    list_display = ["url", "owner", "event_list", "state", "failing_since", "created_at"]
    list_filter = ["is_active", "disabled_reason", "provider", "customer"]
    list_select_related = ["provider", "customer"]
    search_fields = ["url", "description", "provider__name", "customer__name"]
    actions = ["turn_on", "turn_off", "replay_events", "rotate_secret"]
    change_form_template = f"{TEMPLATES}/change_form.html"
    # Never the secrets: they are shown once, when made.
    fields = readonly_fields = (
        "url",
        "description",
        "owner",
        "event_list",
        "state",
        "disabled_at",
        "failing_since",
        "previous_secret_expires_at",
        "created_at",
        "created_by",
        "updated_at",
    )

    @admin.display(description=_("owner"))
    def owner(self, obj: WebhookEndpoint) -> str:
        if obj.provider is not None:
            return gettext("%(name)s (provider)") % {"name": obj.provider.name}
        return gettext("%(name)s (customer)") % {"name": obj.customer.name if obj.customer else ""}

    @admin.display(description=_("events"))
    def event_list(self, obj: WebhookEndpoint) -> str:
        labels = dict(WebhookEventType.choices)
        return ", ".join(str(labels.get(kind, kind)) for kind in obj.events)

    @admin.display(description=_("state"))
    def state(self, obj: WebhookEndpoint) -> str:
        if obj.deleted_at is not None:
            return gettext("deleted")
        if obj.is_active:
            return gettext("active")
        return gettext("off: %(reason)s") % {"reason": obj.get_disabled_reason_display() or "-"}

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # the page is read-only: every change is an action through a service

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # the owner deletes through the API; the log stays with the endpoint

    def has_manage_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(MANAGE_PERMISSION)

    # --- Pages ---------------------------------------------------------------------------

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """Register an endpoint through the service; the answer shows its secret once."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        user = cast(User, request.user)
        form = WebhookEndpointCreateForm(
            request.POST if request.method == "POST" else None, user=user
        )
        if form.is_valid():
            try:
                endpoint = webhook_endpoint_create(
                    data=form.endpoint_input(), now=timezone.now(), created_by=user, **form.owner()
                )
            except WebhookError as refusal:
                form.refused(refusal)
            else:
                self.log_addition(request, endpoint, [{"added": {}}])
                return self._secrets_page(request, [endpoint], created=True)
        title = gettext("New webhook endpoint")
        return self._page(request, "add.html", title, form=form, **(extra_context or {}))

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        """The endpoint's facts, the latest deliveries the reader may see, and its actions."""
        context = dict(extra_context or {})
        endpoint = self.get_object(request, unquote(object_id))
        if endpoint is not None:
            deliveries = staff_rows(request.user, WebhookDelivery.objects.filter(endpoint=endpoint))
            context |= {
                "log": list(deliveries.select_related("event").order_by("-pk")[:LOG_ROWS]),
                "log_total": deliveries.count(),
                "log_url": reverse("admin:notifications_webhookdelivery_changelist")
                + f"?endpoint__id__exact={endpoint.pk}",
                "can_manage": self.has_manage_permission(request),
                "can_resend": request.user.has_perm(RESEND_PERMISSION),
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            }
        return super().change_view(request, object_id, form_url, context)

    def _page(self, request: HttpRequest, template: str, title: str, **context: Any) -> Any:
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "endpoint_id": request.POST.get("_endpoint", ""),
            **context,
        }
        return TemplateResponse(request, f"{TEMPLATES}/{template}", context)

    def _secrets_page(
        self, request: HttpRequest, endpoints: list[WebhookEndpoint], *, created: bool
    ) -> Any:
        """The one answer that holds the secrets (the admin's pages are never cached)."""
        title = gettext("Signing secret") if created else gettext("New signing secrets")
        return self._page(request, "secret.html", title, endpoints=endpoints, created=created)

    # --- Actions -------------------------------------------------------------------------

    def _refused(self, request: HttpRequest, endpoint: WebhookEndpoint, refusal: Any) -> None:
        text = gettext("Endpoint %(endpoint)s: %(reason)s")
        self.message_user(
            request, text % {"endpoint": endpoint.url, "reason": refusal}, level=messages.ERROR
        )

    def _switch(self, request: HttpRequest, queryset: QuerySet[WebhookEndpoint], on: bool) -> Any:
        now, done = timezone.now(), 0
        for endpoint in queryset.exclude(is_active=on).order_by("pk"):
            try:
                webhook_endpoint_update(
                    endpoint=endpoint, change=WebhookEndpointChange(is_active=on), now=now
                )
            except WebhookError as refusal:
                self._refused(request, endpoint, refusal)
                continue
            self.log_change(request, endpoint, [{"changed": {"fields": ["is_active"]}}])
            done += 1
        text = (
            gettext("Endpoints turned on: %(n)s.")
            if on
            else gettext("Endpoints turned off: %(n)s.")
        )
        self.message_user(request, text % {"n": done})
        return back_to_endpoint(request)

    @admin.action(description=_("Turn the selected endpoints on"), permissions=["manage"])
    def turn_on(self, request: HttpRequest, queryset: QuerySet[WebhookEndpoint]) -> Any:
        return self._switch(request, queryset, True)

    @admin.action(description=_("Turn the selected endpoints off"), permissions=["manage"])
    def turn_off(self, request: HttpRequest, queryset: QuerySet[WebhookEndpoint]) -> Any:
        return self._switch(request, queryset, False)

    @admin.action(description=_("Replay the events of a range…"), permissions=["manage"])
    def replay_events(self, request: HttpRequest, queryset: QuerySet[WebhookEndpoint]) -> Any:
        """An intermediate page asks for the range; each endpoint is sent the events of it that
        it was never sent (those it was sent are sent again from the delivery log)."""
        endpoints = list(queryset.filter(deleted_at__isnull=True).order_by("pk"))
        form = WebhookReplayForm(request.POST if request.POST.get("confirm") else None)
        if endpoints and form.is_valid() and self._replay(request, endpoints, form):
            return back_to_endpoint(request)
        intro = gettext(
            "These endpoints are sent the events of the range that they were never sent. An "
            "event they were sent already is left out: send it again from the delivery log."
        )
        return self._page(
            request,
            "action.html",
            gettext("Replay webhook events"),
            form=form,
            endpoints=endpoints,
            action="replay_events",
            intro=intro,
            submit=gettext("Replay"),
        )

    def _replay(
        self, request: HttpRequest, endpoints: list[WebhookEndpoint], form: WebhookReplayForm
    ) -> bool:
        now = timezone.now()
        for endpoint in endpoints:
            try:
                queued = webhook_replay(endpoint=endpoint, span=form.span(), now=now)
            except WebhookInvalid as refusal:  # the range: the same for every endpoint
                form.refused(refusal)
                return False
            except WebhookError as refusal:
                self._refused(request, endpoint, refusal)
                continue
            self.message_user(
                request,
                gettext("Events queued for %(endpoint)s: %(n)s.")
                % {"endpoint": endpoint.url, "n": queued},
            )
        return True

    @admin.action(description=_("Rotate the signing secret…"), permissions=["manage"])
    def rotate_secret(self, request: HttpRequest, queryset: QuerySet[WebhookEndpoint]) -> Any:
        """An intermediate page asks how long the old secret stays valid; the answer to the
        confirmation shows the new secrets, once."""
        endpoints = list(queryset.filter(deleted_at__isnull=True).order_by("pk"))
        form = WebhookRotateForm(request.POST if request.POST.get("confirm") else None)
        if endpoints and form.is_valid():
            now, rotated = timezone.now(), []
            try:
                for endpoint in endpoints:
                    rotated.append(
                        webhook_secret_rotate(
                            endpoint=endpoint, now=now, grace_seconds=form.grace_seconds()
                        )
                    )
            except WebhookError as refusal:
                form.refused(refusal)
            for endpoint in rotated:
                self.log_change(request, endpoint, [{"changed": {"fields": ["secret"]}}])
            if rotated:
                return self._secrets_page(request, rotated, created=False)
        intro = gettext(
            "These endpoints get a new signing secret, shown once on the next page. The old "
            "secret keeps signing beside the new one for the time you choose, so the receiver "
            "can switch without missing a delivery."
        )
        return self._page(
            request,
            "action.html",
            gettext("Rotate webhook signing secrets"),
            form=form,
            endpoints=endpoints,
            action="rotate_secret",
            intro=intro,
            submit=gettext("Rotate the secret"),
        )
