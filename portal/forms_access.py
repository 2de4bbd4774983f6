"""The manager's remote-access grant form (SPEC SEC-04): validation of the input only; the
rules (who may, how long, no identical grant twice) are the service's
(contracts.services.access)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contracts.models import Contract
from contracts.selectors_access import GRANT_MAX_DAYS
from contracts.services.access import SCOPE_MAX, SYSTEM_MAX, RemoteAccessRefused

LOCAL_MINUTE = "%Y-%m-%dT%H:%M"


def _reference(contract: Contract) -> str:
    return contract.reference


class RemoteAccessGrantForm(forms.Form):
    system = forms.CharField(
        label=_("System"),
        max_length=SYSTEM_MAX,
        help_text=_("The server, application or account, e.g. its host name."),
    )
    scope = forms.CharField(
        label=_("What our engineers may do"),
        max_length=SCOPE_MAX,
        help_text=_("For example: read the logs, an administrator session, restart services."),
    )
    expires_at = forms.DateTimeField(
        label=_("Until"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_MINUTE),
        input_formats=[LOCAL_MINUTE, "%Y-%m-%d %H:%M"],
    )
    contract = forms.ModelChoiceField(
        label=_("For contract (optional)"),
        queryset=Contract.objects.none(),
        required=False,
    )

    def __init__(self, *args: Any, customer_id: int, now: datetime, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["contract"])
        field.queryset = Contract.objects.filter(customer_id=customer_id).order_by("reference")
        field.label_from_instance = _reference  # type: ignore[method-assign,assignment]
        today = timezone.localdate(now)
        until = self.fields["expires_at"]
        until.help_text = _("At most %(days)s days from now; the access ends by itself then.") % {
            "days": GRANT_MAX_DAYS
        }
        until.initial = datetime.combine(today + timedelta(days=1), time(18, 0))
        until.widget.attrs["min"] = datetime.combine(today, time(0, 0)).strftime(LOCAL_MINUTE)

    def refused(self, refusal: RemoteAccessRefused) -> None:
        """The service's reason, in the reader's language, beside the field it is about."""
        self.add_error(refusal.field if refusal.field in self.fields else None, str(refusal))
