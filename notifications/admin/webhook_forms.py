"""The back-office's webhook forms: they only collect the input. Every rule (the address's SSRF
check, the events, one owner, the replay range, the grace period) is the service's, and its
refusal is shown on the field it names, in the reader's language."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from contracts.models import Customer, Provider
from contracts.staff_scope import staff_rows
from notifications.exceptions import WebhookError
from notifications.models import WebhookEventType
from notifications.services.webhooks.endpoints import ReplayRange, WebhookEndpointInput


class WebhookFormMixin(forms.Form):
    def refused(self, refusal: WebhookError) -> None:
        """Show the service's refusal on the field it names, else above the form."""
        field = refusal.field if refusal.field in self.fields else None
        self.add_error(field, str(refusal))


class WebhookEndpointCreateForm(WebhookFormMixin):
    provider = forms.ModelChoiceField(
        label=_("Provider"),
        queryset=Provider.objects.none(),
        required=False,
        help_text=_("Events of every customer of this provider. Choose a provider or a customer."),
    )
    customer = forms.ModelChoiceField(
        label=_("Customer"),
        queryset=Customer.objects.none(),
        required=False,
        help_text=_("Events of this customer's own tickets only, never internal notes."),
    )
    url = forms.CharField(
        label=_("Address"),
        help_text=_("Where the events are posted: a public https:// address."),
        widget=forms.URLInput(attrs={"size": 60}),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=WebhookEventType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    description = forms.CharField(label=_("Description"), required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        providers = cast(forms.ModelChoiceField, self.fields["provider"])
        providers.queryset = staff_rows(user, Provider.objects.order_by("name"))
        customers = cast(forms.ModelChoiceField, self.fields["customer"])
        customers.queryset = staff_rows(user, Customer.objects.order_by("name"))

    def endpoint_input(self) -> WebhookEndpointInput:
        data = self.cleaned_data
        return WebhookEndpointInput(
            url=data["url"], events=data["events"], description=data["description"]
        )

    def owner(self) -> dict[str, Any]:
        return {
            "provider": self.cleaned_data["provider"],
            "customer": self.cleaned_data["customer"],
        }


class WebhookReplayForm(WebhookFormMixin):
    """A range of events: by time, by event number, or both (the service needs one bound)."""

    since = forms.DateTimeField(
        label=_("From"),
        required=False,
        help_text=_("Events from this time on (e.g. 2026-06-15 09:00)."),
    )
    until = forms.DateTimeField(
        label=_("Until"), required=False, help_text=_("Events before this time.")
    )
    after_event_id = forms.IntegerField(label=_("After event number"), required=False, min_value=0)
    before_event_id = forms.IntegerField(
        label=_("Before event number"), required=False, min_value=1
    )

    def span(self) -> ReplayRange:
        return ReplayRange(**self.cleaned_data)


class WebhookRotateForm(WebhookFormMixin):
    grace_hours = forms.IntegerField(
        label=_("Old secret stays valid for (hours)"),
        min_value=0,
        max_value=7 * 24,
        help_text=_("Receivers accept either secret meanwhile, so none of them misses a delivery."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        default = timedelta(seconds=settings.WEBHOOK_SECRET_GRACE_SECONDS)
        self.fields["grace_hours"].initial = int(default.total_seconds() // 3600)

    def grace_seconds(self) -> int:
        return int(self.cleaned_data["grace_hours"]) * 3600
